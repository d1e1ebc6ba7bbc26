import { expect } from 'vitest';
import { Rng } from '../../src/core/rng.js';

/** `n` seeded standard-normal values times `scale`: the tensor tests' inputs. */
export function values(n: number, seed: number, scale = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

/** Largest |a[i] - b[i]| of two arrays of the same length (asserted). */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
