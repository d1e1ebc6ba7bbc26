import { describe, expect, it } from 'vitest';
import {
  bootstrapCi,
  fractionAbove,
  iqm,
  meanScore,
  normalisedAuc,
  percentile,
  performanceProfile,
  probabilityOfImprovement,
  probabilityOfImprovementCi,
  trimMean,
  verdict,
} from '../../src/bench/stats.js';

// Reference values computed with Debian's python3 (numpy 2.4.6, scipy 1.17.1):
// scipy.stats.trim_mean, scipy.stats.mannwhitneyu(alternative='greater'), numpy.percentile.
describe('rliable statistics', () => {
  it('trimMean matches scipy.stats.trim_mean(x, 0.25), trimming less when the cut is fractional', () => {
    expect(trimMean([1, 2, 3, 4, 5], 0.25)).toBe(3);
    expect(trimMean([0.1, 0.9, 0.5, 0.3, 0.7, 0.2, 0.8], 0.25)).toBeCloseTo(0.5, 12);
    expect(trimMean([3, 1, 2], 0.25)).toBe(2);
    expect(trimMean([5, 4, 3, 2, 1, 0, 9, 8], 0.25)).toBe(3.5);
    expect(trimMean([0.2, 0.2, 0.4, 1.0], 0.25)).toBeCloseTo(0.3, 12);
    expect(trimMean([], 0.25)).toBeNaN();
  });

  it('IQM pools runs of all tasks; the mean averages per-task means', () => {
    expect(
      iqm([
        [0, 0.2, 0.4, 0.9, 1.0],
        [0.1, 0.1, 0.5, 0.6, 0.8],
      ]),
    ).toBeCloseTo(0.433333333333, 10);
    // by hand: task means 1 and 0.25 (one run against four), their mean 0.625
    expect(meanScore([[1], [0, 0, 0, 1]])).toBeCloseTo(0.625, 12);
  });

  it('percentile interpolates like numpy.percentile', () => {
    const s = [0.7, 0.1, 0.4, 0.95, 0.3, 0.05, 0.6].sort((a, b) => a - b);
    expect(percentile(s, 2.5)).toBeCloseTo(0.0575, 12);
    expect(percentile(s, 97.5)).toBeCloseTo(0.9125, 12);
    expect(percentile(s, 50)).toBeCloseTo(0.4, 12);
    expect(percentile(s, 10)).toBeCloseTo(0.08, 12);
  });

  it('P(X>Y) is the Mann-Whitney U over n_x n_y, averaged over tasks', () => {
    const x = [0.3, 0.5, 0.5, 0.9, 0.1];
    const y = [0.2, 0.5, 0.4, 0.4, 0.0, 0.6];
    expect(probabilityOfImprovement([x], [y])).toBeCloseTo(18 / 30, 12);
    expect(probabilityOfImprovement([x, [1, 1, 0]], [y, [0, 0, 1, 0]])).toBeCloseTo((0.6 + 8.5 / 12) / 2, 12);
    expect(probabilityOfImprovement([[1, 2]], [[1, 2]])).toBe(0.5);
    expect(() => probabilityOfImprovement([x], [])).toThrow(/same tasks/);
  });

  it('bootstrap intervals are deterministic, contain the point, and collapse for constant scores', () => {
    const s = [
      [0, 0.2, 0.4, 0.9, 1.0],
      [0.1, 0.1, 0.5, 0.6, 0.8],
    ];
    const a = bootstrapCi(s, iqm, { seed: 3 });
    expect(bootstrapCi(s, iqm, { seed: 3 })).toEqual(a);
    expect(a.lo).toBeLessThanOrEqual(a.point);
    expect(a.hi).toBeGreaterThanOrEqual(a.point);
    expect(bootstrapCi([[0.5, 0.5, 0.5]], meanScore)).toEqual({ point: 0.5, lo: 0.5, hi: 0.5 });
    // by hand: runs {0, 1}, the resampled mean is 0, 0.5 or 1 with chance 1/4, 1/2, 1/4
    expect(bootstrapCi([[0, 1]], meanScore)).toEqual({ point: 0.5, lo: 0, hi: 1 });
  });

  it('stratified bootstrap intervals agree with numpy (200,000 repetitions) within Monte-Carlo error', () => {
    // numpy: runs resampled within each task; IQM interval [0.1833, 0.7333], mean interval [0.25, 0.67]
    const s = [
      [0, 0.2, 0.4, 0.9, 1.0],
      [0.1, 0.1, 0.5, 0.6, 0.8],
    ];
    const q = bootstrapCi(s, iqm, { reps: 20000, seed: 1 });
    expect(q.lo).toBeCloseTo(0.1833, 1);
    expect(q.hi).toBeCloseTo(0.7333, 1);
    const m = bootstrapCi(s, meanScore, { reps: 20000, seed: 1 });
    expect(Math.abs(m.lo - 0.25)).toBeLessThan(0.02);
    expect(Math.abs(m.hi - 0.67)).toBeLessThan(0.02);
  });

  it('P(X>Y) intervals and the significance rule', () => {
    const hi = [[1, 1, 1, 0.9, 1]];
    const lo = [[0, 0, 0.1, 0, 0]];
    const p = probabilityOfImprovementCi(hi, lo);
    expect(p).toEqual({ point: 1, lo: 1, hi: 1 });
    expect(verdict(p)).toBe('better');
    expect(verdict(probabilityOfImprovementCi(lo, hi))).toBe('worse');
    const same = probabilityOfImprovementCi([[0, 1, 0, 1, 0]], [[1, 0, 1, 0, 0]]);
    // by hand: 6 wins and 13 ties of 25 pairs
    expect(same.point).toBe(0.5);
    expect(verdict(same)).toBe('n.s.');
  });

  it('performance profiles count the runs above each threshold', () => {
    const s = [[0, 0.5, 1], [0.25]];
    expect(fractionAbove(s, 0)).toBe(0.75);
    expect(fractionAbove(s, 0.5)).toBe(0.25);
    const prof = performanceProfile(s, [0, 1]);
    expect(prof.map((p) => [p.tau, p.point])).toEqual([
      [0, 0.75],
      [1, 0],
    ]);
    expect(prof[1]).toMatchObject({ lo: 0, hi: 0 });
  });

  it('normalised AUC: trapezoids over the horizon, flat before the first point and after the last', () => {
    // numpy: trapezoid([0, 0, .5, 1], [0, 10, 20, 30]) / 40 + 1 * 10 / 40 = 0.5
    const c = [
      { step: 10, value: 0 },
      { step: 20, value: 0.5 },
      { step: 30, value: 1 },
    ];
    expect(normalisedAuc(c, 40)).toBeCloseTo(0.5, 12);
    // cut at the horizon: (0 + 0.25) / 2 * 5 over 15
    expect(normalisedAuc(c, 15)).toBeCloseTo(0.625 / 15, 12);
    expect(normalisedAuc([{ step: 0, value: 1 }], 100)).toBe(1);
    expect(normalisedAuc([], 100)).toBeNaN();
  });
});
