import type { Panel } from './chart.js';
import type { RunResult } from './results.js';

/** Mean and sample standard deviation (0 for one value; NaN for none). */
export function meanStd(xs: readonly number[]): { mean: number; std: number; n: number } {
  const v = xs.filter(Number.isFinite);
  if (v.length === 0) return { mean: NaN, std: NaN, n: 0 };
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return { mean: m, std: sd, n: v.length };
}

const num = (x: number | undefined | null, d = 4): string => (x === undefined || x === null || !Number.isFinite(x) ? '' : String(+x.toFixed(d)));

/** One CSV row per run. */
export function summaryCsv(results: readonly RunResult[]): string {
  const head = 'env,rewards,seed,status,steps,wall_seconds,sps,episodes,return,success,first_success_step';
  const rows = results.map((r) =>
    [r.env, r.rewards, r.seed, r.status, r.steps, num(r.wallSeconds, 2), num(r.sps, 1), r.episodes, num(r.return), num(r.success), r.firstSuccessStep ?? ''].join(','),
  );
  return `${[head, ...rows].join('\n')}\n`;
}

/** Group results by env and reward stack, in first-seen order. */
export function groups(results: readonly RunResult[]): { env: string; rewards: string; runs: RunResult[] }[] {
  const map = new Map<string, { env: string; rewards: string; runs: RunResult[] }>();
  for (const r of results) {
    const k = `${r.env}\u0000${r.rewards}`;
    if (!map.has(k)) map.set(k, { env: r.env, rewards: r.rewards, runs: [] });
    map.get(k)!.runs.push(r);
  }
  return [...map.values()];
}

const pm = (m: { mean: number; std: number; n: number }, d: number): string => (m.n === 0 ? 'n/a' : `${m.mean.toFixed(d)} ± ${m.std.toFixed(d)}`);

/** The Markdown results table: success and return mean ± std over seeds, steps to first success, SPS. */
export function summaryMarkdown(name: string, results: readonly RunResult[], totalRuns: number): string {
  const lines = [
    `# Benchmark ${name}`,
    '',
    `${results.length} of ${totalRuns} runs finished. Mean ± sample std over seeds; steps to first success averaged over the seeds that succeeded.`,
    '',
    '| env | rewards | seeds | success | return | steps to first success | SPS |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const g of groups(results)) {
    const done = g.runs.filter((r) => r.status === 'done');
    const succ = meanStd(done.map((r) => r.success ?? NaN));
    const ret = meanStd(done.map((r) => r.return));
    const firsts = done.map((r) => r.firstSuccessStep).filter((x): x is number => x !== null);
    const reportsSuccess = done.some((r) => r.success !== undefined);
    const first = firsts.length ? `${Math.round(meanStd(firsts).mean).toLocaleString('en-US')} (${firsts.length}/${done.length})` : reportsSuccess ? `never (0/${done.length})` : 'n/a';
    const sps = meanStd(done.map((r) => r.sps));
    const failed = g.runs.length - done.length;
    lines.push(`| ${g.env} | ${g.rewards} | ${done.length}${failed ? ` (+${failed} failed)` : ''} | ${pm(succ, 2)} | ${pm(ret, 3)} | ${first} | ${sps.n ? Math.round(sps.mean).toLocaleString('en-US') : 'n/a'} |`);
  }
  lines.push(...exploreTable(results));
  return `${lines.join('\n')}\n`;
}

/** The exploration table (runs that tracked exploration): unique cells, coverage, depth, distinct messages, over the seeds. */
function exploreTable(results: readonly RunResult[]): string[] {
  const tracked = groups(results).map((g) => ({ g, runs: g.runs.filter((r) => r.status === 'done' && r.explore) })).filter((x) => x.runs.length > 0);
  if (tracked.length === 0) return [];
  const cell = (runs: RunResult[], key: string, digits: number): string => {
    const v = meanStd(runs.map((r) => r.explore?.[key] ?? NaN).filter((x) => Number.isFinite(x)));
    return v.n ? pm(v, digits) : 'n/a';
  };
  const out = ['', '## Exploration (whole run)', '', '| env | rewards | unique cells | coverage | max depth | distinct messages |', '|---|---|---|---|---|---|'];
  for (const { g, runs } of tracked) {
    out.push(`| ${g.env} | ${g.rewards} | ${cell(runs, 'uniqueCells', 1)} | ${cell(runs, 'coverage', 3)} | ${cell(runs, 'maxDepth', 1)} | ${cell(runs, 'distinctMessages', 1)} |`);
  }
  return out;
}

/** Learning-curve panels: per env, the mean over seeds of each stack's curve (return, and success when reported). */
export function curvePanels(results: readonly RunResult[]): Panel[] {
  const envs = [...new Set(results.map((r) => r.env))];
  const panels: Panel[] = [];
  const anySuccess = results.some((r) => r.curve.some((p) => p.success !== undefined));
  for (const metric of anySuccess ? (['return', 'success'] as const) : (['return'] as const)) {
    for (const env of envs) {
      const series = groups(results.filter((r) => r.env === env && r.status === 'done')).map((g) => ({ label: g.rewards, points: meanCurve(g.runs, metric) }));
      panels.push({ title: env, yLabel: metric === 'success' ? 'success rate' : 'return', series, ...(metric === 'success' ? { yMin: 0, yMax: 1 } : {}) });
    }
  }
  return panels;
}

/** Average several runs' curves on a common step grid (each run's value held from its last point). */
function meanCurve(runs: readonly RunResult[], metric: 'return' | 'success'): [number, number][] {
  const maxStep = Math.max(0, ...runs.flatMap((r) => r.curve.map((p) => p.step)));
  if (maxStep === 0) return [];
  const out: [number, number][] = [];
  const N = 50;
  for (let i = 1; i <= N; i++) {
    const step = (maxStep * i) / N;
    const vals: number[] = [];
    for (const r of runs) {
      let v: number | undefined;
      for (const p of r.curve) {
        if (p.step > step) break;
        const x = metric === 'success' ? p.success : p.return;
        if (x !== undefined) v = x;
      }
      if (v !== undefined) vals.push(v);
    }
    if (vals.length) out.push([step, vals.reduce((a, b) => a + b, 0) / vals.length]);
  }
  return out;
}
