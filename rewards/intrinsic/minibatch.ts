import type { Rng } from '../../src/core/rng.js';

/** Row indices `0..n-1` shuffled with `rng`, cut into minibatches of `size`. */
export function minibatches(n: number, size: number, rng: Rng): Int32Array[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(idx);
  const out: Int32Array[] = [];
  for (let s = 0; s < n; s += size) out.push(Int32Array.from(idx.slice(s, s + size)));
  return out;
}

/** Gather `rows` of a row-major `dim`-wide array into a new `[rows.length, dim]` Float32Array. */
export function gatherRows(data: Float32Array, dim: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let r = 0; r < rows.length; r++) out.set(data.subarray(rows[r]! * dim, rows[r]! * dim + dim), r * dim);
  return out;
}
