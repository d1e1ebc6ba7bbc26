import { RxgymError } from '../core/env.js';
import type { FinalScores, RunResult } from './results.js';
import type { Table } from './table.js';
import {
  bootstrapCi,
  iqm,
  meanScore,
  normalisedAuc,
  performanceProfile,
  probabilityOfImprovementCi,
  verdict,
  type Interval,
  type ProfilePoint,
  type TaskScores,
  type Verdict,
} from './stats.js';

/** One stack's runs on one env: each run's final score and normalised area under its learning curve. */
export interface StackScores {
  stack: string;
  final: number[];
  auc: number[];
}

/**
 * One env's scores per stack. `measure` says what a score is: the success rate where the env reports success, else
 * the return min-max normalised over all runs of that env (so 0 is the worst run seen there and 1 the best).
 */
export interface EnvScores {
  env: string;
  measure: 'success' | 'return';
  stacks: StackScores[];
  /** The AUC covers the first `aucSteps` steps of each run (`BenchScoreOptions`), not the whole run. */
  aucSteps?: number;
}

/** How `benchScores` scores the runs. */
export interface BenchScoreOptions {
  /**
   * The area under the learning curve over the first this many steps of each run instead of the whole run (a budget
   * prefix: sample efficiency at a fixed budget, e.g. URLB's 100k fine-tuning steps). The final score is unchanged.
   */
  aucSteps?: number;
  /**
   * The stack every other is compared with (P(stack > baseline)); default `baselineOf`: `extrinsic` when there is one.
   * Another stack makes pairwise comparisons, e.g. one reward model of ONI against another.
   */
  baseline?: string;
}

type Scores = ReadonlyMap<string, FinalScores>;

/** The final score a run reports: its last evaluation when it evaluated, else its last 100 training episodes. */
function finalOf(r: RunResult, s: FinalScores | undefined, measure: EnvScores['measure']): number {
  if (measure === 'success') return s?.evalSuccess ?? s?.trainSuccess ?? r.success ?? NaN;
  return s?.evalReturn ?? s?.trainReturn ?? r.return;
}

/** Every finished run's two scores, per env and stack (first-seen order). */
export function benchScores(results: readonly RunResult[], scores: Scores, opts: BenchScoreOptions = {}): EnvScores[] {
  const horizon = (r: RunResult): number => (opts.aucSteps === undefined ? r.steps : Math.min(opts.aucSteps, r.steps));
  const done = results.filter((r) => r.status === 'done');
  const out: EnvScores[] = [];
  for (const env of [...new Set(done.map((r) => r.env))]) {
    const runs = done.filter((r) => r.env === env);
    const measure = runs.some((r) => r.success !== undefined || scores.get(r.key)?.evalSuccess !== undefined)
      ? 'success'
      : 'return';
    const curve = (r: RunResult): { step: number; value: number }[] =>
      r.curve.map((p) => ({ step: p.step, value: measure === 'success' ? (p.success ?? NaN) : p.return }));
    let norm = (x: number): number => x;
    if (measure === 'return') {
      const all = runs.flatMap((r) => [finalOf(r, scores.get(r.key), measure), ...curve(r).map((p) => p.value)]);
      const v = all.filter(Number.isFinite);
      const lo = Math.min(...v);
      const hi = Math.max(...v);
      norm = (x) => (hi > lo ? (x - lo) / (hi - lo) : 0.5);
    }
    const stacks: StackScores[] = [];
    for (const stack of [...new Set(runs.map((r) => r.rewards))]) {
      const mine = runs.filter((r) => r.rewards === stack);
      stacks.push({
        stack,
        final: mine.map((r) => norm(finalOf(r, scores.get(r.key), measure))).filter(Number.isFinite),
        auc: mine
          .map((r) =>
            normalisedAuc(
              curve(r).map((p) => ({ step: p.step, value: norm(p.value) })),
              horizon(r),
            ),
          )
          .filter(Number.isFinite),
      });
    }
    out.push({ env, measure, stacks, ...(opts.aucSteps === undefined ? {} : { aucSteps: opts.aucSteps }) });
  }
  return out;
}

/** IQM and mean with their intervals. */
export interface Summary {
  iqm: Interval;
  mean: Interval;
}

