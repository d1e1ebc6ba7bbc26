import { concatMap, tap, type MonoTypeOperatorFunction, type OperatorFunction } from 'rxjs';
import type { AnnotatedBatch, BatchAnnotator, TransitionBatch } from './batch.js';
import type { RunEvent, TrainStats } from './events.js';

/** Anything that learns from annotated batches (agents). */
export interface Learner {
  learn(batch: AnnotatedBatch): TrainStats | Promise<TrainStats>;
}

/** A batch with the train statistics of the update it fed. */
export interface LearnedBatch {
  batch: AnnotatedBatch;
  stats: TrainStats;
  learnMs: number;
}

/** Run each batch through the reward stack (every component, the weighted total), then let learning sources update. */
export function annotate(stack: BatchAnnotator): OperatorFunction<TransitionBatch, AnnotatedBatch> {
  return concatMap(async (batch) => {
    const annotated = stack.annotate(batch);
    await stack.update?.(annotated);
    return annotated;
  });
}

/** Let the agent learn from each annotated batch, one at a time. */
export function learn(agent: Learner): OperatorFunction<AnnotatedBatch, LearnedBatch> {
  return concatMap(async (batch) => {
    const t0 = performance.now();
    const stats = await agent.learn(batch);
    return { batch, stats, learnMs: performance.now() - t0 };
  });
}

/** Something events are written to (JSONL/CSV files, a progress line). */
export interface EventWriter {
  write(event: RunEvent): void;
}

/** Write every event to `writer` as it passes. */
export function logTo(writer: EventWriter): MonoTypeOperatorFunction<RunEvent> {
  return tap((e) => writer.write(e));
}

/** A point in a run: the global env step before and after one batch. */
export interface StepSpan {
  readonly before: number;
  readonly step: number;
}

/**
 * Run `action` on the items whose span crosses a multiple of `n` env steps (evaluation, checkpoints), when `when`
 * holds; `n <= 0` never runs it. The item passes on unchanged.
 */
export function everySteps<T extends StepSpan>(
  n: number,
  action: (x: T) => void,
  when: (x: T) => boolean = () => true,
): MonoTypeOperatorFunction<T> {
  return tap((x) => {
    if (n > 0 && Math.floor(x.step / n) > Math.floor(x.before / n) && when(x)) action(x);
  });
}
