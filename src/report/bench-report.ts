import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { scoreBench, statsTable, type BenchScoreOptions, type BenchStats, type EnvScores } from '../bench/compare.js';
import {
  exploreTable,
  fewEvalEpisodes,
  finishedLine,
  pretrainTable,
  summaryMarkdown,
  summaryTable,
} from '../bench/report.js';
import type { FinalScores, RunResult } from '../bench/results.js';
import { aggregateChartSpec, aggregateGridSpec, type AggregatePanel } from './aggregate-specs.js';
import { reportHtml, type Section } from './html.js';
import { toSvg, svgToPng } from './render.js';
import { readRunSeries, type RunSeries } from './run-data.js';
import { chartSpec, gridSpec, seriesOrder, type ChartPanel, type ChartRow } from './specs.js';
import { meanCi } from './stats.js';

const GRID = 60;

/** Each finished run's series, read from `<outDir>/runs/<key>/` (runs whose directory is gone are left out). */
export function loadBenchSeries(outDir: string, results: readonly RunResult[]): Map<string, RunSeries> {
  const out = new Map<string, RunSeries>();
  for (const r of results) {
    const dir = join(outDir, 'runs', r.key);
    if (r.status === 'done' && existsSync(dir)) {
      try {
        out.set(r.key, readRunSeries(dir));
      } catch {
        // a run directory without events: its result.json still gives its training curve
      }
    }
  }
  return out;
}

/** A run's final scores for the summary table. */
export function finalScores(s: RunSeries): FinalScores {
  const ev = s.evals.at(-1);
  return {
    ...(ev
      ? {
          evalReturn: ev.return,
          evalSuccess: ev.success,
          evalEpisodes: ev.episodes,
          evalDeterministic: s.meta.evalDeterministic,
        }
      : {}),
    trainReturn: s.final.trainReturn,
    trainSuccess: s.final.trainSuccess,
  };
}

type Curve = { step: number; value: number }[];

/** The value each curve held at each grid step (from its first point on), folded into mean and 95% CI over runs. */
function aggregate(
  curves: readonly Curve[],
  steps: readonly number[],
  series: string,
  clip?: [number, number],
): ChartRow[] {
  const rows: ChartRow[] = [];
  for (const step of steps) {
    const vals: number[] = [];
    for (const c of curves) {
      let v: number | undefined;
      for (const p of c) {
        if (p.step > step) break;
        if (Number.isFinite(p.value)) v = p.value;
      }
      if (v !== undefined) vals.push(v);
    }
    const m = meanCi(vals, clip);
    if (m.n > 0) rows.push({ step, series, value: m.mean, ...(m.lo !== undefined ? { lo: m.lo, hi: m.hi } : {}) });
  }
  return rows;
}

type Metric = {
  title: string;
  what: string;
  yTitle: string;
  clip?: [number, number];
  evalCurve: boolean;
  pick: (s: RunSeries | undefined, r: RunResult) => Curve;
};

const METRICS: Metric[] = [
  {
    title: 'Evaluation success',
    what: 'each evaluation',
    yTitle: 'success rate',
    clip: [0, 1],
    evalCurve: true,
    pick: (s) =>
      (s?.evals ?? []).filter((e) => e.success !== undefined).map((e) => ({ step: e.step, value: e.success! })),
  },
  {
    title: 'Training success',
    what: 'last 20 training episodes',
    yTitle: 'success rate',
    clip: [0, 1],
    evalCurve: false,
    pick: (s, r) =>
      (s ? s.training : r.curve)
        .filter((p) => p.success !== undefined)
        .map((p) => ({ step: p.step, value: p.success! })),
  },
  {
    title: 'Evaluation return',
    what: 'each evaluation',
    yTitle: 'return',
    evalCurve: true,
    pick: (s) => (s?.evals ?? []).map((e) => ({ step: e.step, value: e.return })),
  },
  {
    title: 'Training return',
    what: 'last 20 training episodes',
    yTitle: 'return',
    evalCurve: false,
    pick: (s, r) => (s ? s.training : r.curve).map((p) => ({ step: p.step, value: p.return })),
  },
];

