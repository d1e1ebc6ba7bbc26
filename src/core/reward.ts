import type { Observable } from 'rxjs';
import type { PartStats, TransitionBatch } from '../stream/batch.js';
import type { LlmOptions } from '../llm/index.js';
import { RxgymError } from './env.js';
import type { Space } from './spaces.js';
import type { EnvCapabilities, FrameRequest } from './capabilities.js';

/** Kinds of reward models. */
export type RewardKind = 'extrinsic' | 'code' | 'vlm' | 'intrinsic' | 'process';

/**
 * An asynchronous side-channel event of a source (labels arriving, model updated, failures; `frame`: the latest frame
 * a source scored, `data` = { step, envIndex, frame: RgbFrame, raw, scaled }).
 */
export interface RewardEvent {
  source: string;
  kind: 'annotation' | 'model' | 'error' | 'info' | 'frame';
  data: Record<string, unknown>;
  time: number;
}

/** Every reward model, whatever its kind. */
export interface RewardSource {
  readonly name: string;
  readonly kind: RewardKind;
  /** One reward per transition; the fast path, never awaits an LLM. */
  compute(batch: TransitionBatch): Float32Array;
  /** Learning sources (RND predictor, ONI reward model, E3B) learn here. */
  update?(batch: TransitionBatch): void | Promise<void>;
  /** Asynchronous side channel (annotations, model updates). */
  readonly events$?: Observable<RewardEvent>;
  /** Statistics of the named parts of the values the last `compute` returned (a code source's components). */
  parts?(): Record<string, PartStats> | undefined;
  /** True when the source reads `prevStates`/`nextStates`. */
  readonly needsStates?: boolean;
  /** Set when the source reads `frames` (rendered after every step, as requested here). */
  readonly needsFrames?: FrameRequest;
  /**
   * At the end of a run's budget: take in the answers still in flight (LLM labels, judged frames) until none is left,
   * `deadline` (epoch ms) passes or `signal` aborts, then report the final counters. Sources without requests in
   * flight leave it out.
   */
  settle?(deadline: number, signal: AbortSignal): Promise<void>;
  dispose?(): void;
}

/**
 * Poll until `done()` (which takes in what arrived) is true, `deadline` (epoch ms) passes or `signal` aborts: the
 * loop of a source's `settle`. Resolves true when done.
 */
export async function settleLoop(done: () => boolean, deadline: number, signal: AbortSignal): Promise<boolean> {
  for (;;) {
    if (done()) return true;
    if (signal.aborted || Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** How the stack normalises a component before weighting it. */
export type NormalizeMode = 'none' | 'rms' | 'minmax';

/** Options an LLM-backed source uses (src/llm `LlmOptions`). */
export type RewardLlmOptions = LlmOptions;

/** One entry of a scenario's `rewards:` list. */
export interface RewardComponentConfig {
  source: string;
  weight?: number;
  normalize?: NormalizeMode;
  clip?: number;
  decay?: { beta: number; kappa: number };
  episodic?: boolean;
  [option: string]: unknown;
}

/** What every source factory may read about the run. */
export interface RewardContext {
  envId: string;
  observationSpace: Space<unknown>;
  actionSpace: Space<unknown>;
  numEnvs: number;
  seed: number;
  runDir?: string;
  llm?: RewardLlmOptions;
  /** What the env declares (e.g. whether it renders frames), when the caller knows it. */
  capabilities?: EnvCapabilities;
}

/** A factory building one source from its (validated, defaults-filled) config. */
export type RewardSourceFactory = (cfg: RewardComponentConfig, ctx: RewardContext) => RewardSource;

/** What the stack knows about a source besides its factory. */
export interface RewardSourceInfo {
  /** Defaults of the stack-level keys (RND: `normalize: 'rms', episodic: false`). */
  defaults?: Partial<Pick<RewardComponentConfig, 'weight' | 'normalize' | 'clip' | 'decay' | 'episodic'>>;
  /** Source-specific option names it accepts; any other key is an error. Omit to accept anything. */
  options?: readonly string[];
  /** Whether a negative weight makes sense (penalties); default false. */
  allowNegativeWeight?: boolean;
  /** One line for listings. */
  description?: string;
}

/** A configuration error at `path` (e.g. `rewards[2].model`); the stack prefixes the list index. */
export class RewardConfigError extends RxgymError {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'RewardConfigError';
  }
}

/** A registered reward source: its factory and what the stack knows about it. */
export interface RewardSourceEntry {
  factory: RewardSourceFactory;
  info: RewardSourceInfo;
}

/** The reward sources of a registry, by the name a scenario's `source:` key uses. */
export class RewardRegistry {
  private readonly entries = new Map<string, RewardSourceEntry>();

  /** Register a reward source under `name` (re-registering the same name replaces it). */
  register(name: string, factory: RewardSourceFactory, info: RewardSourceInfo = {}): void {
    if (typeof factory !== 'function') {
      throw new RxgymError(
        `reward source "${name}": the factory must be a function (cfg, ctx) => RewardSource, got ${typeof factory}`,
      );
    }
    this.entries.set(name, { factory, info });
  }

  /** The registered source names, sorted. */
  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Factory and info of `name`, or undefined. */
  entry(name: string): RewardSourceEntry | undefined {
    return this.entries.get(name);
  }
}
