import { describe, expect, it } from 'vitest';
import { GoalBaselineReward } from '../../rewards/vlm/goal-baseline.js';
import { normalizeRows } from '../../rewards/vlm/encoder.js';
import { pearson, rocAuc } from '../../rewards/vlm/quality.js';
import { scoredRows } from '../../rewards/vlm/scored-rows.js';
import type { TransitionBatch } from '../../src/stream/batch.js';

/** 1 - |(x - g) M|^2 / 2 with the matrix written out, as VLM-RM computes it. */
function byMatrix(x: number[], goals: number[][], bases: number[][], alpha: number): number {
  const d = x.length;
  const mean = (rows: number[][]) => rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
  const g = mean(goals),
    b = mean(bases);
  const dir = g.map((v, j) => v - b[j]!);
  const n2 = dir.reduce((s, v) => s + v * v, 0);
  const M = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => (alpha * (dir[i]! * dir[j]!)) / n2 + (1 - alpha) * (i === j ? 1 : 0)),
  );
  const v = x.map((xi, j) => xi - g[j]!);
  const vm = Array.from({ length: d }, (_, j) => v.reduce((s, vi, i) => s + vi * M[i]![j]!, 0));
  return 1 - 0.5 * vm.reduce((s, t) => s + t * t, 0);
}

const unit = (v: number[]): number[] => Array.from(normalizeRows(Float32Array.from(v), v.length));

describe('goal-baseline reward', () => {
  const goals = [unit([1, 0.2, 0, 0.1]), unit([0.9, 0.1, 0.3, 0])];
  const bases = [unit([0.1, 1, 0.2, 0])];
  const xs = [unit([1, 0.1, 0.1, 0]), unit([0, 1, 0, 0.3]), unit([0.3, 0.3, 0.9, 0.1])];

  it('matches the matrix form for alpha 0, 0.25, 0.5, 0.75, 1', () => {
    for (const alpha of [0, 0.25, 0.5, 0.75, 1]) {
      const r = new GoalBaselineReward(Float32Array.from(goals.flat()), Float32Array.from(bases.flat()), 4, alpha);
      const x = Float32Array.from(xs.flat());
      xs.forEach((xi, i) => expect(r.score(x, i)).toBeCloseTo(byMatrix(xi, goals, bases, alpha), 5));
    }
  });

  it('alpha 0 is the cosine to a unit goal', () => {
    const g = unit([0.2, 0.5, 0.1, 0.7]);
    const r = new GoalBaselineReward(Float32Array.from(g), Float32Array.from(unit([1, 0, 0, 0])), 4, 0);
    const x = unit([0.6, 0.1, 0.3, 0.2]);
    expect(r.score(Float32Array.from(x), 0)).toBeCloseTo(
      x.reduce((s, v, j) => s + v * g[j]!, 0),
      6,
    );
  });

  it('the goal frame outranks the baseline frame for every alpha', () => {
    for (const alpha of [0, 0.5, 1]) {
      const r = new GoalBaselineReward(Float32Array.from(goals.flat()), Float32Array.from(bases.flat()), 4, alpha);
      expect(r.score(Float32Array.from(xs[0]!), 0)).toBeGreaterThan(r.score(Float32Array.from(xs[1]!), 0));
    }
  });

  it('goal = baseline with alpha > 0 and alpha outside [0, 1] are errors', () => {
    const g = Float32Array.from(goals[0]!);
    expect(() => new GoalBaselineReward(g, g, 4, 0.5)).toThrow(/embed to the same vector.*alpha: 0/);
    expect(new GoalBaselineReward(g, g, 4, 0).score(g, 0)).toBeCloseTo(1, 6);
    expect(() => new GoalBaselineReward(g, g, 4, 1.5)).toThrow(/alpha must be in \[0, 1\]/);
  });
});

describe('quality measures', () => {
  it('Pearson and ROC-AUC on hand-worked cases', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 9);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 9);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 9);
    expect(rocAuc([0.5, 0.5], [0, 1])).toBeCloseTo(0.5, 9);
    expect(rocAuc([1, 2], [1, 1])).toBeNaN();
  });
});

describe('scored rows', () => {
  const batch = {
    numSteps: 4,
    numEnvs: 2,
    terminations: Uint8Array.from([0, 0, 0, 0, 0, 1, 0, 0]),
    truncations: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1]),
    episodeSteps: Int32Array.from([0, 5, 1, 6, 2, 7, 0, 8]),
  } as unknown as TransitionBatch;
  const rows = (every: number | 'episode-end') => {
    const out = new Int32Array(8);
    return [...out.subarray(0, scoredRows(batch, every, out))];
  };
  it('every 1, every k (plus episode ends) and episode-end', () => {
    expect(rows(1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(rows(3)).toEqual([1, 4, 5, 7]);
    expect(rows('episode-end')).toEqual([5, 7]);
  });
});