/** Learning-curve panels: per metric and env, one line per reward stack (mean over seeds) with a 95% CI band. */
export function benchPanels(results: readonly RunResult[], series: ReadonlyMap<string, RunSeries>): ChartPanel[] {
  const done = results.filter((r) => r.status === 'done');
  const envs = [...new Set(done.map((r) => r.env))];
  const panels: ChartPanel[] = [];
  const maxStep = new Map(
    envs.map((env) => [env, Math.max(0, ...done.filter((r) => r.env === env).map((r) => r.steps))]),
  );
  for (const m of METRICS) {
    for (const env of envs) {
      const runs = done.filter((r) => r.env === env);
      const stacks = [...new Set(runs.map((r) => r.rewards))];
      const rows: ChartRow[] = [];
      let seeds = 0;
      for (const stack of stacks) {
        const curves = runs
          .filter((r) => r.rewards === stack)
          .map((r) => m.pick(series.get(r.key), r))
          .filter((c) => c.length > 0);
        seeds = Math.max(seeds, curves.length);
        const steps = m.evalCurve
          ? [...new Set(curves.flatMap((c) => c.map((p) => p.step)))].sort((a, b) => a - b)
          : gridSteps(Math.max(0, ...curves.flatMap((c) => c.map((p) => p.step))));
        rows.push(...aggregate(curves, steps, stack, m.clip));
      }
      if (rows.length === 0) continue;
      const band = seeds > 1 ? `mean of ${seeds} seeds, band 95% CI (t)` : 'one seed';
      panels.push({
        title: `${m.title} · ${env}`,
        subtitle: `${m.what}; ${band}`,
        yTitle: m.yTitle,
        rows,
        legendTitle: 'reward stack',
        points: m.evalCurve,
        xDomain: [0, maxStep.get(env)!],
        ...(m.clip ? { yDomain: m.clip } : {}),
      });
    }
  }
  return panels;
}

function gridSteps(max: number): number[] {
  if (max <= 0) return [];
  return Array.from({ length: GRID }, (_, i) => Math.round((max * (i + 1)) / GRID));
}

/**
 * The aggregate panels: IQM of the final score and of the AUC per stack with 95% CI bars (pooled over envs, or the one
 * env), and the performance profile of the final score.
 */
export function aggregatePanels(envs: readonly EnvScores[], st: BenchStats): AggregatePanel[] {
  const pooled = st.rows.filter((r) => (envs.length > 1 ? r.env === undefined : true));
  const where = envs.length > 1 ? `${envs.length} envs pooled` : (envs[0]?.env ?? '');
  const measure = envs.every((e) => e.measure === 'success') ? 'success' : 'score';
  const runs = Math.max(0, ...pooled.map((r) => r.runs));
  const sub = `${where}; up to ${runs} runs per stack; bars: 95% stratified-bootstrap CI`;
  return [
    {
      kind: 'interval',
      title: `IQM of the final ${measure}`,
      subtitle: sub,
      valueTitle: `final ${measure}`,
      rows: pooled.map((r) => ({ series: r.stack, value: r.final.iqm.point, lo: r.final.iqm.lo, hi: r.final.iqm.hi })),
    },
    {
      kind: 'interval',
      title: `IQM of the normalised AUC (${measure})`,
      subtitle: sub,
      valueTitle: 'area under the learning curve / steps',
      rows: pooled.map((r) => ({ series: r.stack, value: r.auc.iqm.point, lo: r.auc.iqm.lo, hi: r.auc.iqm.hi })),
    },
    {
      kind: 'profile',
      title: `Performance profile (final ${measure})`,
      subtitle: `${where}; fraction of runs scoring above τ; band: 95% CI`,
      valueTitle: 'fraction of runs > τ',
      rows: st.profiles.flatMap((p) =>
        p.points.map((q) => ({ series: p.stack, tau: q.tau, value: q.point, lo: q.lo, hi: q.hi })),
      ),
    },
  ];
}

/** Where a bench report goes and how it scores (`writeBenchReport`). */
export interface BenchReportOptions extends BenchScoreOptions {
  /** Write the report here instead of into the bench directory (which still holds the runs read). */
  outDir?: string;
}

