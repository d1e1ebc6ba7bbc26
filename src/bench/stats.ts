import { Rng } from '../core/rng.js';

/**
 * The rliable statistics (Agarwal et al. 2021, "Deep RL at the Edge of the Statistical Precipice") over scores laid out
 * per task: `scores[t]` holds one score per run (seed) of task t, and tasks may have different run counts.
 */
export type TaskScores = readonly (readonly number[])[];

/** A point estimate with its confidence interval. */
export interface Interval {
  point: number;
  lo: number;
  hi: number;
}

/** Bootstrap settings: repetitions (2000, rliable's performance-profile default), RNG seed, CI level (0.95). */
export interface BootstrapOptions {
  reps?: number;
  seed?: number;
  level?: number;
}

const REPS = 2000;

/** The mean of `xs` after dropping `proportion` of the sorted values from each end (scipy.stats.trim_mean). */
export function trimMean(xs: readonly number[], proportion: number): number {
  const n = xs.length;
  if (n === 0) return NaN;
  // scipy cuts int(proportion * n) from each end: it trims less when the cut is fractional
  const cut = Math.floor(proportion * n);
  if (2 * cut >= n) return NaN;
  const s = Float64Array.from(xs).sort();
  let sum = 0;
  for (let i = cut; i < n - cut; i++) sum += s[i]!;
  return sum / (n - 2 * cut);
}

/** Interquartile mean over all runs of all tasks together: the middle 50% of the pooled scores. */
export function iqm(scores: TaskScores): number {
  return trimMean(scores.flat(), 0.25);
}

/** The mean of the per-task means (each task weighs the same whatever its run count). */
export function meanScore(scores: TaskScores): number {
  const means = scores.filter((t) => t.length > 0).map((t) => t.reduce((a, b) => a + b, 0) / t.length);
  return means.length ? means.reduce((a, b) => a + b, 0) / means.length : NaN;
}

/** The q-th percentile (0..100) of ascending `sorted`, interpolated linearly between ranks (numpy's default). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (q / 100) * (n - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < n ? sorted[i]! + f * (sorted[i + 1]! - sorted[i]!) : sorted[n - 1]!;
}

/** Draw one stratified resample of `src` into `dst`: each task's runs with replacement, tasks never mixed. */
function resample(src: TaskScores, dst: number[][], rng: Rng): void {
  for (let t = 0; t < src.length; t++) {
    const from = src[t]!;
    const to = dst[t]!;
    for (let i = 0; i < from.length; i++) to[i] = from[rng.int(0, from.length)]!;
  }
}

const blank = (s: TaskScores): number[][] => s.map((t) => new Array<number>(t.length).fill(0));

function interval(point: number, draws: Float64Array, level: number): Interval {
  draws.sort();
  const tail = ((1 - level) / 2) * 100;
  return { point, lo: percentile(draws, tail), hi: percentile(draws, 100 - tail) };
}

/**
 * A metric of `scores` with its percentile confidence interval from the stratified bootstrap: every repetition
 * resamples each task's runs with replacement (seeded, so the interval is the same on every call).
 */
export function bootstrapCi(
  scores: TaskScores,
  metric: (s: TaskScores) => number,
  opts: BootstrapOptions = {},
): Interval {
  const reps = opts.reps ?? REPS;
  const rng = new Rng(opts.seed ?? 0);
  const buf = blank(scores);
  const draws = new Float64Array(reps);
  for (let r = 0; r < reps; r++) {
    resample(scores, buf, rng);
    draws[r] = metric(buf);
  }
  return interval(metric(scores), draws, opts.level ?? 0.95);
}

/**
 * P(X > Y): for each task the Mann-Whitney U of X's runs against Y's divided by n_x·n_y (a tie counts a half), averaged
 * over the tasks. 0.5 means neither tends to score higher. `x[t]` and `y[t]` are the same task.
 */
