import { describe, expect, it } from 'vitest';
import { RxgymError } from '../../src/core/env.js';
import { clipStepRewards, deltaStepRewards, shapeStepRewards } from '../../rewards/process/transforms.js';

const f32 = (xs: number[]) => Array.from(Float32Array.from(xs));
const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);

describe('clipStepRewards', () => {
  it('r - eta where the step scores below eta, 0 where it reaches it', () => {
    const r = Float32Array.of(0.9, 0.5, 0.2, 0.8, 1);
    const out = clipStepRewards(r, 0.8);
    expect(Array.from(out)).toEqual(f32([0, 0.5 - 0.8, 0.2 - 0.8, 0, 0]));
    expect(out).toBeInstanceOf(Float32Array);
    expect(out).not.toBe(r);
    expect(Array.from(r)).toEqual(f32([0.9, 0.5, 0.2, 0.8, 1])); // the input is left alone
    expect(Array.from(clipStepRewards([1, -2], 0))).toEqual([0, -2]);
    expect(clipStepRewards(new Float32Array(0), 0.5)).toHaveLength(0);
  });

  it('bounds the return: padding an episode with more good steps cannot raise it', () => {
    const short = [0.9, 0.95];
    const padded = [0.9, 0.9, 0.9, 0.9, 0.95];
    expect(sum(clipStepRewards(padded, 0.5))).toBe(0);
    expect(sum(clipStepRewards(padded, 0.5))).toBeLessThanOrEqual(sum(clipStepRewards(short, 0.5)));
    expect(sum(clipStepRewards([0.9, 0.1, 0.9], 0.5))).toBeCloseTo(-0.4, 6);
  });

  it('rejects a NaN or missing eta and non-finite rewards with a clear error', () => {
    expect(() => clipStepRewards([1], NaN)).toThrow(RxgymError);
    expect(() => clipStepRewards([1], NaN)).toThrow(
      'clipStepRewards: eta must be a finite number (the threshold in min(r - eta, 0)), got NaN',
    );
    expect(() => clipStepRewards([1], undefined as unknown as number)).toThrow(
      /eta must be a finite number .*got undefined/,
    );
    expect(() => clipStepRewards([1], '0.5' as unknown as number)).toThrow(/got "0.5"/);
    expect(() => clipStepRewards(Float32Array.of(0.1, Infinity), 0.5)).toThrow(
      "clipStepRewards: rewards[1] is Infinity; one episode's step rewards must be finite numbers",
    );
    expect(() => clipStepRewards([0.1, NaN], 0.5)).toThrow(/rewards\[1\] is NaN/);
    expect(() => clipStepRewards(null as unknown as number[], 0.5)).toThrow(
      /rewards must be an array of numbers .*got null/,
    );
    expect(() => clipStepRewards(0.5 as unknown as number[], 0.5)).toThrow(/got 0.5/);
  });
});

describe('deltaStepRewards', () => {
  it("r_k - r_(k+1); the last step keeps its own value, so every return-to-go equals that step's score", () => {
    const r = [0.2, 0.5, 0.9, 0.4];
    const out = deltaStepRewards(r);
    expect(Array.from(out)).toEqual(f32([0.2 - 0.5, 0.5 - 0.9, 0.9 - 0.4, 0.4]));
    const fromF32 = deltaStepRewards(Float32Array.from(r));
    [-0.3, -0.4, 0.5, 0.4].forEach((v, k) => expect(fromF32[k]).toBeCloseTo(v, 6));
    for (let k = 0; k < r.length; k++) expect(sum(out.subarray(k))).toBeCloseTo(r[k]!, 6);
    expect(Array.from(deltaStepRewards([3]))).toEqual([3]);
    expect(deltaStepRewards([])).toHaveLength(0);
  });

  it("repeating a step adds nothing: the return is the first step's score however long the episode", () => {
    expect(sum(deltaStepRewards([0.7, 0.9, 0.9, 0.9, 0.9, 0.9]))).toBeCloseTo(0.7, 6);
    expect(sum(deltaStepRewards([0.7, 0.9]))).toBeCloseTo(0.7, 6);
  });

  it('rejects non-finite values', () => {
    expect(() => deltaStepRewards([0, NaN, 1])).toThrow(
      "deltaStepRewards: rewards[1] is NaN; one episode's step rewards must be finite numbers",
    );
    expect(() => deltaStepRewards(undefined as unknown as number[])).toThrow(/rewards must be an array of numbers/);
  });
});

describe('clip + delta', () => {
  it('composes: delta of the clipped rewards, worked by hand', () => {
    // eta 0.5: clipped = [0, -0.3, 0, -0.4]; delta = [0 - (-0.3), -0.3 - 0, 0 - (-0.4), -0.4]
    const out = deltaStepRewards(clipStepRewards([0.6, 0.2, 0.9, 0.1], 0.5));
    expect(Array.from(out)).toEqual(f32([0.3, -0.3, 0.4, -0.4]));
    expect(sum(out)).toBeCloseTo(0, 6); // = the clipped score of the first step
    const good = deltaStepRewards(clipStepRewards([0.9, 0.9, 0.9, 0.9], 0.5));
    expect(Array.from(good)).toEqual([0, 0, 0, 0]);
  });
});

describe('shapeStepRewards', () => {
  it('gamma * phi(s_k+1) - phi(s_k), the terminal potential counting as 0', () => {
    const phi = [0.1, 0.4, 0.3, 0.8];
    expect(Array.from(shapeStepRewards(phi, 0.9))).toEqual(f32([0.9 * 0.4 - 0.1, 0.9 * 0.3 - 0.4, 0 - 0.3]));
    const truncated = f32([0.9 * 0.4 - 0.1, 0.9 * 0.3 - 0.4, 0.9 * 0.8 - 0.3]);
    expect(Array.from(shapeStepRewards(phi, 0.9, false))).toEqual(truncated);
    expect(sum(shapeStepRewards(phi, 1))).toBeCloseTo(-0.1, 6);
    expect(sum(shapeStepRewards(phi, 1, false))).toBeCloseTo(0.8 - 0.1, 6);
    expect(shapeStepRewards([0.5], 0.99)).toHaveLength(0);
  });

  it('rejects an empty episode, a gamma outside [0, 1] and non-finite potentials', () => {
    expect(() => shapeStepRewards([], 0.9)).toThrow(/phi is empty; pass T \+ 1 potentials/);
    expect(() => shapeStepRewards([0, 1], 1.5)).toThrow(
      'shapeStepRewards: gamma must be a number in [0, 1] (the discount), got 1.5',
    );
    expect(() => shapeStepRewards([0, 1], NaN)).toThrow(/gamma must be a number in \[0, 1\].*got NaN/);
    expect(() => shapeStepRewards([0, -Infinity], 0.9)).toThrow(/phi\[1\] is -Infinity/);
    expect(() => shapeStepRewards([0, 1], 0.9, 'yes' as unknown as boolean)).toThrow(/terminated must be a boolean/);
  });
});