/**
 * Write a benchmark's summary.md, curves.svg, curves.png and summary.html (tables and interactive charts, one
 * self-contained file) from the finished runs in `benchDir`; returns the paths written.
 */
export async function writeBenchReport(
  name: string,
  results: readonly RunResult[],
  totalRuns: number,
  benchDir: string,
  opts: BenchReportOptions = {},
): Promise<string[]> {
  const outDir = opts.outDir ?? benchDir;
  mkdirSync(outDir, { recursive: true });
  const series = loadBenchSeries(benchDir, results);
  const scores = new Map([...series].map(([k, s]) => [k, finalScores(s)] as const));
  const files: Record<string, string> = {
    md: join(outDir, 'summary.md'),
    svg: join(outDir, 'curves.svg'),
    png: join(outDir, 'curves.png'),
    html: join(outDir, 'summary.html'),
  };
  const scored = scoreBench(results, scores, opts);
  writeFileAtomic(files.md, summaryMarkdown(name, results, totalRuns, scores, scored));
  const panels = benchPanels(results, series);
  const envs = new Set(results.map((r) => r.env)).size;
  // one env: its four panels two by two; more envs: one column per env (up to 3), one row per metric
  const columns = envs === 1 ? 2 : Math.min(3, envs);
  const grid = gridSpec(panels, {
    title: `${name}: learning curves`,
    subtitle: 'one line per reward stack, mean over seeds',
    columns,
    sharedLegend: true,
  });
  const svg = await toSvg(grid);
  writeFileAtomic(files.svg, svg);
  writeFileAtomic(files.png, svgToPng(svg));
  const colorDomain = seriesOrder(panels);
  const { envs: envScores, st } = scored;
  // the statistics table after the results; the aggregate charts after the learning curves (which keep chart ids 0..)
  const statistics: Section[] = [];
  const aggregate: Section[] = [];
  if (st) {
    const agg = aggregatePanels(envScores, st);
    const domain = [...new Set([...colorDomain, ...st.profiles.map((p) => p.stack)])];
    const runs = Math.max(0, ...st.rows.map((r) => r.runs));
    const where = envScores.length > 1 ? `${envScores.length} envs pooled` : envScores[0]!.env;
    const subtitle = `${where}, up to ${runs} runs per stack; bars and bands: 95% stratified-bootstrap CIs`;
    const aggSvg = await toSvg(
      aggregateGridSpec(agg, { title: `${name}: aggregate (rliable)`, subtitle, colorDomain: domain }),
    );
    files.aggregateSvg = join(outDir, 'aggregate.svg');
    files.aggregatePng = join(outDir, 'aggregate.png');
    writeFileAtomic(files.aggregateSvg, aggSvg);
    writeFileAtomic(files.aggregatePng, svgToPng(aggSvg));
    const few = fewEvalEpisodes(results, scores);
    const table = statsTable(envScores, st);
    statistics.push({
      kind: 'table',
      title: 'Statistics (rliable)',
      table: few ? { ...table, notes: [...table.notes, few] } : table,
    });
    aggregate.push({ kind: 'charts', title: 'Aggregate', charts: agg.map((p) => aggregateChartSpec(p, domain)) });
  }
  const ex = exploreTable(results);
  const pre = pretrainTable(results);
  const sections: Section[] = [
    { kind: 'table', title: 'Results', table: summaryTable(results, scores) },
    ...statistics,
    ...(ex ? [{ kind: 'table' as const, title: 'Exploration', table: ex }] : []),
    ...(pre ? [{ kind: 'table' as const, title: 'Pre-training (reward-free)', table: pre }] : []),
    { kind: 'charts', title: 'Learning curves', charts: panels.map((p) => chartSpec(p, { colorDomain })) },
    ...aggregate,
    {
      kind: 'text',
      text: 'Hover a line for its values; click a reward stack in a legend to pick it (shift-click for more).',
    },
  ];
  writeFileAtomic(files.html, reportHtml(`Benchmark ${name}`, finishedLine(results, totalRuns), sections));
  return Object.values(files);
}