export function probabilityOfImprovement(x: TaskScores, y: TaskScores): number {
  if (x.length !== y.length) throw new RangeError(`P(X>Y) needs the same tasks: ${x.length} against ${y.length}`);
  let sum = 0;
  let tasks = 0;
  for (let t = 0; t < x.length; t++) {
    const a = x[t]!;
    const b = y[t]!;
    if (a.length === 0 || b.length === 0) continue;
    let u = 0;
    for (const p of a) for (const q of b) u += p > q ? 1 : p === q ? 0.5 : 0;
    sum += u / (a.length * b.length);
    tasks += 1;
  }
  return tasks ? sum / tasks : NaN;
}

/** P(X > Y) with its stratified-bootstrap interval, X's and Y's runs resampled independently within each task. */
export function probabilityOfImprovementCi(x: TaskScores, y: TaskScores, opts: BootstrapOptions = {}): Interval {
  const reps = opts.reps ?? REPS;
  const rng = new Rng(opts.seed ?? 0);
  const bx = blank(x);
  const by = blank(y);
  const draws = new Float64Array(reps);
  for (let r = 0; r < reps; r++) {
    resample(x, bx, rng);
    resample(y, by, rng);
    draws[r] = probabilityOfImprovement(bx, by);
  }
  return interval(probabilityOfImprovement(x, y), draws, opts.level ?? 0.95);
}

/** The fraction of all runs (of all tasks) whose score is above `tau`. */
export function fractionAbove(scores: TaskScores, tau: number): number {
  let above = 0;
  let n = 0;
  for (const t of scores) {
    for (const v of t) {
      n += 1;
      if (v > tau) above += 1;
    }
  }
  return n ? above / n : NaN;
}

/** One point of a performance profile: the fraction of runs scoring above `tau`, with its interval. */
export interface ProfilePoint extends Interval {
  tau: number;
}

/** The performance profile (run-score distribution) at each threshold, with stratified-bootstrap intervals. */
export function performanceProfile(
  scores: TaskScores,
  taus: readonly number[],
  opts: BootstrapOptions = {},
): ProfilePoint[] {
  return taus.map((tau) => ({ tau, ...bootstrapCi(scores, (s) => fractionAbove(s, tau), opts) }));
}

/** How a difference reads under the rule used throughout: P(X>Y)'s 95% interval excluding 0.5. */
export type Verdict = 'better' | 'worse' | 'n.s.';

/** 'better' when the interval of P(X>Y) lies above 0.5, 'worse' when below, else not significant. */
export function verdict(pxy: Interval): Verdict {
  if (pxy.lo > 0.5) return 'better';
  if (pxy.hi < 0.5) return 'worse';
  return 'n.s.';
}

/**
 * The normalised area under a learning curve over [0, horizon]: the curve's mean height, piecewise linear between its
 * points, held flat before the first point and after the last. In [0, 1] when the values are.
 */
export function normalisedAuc(curve: readonly { step: number; value: number }[], horizon: number): number {
  const pts = curve.filter((p) => Number.isFinite(p.value) && p.step >= 0).sort((a, b) => a.step - b.step);
  if (pts.length === 0 || !(horizon > 0)) return NaN;
  let area = 0;
  let prevStep = 0;
  let prevValue = pts[0]!.value;
  for (const p of pts) {
    const s = Math.min(p.step, horizon);
    if (s > prevStep) {
      // the value at the cut, when the segment crosses the horizon
      const v = p.step > horizon ? prevValue + ((p.value - prevValue) * (s - prevStep)) / (p.step - prevStep) : p.value;
      area += ((prevValue + v) / 2) * (s - prevStep);
      prevValue = v;
      prevStep = s;
    } else if (p.step <= horizon) {
      prevValue = p.value;
    }
    if (p.step >= horizon) break;
  }
  if (prevStep < horizon) area += prevValue * (horizon - prevStep);
  return area / horizon;
}
