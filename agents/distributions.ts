import type { Rng } from '../src/core/rng.js';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Sample from the categorical distribution with `logits` (row r of a [count, n] array, entries where `mask` is 0
 * excluded) and return the index and its log-probability. `greedy` picks the arg-max.
 */
export function sampleCategorical(
  logits: Float32Array,
  offset: number,
  n: number,
  rng: Rng,
  greedy: boolean,
  mask?: Uint8Array,
  maskOffset = 0,
): { action: number; logProb: number } {
  let max = -Infinity;
  let arg = 0;
  for (let a = 0; a < n; a++) {
    if (mask && !mask[maskOffset + a]) continue;
    const l = logits[offset + a]!;
    if (l > max) {
      max = l;
      arg = a;
    }
  }
  let sum = 0;
  for (let a = 0; a < n; a++) if (!mask || mask[maskOffset + a]) sum += Math.exp(logits[offset + a]! - max);
  const logZ = max + Math.log(sum);
  let action = arg;
  if (!greedy) {
    let u = rng.random() * sum;
    action = -1;
    for (let a = 0; a < n; a++) {
      if (mask && !mask[maskOffset + a]) continue;
      u -= Math.exp(logits[offset + a]! - max);
      action = a;
      if (u < 0) break;
    }
  }
  return { action, logProb: logits[offset + action]! - logZ };
}

/** Log-density of `x` under a diagonal Gaussian (sum over dims). */
export function gaussianLogProb(
  x: ArrayLike<number>,
  xOff: number,
  mean: ArrayLike<number>,
  meanOff: number,
  logStd: ArrayLike<number>,
  dim: number,
): number {
  let lp = 0;
  for (let d = 0; d < dim; d++) {
    const z = (x[xOff + d]! - mean[meanOff + d]!) / Math.exp(logStd[d]!);
    lp += -0.5 * z * z - logStd[d]! - 0.5 * LOG_2PI;
  }
  return lp;
}
