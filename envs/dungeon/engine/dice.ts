import type { Rng } from '../../../src/core/rng.js';

/** NetHack's d(n, s): the sum of n rolls of an s-sided die. */
export function dice(rng: Rng, n: number, s: number): number {
  let t = 0;
  for (let k = 0; k < n; k++) t += rng.int(1, s + 1);
  return t;
}