/** P(stack > baseline) and its verdict under the rule (the interval excludes 0.5). */
export interface Comparison {
  pxy: Interval;
  verdict: Verdict;
}

/** One row of the statistics: a stack on one env (or on all envs pooled, `env` undefined). */
export interface StackStats {
  env?: string;
  stack: string;
  runs: number;
  final: Summary;
  auc: Summary;
  vsBaseline?: { final: Comparison; auc: Comparison };
}

/** The statistics of a benchmark: per env and stack, then all envs pooled per stack (with more than one env). */
export interface BenchStats {
  baseline: string;
  rows: StackStats[];
  /** Performance profiles of the final score over all envs, per stack. */
  profiles: { stack: string; points: ProfilePoint[] }[];
  reps: number;
}

/** The stack the others are compared with: `extrinsic` when there is one, else the first stack. */
export function baselineOf(stacks: readonly string[]): string {
  return stacks.find((s) => s === 'extrinsic') ?? stacks.find((s) => /extrinsic/i.test(s)) ?? stacks[0] ?? '';
}

/** What is wrong with comparing against `baseline` when the finished runs have `stacks`, or undefined if nothing. */
export function unknownBaseline(stacks: readonly string[], baseline: string): string | undefined {
  if (stacks.includes(baseline)) return undefined;
  return `no finished run has the reward stack "${baseline}"; give one of ${stacks.join(', ')}`;
}

const REPS = 2000;
const TAUS = Array.from({ length: 21 }, (_, i) => i / 20);

function summary(s: TaskScores, reps: number): Summary {
  return { iqm: bootstrapCi(s, iqm, { reps }), mean: bootstrapCi(s, meanScore, { reps }) };
}

/**
 * Fewest runs per env on each side for a verdict. Simulated under no real difference (1000 trials, 2000 repetitions),
 * the rule flags, for uniform / coin-flip scores, 34% / 13% of comparisons at 2 vs 2 runs, 19% / 3% at 3, 9% / 7% at
 * 5 and 5% / 4% at 10.
 */
export const MIN_RUNS_FOR_VERDICT = 5;

function compare(x: TaskScores, y: TaskScores, reps: number): Comparison {
  const pxy = probabilityOfImprovementCi(x, y, { reps });
  const runs = Math.min(...x.map((t) => t.length), ...y.map((t) => t.length));
  return { pxy, verdict: runs >= MIN_RUNS_FOR_VERDICT ? verdict(pxy) : 'n.s.' };
}

/**
 * Stratified-bootstrap statistics of every stack (2000 repetitions, seeded: the same numbers on every call), each
 * compared with `baseline` (default `baselineOf`; a stack no run has is an RxgymError naming those there are).
 */
export function benchStats(envs: readonly EnvScores[], reps = REPS, baselineStack?: string): BenchStats {
  const stacks = [...new Set(envs.flatMap((e) => e.stacks.map((s) => s.stack)))];
  const problem = baselineStack === undefined ? undefined : unknownBaseline(stacks, baselineStack);
  if (problem) throw new RxgymError(`baseline: ${problem}`);
  const baseline = baselineStack ?? baselineOf(stacks);
  const rows: StackStats[] = [];
  const row = (env: string | undefined, stack: string, mine: StackScores[], base: StackScores[]): StackStats => {
    const f = mine.map((s) => s.final);
    const a = mine.map((s) => s.auc);
    const out: StackStats = {
      ...(env !== undefined ? { env } : {}),
      stack,
      runs: f.reduce((n, t) => n + t.length, 0),
      final: summary(f, reps),
      auc: summary(a, reps),
    };
    if (stack !== baseline && base.length === mine.length && base.length > 0) {
      out.vsBaseline = {
        final: compare(
          f,
          base.map((s) => s.final),
          reps,
        ),
        auc: compare(
          a,
          base.map((s) => s.auc),
          reps,
        ),
      };
    }
    return out;
  };
  for (const e of envs) {
    const base = e.stacks.find((s) => s.stack === baseline);
    for (const s of e.stacks) {
      if (s.final.length === 0) continue;
      rows.push(row(e.env, s.stack, [s], base?.final.length ? [base] : []));
    }
  }
  const profiles: BenchStats['profiles'] = [];
  for (const stack of stacks) {
    // pooled over the envs this stack and the baseline both ran, so P(X>Y) compares the same tasks
    const both = envs.filter((e) => e.stacks.some((s) => s.stack === stack && s.final.length));
    const mine = both.map((e) => e.stacks.find((s) => s.stack === stack)!);
    const base = both.map((e) => e.stacks.find((s) => s.stack === baseline && s.final.length));
    if (envs.length > 1 && mine.length > 0) {
      rows.push(row(undefined, stack, mine, base.every((b) => b) ? (base as StackScores[]) : []));
    }
    if (mine.length > 0)
      profiles.push({
        stack,
        points: performanceProfile(
          mine.map((s) => s.final),
          TAUS,
          { reps },
        ),
      });
  }
  return { baseline, rows, profiles, reps };
}

