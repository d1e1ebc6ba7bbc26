import { map, tap, takeWhile, type Observable, type OperatorFunction } from 'rxjs';
import type { Agent } from '../core/agent.js';
import type { AnnotatedBatch } from '../stream/batch.js';
import type { RunPhase, TrainStats } from '../stream/events.js';
import type { ExplorationTracker } from '../stream/exploration.js';
import { annotate, everySteps, learn, type LearnedBatch, type StepSpan } from '../stream/operators.js';
import type { CollectRequest, Rollout } from '../stream/rollout.js';
import type { RewardStack } from '../../rewards/stack.js';
import type { Pacer } from './pacer.js';

/** Milliseconds spent collecting rollouts, annotating, learning and evaluating in this process. */
export interface RunProfile {
  rolloutMs: number;
  annotateMs: number;
  learnMs: number;
  evalMs: number;
}

/** One pass of training: pre-training and fine-tuning are two phases of a run with `pretrain:`, a plain run has one. */
export interface Phase {
  /** `undefined` for a run without pre-training. */
  readonly name: RunPhase | undefined;
  readonly agent: Agent;
  readonly rollout: Rollout;
  readonly stack: RewardStack;
  readonly tracker: ExplorationTracker | undefined;
  /** Env steps this phase may take (a phase never takes more than its budget). */
  readonly budget: number;
  /** Evaluation and checkpoint intervals in env steps (0: never during the phase). */
  readonly evalEvery: number;
  readonly checkpointEvery: number;
  readonly pacer: Pacer;
}

/** A learned batch with its step span and the statistics its metrics row reports. */
export interface PhaseStep extends StepSpan {
  readonly learned: LearnedBatch;
  readonly stats: TrainStats;
}

/** What the run does at each point of the pipeline. */
export interface PhaseHooks {
  /** Emit the batch's events (episodes, batch, rewards, train, explore) and return its metrics-row statistics. */
  record(p: Phase, lb: LearnedBatch): PhaseStep;
  evaluate(p: Phase, step: number): void;
  checkpoint(p: Phase, step: number): void;
  /** Write the batch's metrics row and progress line (after evaluation, so the row carries it). */
  report(p: Phase, x: PhaseStep): void;
}

/** True when another whole batch would exceed the phase's budget. */
export function budgetSpent(p: Phase): boolean {
  const ro = p.rollout;
  return ro.globalStep + ro.steps * ro.numEnvs > p.budget;
}

/**
 * The collect request of the next batch: at a checkpoint boundary the episodes are cut and the envs reseeded with
 * the next segment's seed, so a run resumed from that checkpoint sees the same stream as one that went on.
 */
export function nextRequest(p: Phase, segmentSeed: () => number): CollectRequest {
  const ro = p.rollout;
  const every = p.checkpointEvery;
  const step = ro.globalStep;
  const after = step + ro.steps * ro.numEnvs;
  const crosses = every > 0 && Math.floor(after / every) > Math.floor(step / every);
  return crosses && after + ro.steps * ro.numEnvs <= p.budget ? { cutAndReseed: segmentSeed() } : {};
}

/** Add the time since the last stage to `profile[key]`. */
function timed<T>(clock: { t: number }, profile: RunProfile, key: keyof RunProfile): OperatorFunction<T, T> {
  return tap(() => {
    const now = performance.now();
    profile[key] += now - clock.t;
    clock.t = now;
  });
}

/**
 * A phase as a pipeline, read top to bottom: rollout -> annotate -> learn, then the batch's events, evaluation and
 * checkpoints every so many steps, the metrics row, and the budget. It completes when the budget is spent or the
 * pacer stops (a stop request).
 */
export function phasePipeline(
  p: Phase,
  hooks: PhaseHooks,
  profile: RunProfile,
  clock: { t: number },
): Observable<PhaseStep> {
  const during = (): boolean => p.name !== 'pretrain' && !budgetSpent(p);
  // both phases checkpoint (pre-training under pretrain/), so that a stopped or killed run continues either
  const before = (): boolean => !budgetSpent(p);
  return p.rollout.batches(p.pacer.requests$).pipe(
    timed(clock, profile, 'rolloutMs'),
    annotate(p.stack),
    timed(clock, profile, 'annotateMs'),
    learn(p.agent),
    map((lb) => hooks.record(p, lb)),
    everySteps(p.evalEvery, (x) => hooks.evaluate(p, x.step), during),
    everySteps(p.checkpointEvery, (x) => hooks.checkpoint(p, x.step), before),
    tap((x) => hooks.report(p, x)),
    takeWhile(() => !budgetSpent(p), true),
  );
}

/** The per-component summary of an annotated batch (the `rewards` event), parts of sources included. */
export function rewardSummary(
  b: AnnotatedBatch,
): Record<string, { rawMean: number; scaledMean: number; rawStd: number; min: number; max: number }> {
  const components: Record<string, { rawMean: number; scaledMean: number; rawStd: number; min: number; max: number }> =
    {};
  for (const [name, c] of Object.entries(b.components)) {
    let sr = 0,
      ss = 0,
      sq = 0,
      mn = Infinity,
      mx = -Infinity;
    const n = c.raw.length;
    for (let k = 0; k < n; k++) {
      const r = c.raw[k]!;
      sr += r;
      sq += r * r;
      ss += c.scaled[k]!;
      if (r < mn) mn = r;
      if (r > mx) mx = r;
    }
    const m = sr / n;
    components[name] = {
      rawMean: m,
      scaledMean: ss / n,
      rawStd: Math.sqrt(Math.max(0, sq / n - m * m)),
      min: mn,
      max: mx,
    };
  }
  Object.assign(components, b.parts ?? {});
  return components;
}
