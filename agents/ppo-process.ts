import { RxgymError } from '../src/core/env.js';
import type { AnnotatedBatch, ConstraintValues } from '../src/stream/batch.js';
import type { TrainStats } from '../src/stream/events.js';

/** The batch's constraint components in the order the agent gave them value heads; an error when one is missing. */
export function constraintsOf(batch: AnnotatedBatch, names: readonly string[]): ConstraintValues[] {
  return names.map((name) => {
    const c = batch.constraints?.find((x) => x.name === name);
    if (!c) {
      throw new RxgymError(
        `ppo.learn: the batch lacks constraint "${name}", which the agent was built with; ` +
          "build the agent with the reward stack's constraintNames",
      );
    }
    return c;
  });
}

/** (a - mean) / (std + 1e-8), over the whole batch. */
function normalized(a: Float32Array): Float32Array {
  let m = 0;
  for (const x of a) m += x;
  m /= Math.max(1, a.length);
  let v = 0;
  for (const x of a) v += (x - m) ** 2;
  const sd = Math.sqrt(v / Math.max(1, a.length - 1));
  return a.map((x) => (x - m) / (sd + 1e-8));
}

/**
 * Constrained PPO's advantage (Moskovitz et al. 2023): each advantage normalised over the batch, then
 * (C − Σλ)·A_task + Σ λᵢ·Aᵢ, where C is the number of constraints and λ their (squashed) multipliers.
 */
export function mixAdvantages(task: Float32Array, cons: Float32Array[], lambdas: readonly number[]): Float32Array {
  const C = cons.length;
  const sum = lambdas.reduce((a, b) => a + b, 0);
  const out = normalized(task).map((x) => (C - sum) * x);
  cons.forEach((a, i) => {
    const n = normalized(a);
    for (let k = 0; k < out.length; k++) out[k]! += lambdas[i]! * n[k]!;
  });
  return out;
}

/**
 * The rows PPO learns from: every row, or, when the reward stack filtered the batch (PF-PPO), the rows of the
 * episodes it kept, with the filter's statistics (kept shares, R² of the kept and of all episodes).
 */
export function learnRows(batch: AnnotatedBatch): { rows: number[]; stats: TrainStats } {
  const B = batch.numSteps * batch.numEnvs;
  const f = batch.filter;
  if (!f) return { rows: Array.from({ length: B }, (_, i) => i), stats: {} };
  const rows: number[] = [];
  for (let k = 0; k < B; k++) if (f.keep[k]) rows.push(k);
  return { rows, stats: f.stats };
}
