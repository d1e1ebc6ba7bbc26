import type { TransitionBatch } from '../../src/stream/batch.js';
import type { VlmEvery } from './options.js';

/**
 * Rows of a batch whose frame gets a score, written to `out`; returns their number. `every: k` scores each k-th step
 * of an episode and its last; `episode-end` only an episode's last frame (the rollout renders every step either way).
 */
export function scoredRows(batch: TransitionBatch, every: VlmEvery, out: Int32Array): number {
  const n = batch.numSteps * batch.numEnvs;
  let m = 0;
  for (let k = 0; k < n; k++) {
    const end = batch.terminations[k] === 1 || batch.truncations[k] === 1;
    const take = every === 'episode-end' ? end : every === 1 || end || (batch.episodeSteps[k]! + 1) % every === 0;
    if (take) out[m++] = k;
  }
  return m;
}
