import type { VectorEnv } from '../core/vector/types.js';
import type { TransitionBatch } from '../stream/batch.js';

/** What a run needs of an exploration tracker (envs/explore `ExplorationTracker`, structurally). */
export interface RunExplorationTracker {
  /** Called right after every vector step of a rollout with the step index within the batch; must not allocate. */
  afterStep?(batch: TransitionBatch, t: number): void;
  /** Fold in one rollout batch; returns the metrics so far (unique cells, coverage, depth, distinct messages ...). */
  observe(batch: TransitionBatch): Record<string, number | undefined>;
  /** The metrics so far. */
  metrics(): Record<string, number | undefined>;
}

/** Builds the tracker of a run's vector env, or undefined when the env cannot report exploration. */
export type ExplorationFactory = (envId: string, vec: VectorEnv) => RunExplorationTracker | undefined;

let defaultFactory: ExplorationFactory | undefined;

/** Install the exploration tracker factory runs use when `startRun` is not given one (envs/explore installs its own when registered). */
export function setExplorationFactory(f: ExplorationFactory | undefined): void {
  defaultFactory = f;
}

/** The installed factory. */
export function explorationFactory(): ExplorationFactory | undefined {
  return defaultFactory;
}

/** The defined entries of a metrics record (for events, CSV columns and summaries). */
export function definedMetrics(m: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k in m) {
    const v = m[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
