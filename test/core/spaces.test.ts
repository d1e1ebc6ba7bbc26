import { describe, expect, it } from 'vitest';
import {
  Box,
  Dict,
  Discrete,
  flatdim,
  flatten,
  flattenSpace,
  MultiBinary,
  MultiDiscrete,
  Rng,
  RxgymError,
  Text,
  Tuple,
} from './support/core.js';

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
    for (let i = 0; i < 20; i++)
      expect(
        Array.from(
          md.sample(rng, [
            [0, 0, 1],
            [1, 0],
          ]),
        ),
      ).toEqual([2, 0]);
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

  it('bad arguments get an RxgymError naming the space and the offending value', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => new Discrete(0), /^Discrete\(0, start=0\): n must be a positive integer, got 0$/],
      [() => new Discrete(3, 0.5), /^Discrete\(3, start=0\.5\): start must be an integer, got 0\.5$/],
      [
        () => new Discrete(3).sample(new Rng(0), [1, 0]),
        /^Discrete\(3\)\.sample: mask \[1, 0\] has length 2; pass one 0\/1 per action \(3\)$/,
      ],
      [
        () => new Box(0, 1, [2], 'float16' as 'float32'),
        /^Box\(0, 1, \[2\], float16\): unknown dtype "float16"; use one of float32/,
      ],
      [
        () => new Box(0, 1, [2, 0]),
        /^Box\(0, 1, \[2, 0\], float32\): shape must hold positive integers, got 0 in \[2, 0\]$/,
      ],
      [
        () => new Box([0, 5], [1, 2]),
        /^Box\(\[0, 5\], \[1, 2\], shape inferred, float32\): low\[1\]=5 exceeds high\[1\]=2/,
      ],
      [
        () => new Box([0, 0, 0], 1, [2]),
        /^Box\(\[0, 0, 0\], 1, \[2\], float32\): low has 3 values but the shape holds 2; pass 2/,
      ],
      [() => new MultiDiscrete([]), /^MultiDiscrete\(\[\]\): nvec must not be empty/],
      [() => new MultiDiscrete([3, -1]), /^MultiDiscrete\(\[3, -1\]\): nvec\[1\] must be a positive integer, got -1$/],
      [() => new MultiDiscrete([3, 2], [0]), /^MultiDiscrete\(\[3, 2\], start=\[0\]\): start has 1 entries and nvec 2/],
      [() => new MultiBinary([2, 0]), /^MultiBinary\(\[2, 0\]\): dimensions must be positive integers, got 0$/],
      [() => new Text(-1), /^Text\(-1, minLength=1\): maxLength must be a non-negative integer, got -1$/],
      [() => new Text(3, 5), /^Text\(3, minLength=5\): minLength must be an integer in \[0, maxLength=3\], got 5$/],
      // was: samples "undefinedundefined..." outside the space
      [() => new Text(4, 1, ''), /^Text\(4, minLength=1\): charset is empty; give the characters strings may hold/],
      // was: a sample holding 3, outside the space
      [
        () => new MultiBinary(3).sample(new Rng(0), [3, 0, 1]),
        /^MultiBinary\(\[3\]\)\.sample: mask \[3, 0, 1\]; pass 3 entries of 0, 1 \(fixed\) or 2 \(random\)$/,
      ],
      [() => new Dict({}), /^Dict\{\}: needs at least one sub-space/],
      [() => new Tuple([]), /^Tuple\(\): needs at least one sub-space/],
      [
        () => flatdim(new Tuple([new Discrete(2), new Text(3)])),
        /^flatdim\(Text\(1\.\.3, charset of 62\)\): Text spaces cannot be flattened/,
      ],
      [
        () => flatten(new Text(3), 'ab', new Float32Array(3)),
        /^flatten\(Text\(1\.\.3, charset of 62\), "ab"\): Text spaces cannot be flattened/,
      ],
    ];
    for (const [fn, message] of cases) {
      let caught: unknown;
      try {
        fn();
      } catch (e) {
        caught = e;
      }
      expect(caught, String(message)).toBeInstanceOf(RxgymError);
      expect((caught as Error).message).toMatch(message);
    }
  });

  it('spaces describe themselves in one line', () => {
    const inf = Number.POSITIVE_INFINITY;
    expect(String(new Discrete(4))).toBe('Discrete(4)');
    expect(String(new Discrete(4, -1))).toBe('Discrete(4, start=-1)');
    expect(String(new Box(-1, 1, [2, 3]))).toBe('Box(-1, 1, [2, 3], float32)');
    expect(String(new Box([-1, -inf], [1, inf], [2], 'float64'))).toBe('Box([-1, -inf], [1, inf], [2], float64)');
    expect(String(new Box(0, 1, [20], 'uint8'))).toBe('Box(0, 1, [20], uint8)');
    expect(String(new MultiDiscrete([3, 2], [1, 0]))).toBe('MultiDiscrete([3, 2], start=[1, 0])');
    expect(String(new MultiBinary(5))).toBe('MultiBinary([5])');
    expect(String(new Dict({ a: new Discrete(2), b: new Tuple([new MultiBinary([2, 2])]) }))).toBe(
      'Dict{a: Discrete(2), b: Tuple(MultiBinary([2, 2]))}',
    );
  });
});