const ci = (x: Interval): string =>
  Number.isFinite(x.point) ? `${x.point.toFixed(2)} [${x.lo.toFixed(2)}, ${x.hi.toFixed(2)}]` : 'n/a';
const versus = (c: Comparison | undefined): string =>
  c ? `${ci(c.pxy)}${c.verdict === 'n.s.' ? '' : ` ${c.verdict}`}` : '';

/** A bench's scores per env and stack, with their statistics (none when no run finished). */
export interface ScoredBench {
  envs: EnvScores[];
  st?: BenchStats;
}

/** `benchScores` then `benchStats`: the bootstrap runs once for a report's markdown and HTML both. */
export function scoreBench(results: readonly RunResult[], scores: Scores, opts: BenchScoreOptions = {}): ScoredBench {
  const envs = benchScores(results, scores, opts);
  return envs.length > 0 ? { envs, st: benchStats(envs, REPS, opts.baseline) } : { envs };
}

/** The statistics table: IQM and mean of the final score and of the AUC, P(stack > baseline), per env and pooled. */
export function statsTable(envs: readonly EnvScores[], st: BenchStats): Table {
  const b = st.baseline;
  const header = [
    'env',
    'rewards',
    'runs',
    'final IQM [95% CI]',
    'final mean [95% CI]',
    'AUC IQM [95% CI]',
    'AUC mean [95% CI]',
    `P(> ${b}), final`,
    `P(> ${b}), AUC`,
  ];
  const rows = st.rows.map((r) => [
    r.env ?? 'all envs',
    r.stack,
    String(r.runs),
    ci(r.final.iqm),
    ci(r.final.mean),
    ci(r.auc.iqm),
    ci(r.auc.mean),
    versus(r.vsBaseline?.final),
    versus(r.vsBaseline?.auc),
  ]);
  const byReturn = envs.filter((e) => e.measure === 'return').map((e) => e.env);
  const aucSteps = envs.find((e) => e.aucSteps !== undefined)?.aucSteps;
  const notes = [
    'Score: the success rate (final: the last evaluation, or the last 100 training episodes without one)' +
      (byReturn.length
        ? `; on ${byReturn.join(', ')} (no success reported) the return, min-max normalised over that env's runs.`
        : '.'),
    'AUC: the area under the training curve (success of the last 20 episodes) over ' +
      (aucSteps === undefined
        ? "the run's steps, divided by the steps: the mean score over training, so learning sooner scores higher."
        : `the first ${aucSteps.toLocaleString('en-US')} steps of each run (or all of a shorter run), divided by ` +
          'those steps: the mean score over that budget, so learning sooner scores higher.'),
    'IQM: mean of the middle 50% of runs (scipy trim_mean 0.25); mean: of per-env means. "all envs" pools the envs. ' +
      `95% CIs: percentile stratified bootstrap (runs resampled within each env, ${st.reps} repetitions, seeded).`,
    `P(> ${b}): the probability that a run of the stack scores above a run of ${b} on the same env (Mann-Whitney ` +
      'U / (n·m), averaged over envs), with its bootstrap CI. Significant ("better"/"worse") when that CI ' +
      `excludes 0.5 and both sides have ${MIN_RUNS_FOR_VERDICT}+ runs per env; unmarked otherwise. With few runs ` +
      'the percentile bootstrap is narrow: with no real difference this rule still flags about 8% of comparisons ' +
      'at 5 runs against 5 (about 5% at 10), so read a lone "better" among many stacks with care.',
  ];
  return { header, rows, notes };
}
