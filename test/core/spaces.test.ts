import { describe, expect, it } from 'vitest';
import { Box, Dict, Discrete, flatdim, flatten, flattenSpace, MultiBinary, MultiDiscrete, Rng, Text, Tuple } from './support/core.js';

describe('spaces', () => {
  it('Box samples uniform, shifted exponential or normal per dimension, as Gymnasium', () => {
    const b = new Box([0, 1, -Infinity, -Infinity], [1, Infinity, 2, Infinity], [4], 'float64');
    const rng = new Rng(0);
    const cols: number[][] = [[], [], [], []];
    for (let i = 0; i < 4000; i++) b.sample(rng).forEach((v, k) => cols[k]!.push(v));
    const mean = (xs: number[]) => xs.reduce((a, c) => a + c, 0) / xs.length;
    expect(Math.min(...cols[0]!)).toBeGreaterThanOrEqual(0);
    expect(mean(cols[0]!)).toBeCloseTo(0.5, 1);
    expect(Math.min(...cols[1]!)).toBeGreaterThanOrEqual(1);
    expect(mean(cols[1]!)).toBeCloseTo(2, 1);
    expect(Math.max(...cols[2]!)).toBeLessThanOrEqual(2);
    expect(mean(cols[2]!)).toBeCloseTo(1, 1);
    expect(mean(cols[3]!)).toBeCloseTo(0, 1);
  });

  it('Box bounds are held in the element dtype, so float32 observations at the bound are inside', () => {
    const b = new Box(-4.8, 4.8, [1], 'float32');
    expect(b.contains(new Float32Array([4.8]))).toBe(true);
    expect(b.contains(new Float32Array([4.81]))).toBe(false);
    expect(new Box(0, 3, [2], 'int32').contains(new Float32Array([1, 2]))).toBe(false);
    expect(() => new Box(1, 0, [1])).toThrow(/low\[0\]=1 exceeds high\[0\]=0/);
  });

  it('sampling is seeded, and masks restrict Discrete/MultiDiscrete choices', () => {
    const d = new Discrete(5, 10);
    const a = Array.from({ length: 20 }, (_, i) => d.sample(new Rng(i)));
    expect(Array.from({ length: 20 }, (_, i) => d.sample(new Rng(i)))).toEqual(a);
    const rng = new Rng(3);
    for (let i = 0; i < 50; i++) expect([11, 13]).toContain(d.sample(rng, [0, 1, 0, 1, 0]));
    expect(d.sample(rng, [0, 0, 0, 0, 0])).toBe(10);
    const md = new MultiDiscrete([3, 2]);
    for (let i = 0; i < 20; i++) expect(Array.from(md.sample(rng, [[0, 0, 1], [1, 0]]))).toEqual([2, 0]);
    expect(md.contains(new Int32Array([2, 1]))).toBe(true);
    expect(md.contains(new Int32Array([3, 0]))).toBe(false);
    expect(new MultiBinary(3).sample(rng, [1, 0, 2])[0]).toBe(1);
    expect(new Text(4, 2, 'ab').contains('abba')).toBe(true);
  });

  it('flatten one-hots Discrete parts; flatdim and flattenSpace agree', () => {
    const s = new Dict({ a: new Discrete(3), b: new Box(-1, 1, [2]), c: new Tuple([new MultiDiscrete([2, 2])]) });
    expect(flatdim(s)).toBe(9);
    const x = flatten(s, { a: 2, b: new Float32Array([0.5, -0.5]), c: [new Int32Array([1, 0])] });
    expect(Array.from(x)).toEqual([0, 0, 1, 0.5, -0.5, 0, 1, 1, 0]);
    const fs = flattenSpace(s);
    expect(fs.shape).toEqual([9]);
    expect(fs.contains(x)).toBe(true);
    expect(() => flatdim(new Text(3))).toThrow(/cannot be flattened/);
  });
});
