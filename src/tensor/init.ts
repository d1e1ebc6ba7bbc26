import type { Rng } from '../core/rng.js';

/**
 * Orthogonal initialisation (Saxe et al.), as PyTorch's `orthogonal_`: a rows x cols matrix whose rows or columns
 * are orthonormal, scaled by `gain`. Gram–Schmidt on a seeded normal matrix, so it is deterministic per Rng.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  const tall = rows >= cols;
  const n = tall ? rows : cols; // vector length
  const k = tall ? cols : rows; // number of orthonormal vectors
  const q: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    // Modified Gram–Schmidt, twice for numerical orthogonality.
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += u[i]! * v[i]!;
        for (let i = 0; i < n; i++) v[i]! -= dot * u[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) v[i]! /= norm;
    q.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (tall ? q[c]![r]! : q[r]![c]!);
  }
  return out;
}

/** Uniform(-bound, bound) values, PyTorch's default Linear init uses bound = 1/sqrt(fanIn). */
export function uniformInit(size: number, bound: number, rng: Rng): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-bound, bound);
  return out;
}
