import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import type { Table } from '../bench/table.js';
import { reportHtml } from './html.js';
import { svgToPng, toSvg } from './render.js';
import { readRunSeries, type RunSeries } from './run-data.js';
import { chartSpec, gridSpec, type ChartPanel, type ChartRow } from './specs.js';

const MAX_POINTS = 400;

/** At most MAX_POINTS rows per series, evenly picked, keeping each series' last. */
function thin(rows: ChartRow[]): ChartRow[] {
  const by = new Map<string, ChartRow[]>();
  for (const r of rows) by.set(r.series, [...(by.get(r.series) ?? []), r]);
  return [...by.values()].flatMap((xs) =>
    xs.length <= MAX_POINTS
      ? xs
      : Array.from({ length: MAX_POINTS }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (MAX_POINTS - 1))]!),
  );
}

const TRAINING = 'training (last 20 episodes)';
const EVAL = 'evaluation (mean ± std)';

/** Train-statistics rows whose key matches `re`, one series per key. */
function statRows(s: RunSeries, re: RegExp): ChartRow[] {
  return s.train.flatMap((t) =>
    Object.entries(t.stats)
      .filter(([k, v]) => re.test(k) && Number.isFinite(v))
      .map(([k, v]) => ({ step: t.step, series: k, value: v })),
  );
}

/** The charts of one run: return, success, reward components (raw, scaled), losses, entropy, KL, SPS, annotator. */
export function runPanels(s: RunSeries): ChartPanel[] {
  const xDomain: [number, number] = [0, Math.max(1, s.meta.steps)];
  const evalMode =
    s.meta.evalDeterministic === true ? ' (greedy)' : s.meta.evalDeterministic === false ? ' (sampled actions)' : '';
  const panels: ChartPanel[] = [
    {
      title: 'Return',
      subtitle: `training: mean of the last 20 episodes; evaluation${evalMode}: mean ± std over its episodes`,
      yTitle: 'return',
      points: [EVAL],
      rows: [
        ...s.training.map((p) => ({ step: p.step, series: TRAINING, value: p.return })),
        ...s.evals.map((e) => ({
          step: e.step,
          series: EVAL,
          value: e.return,
          ...(Number.isFinite(e.std) ? { lo: e.return - e.std, hi: e.return + e.std } : {}),
        })),
      ],
    },
    {
      title: 'Success rate',
      subtitle: `training: the last 20 episodes; evaluation${evalMode}: its episodes`,
      yTitle: 'success rate',
      yDomain: [0, 1],
      points: ['evaluation'],
      rows: [
        ...s.training
          .filter((p) => p.success !== undefined)
          .map((p) => ({ step: p.step, series: TRAINING, value: p.success! })),
        ...s.evals
          .filter((e) => e.success !== undefined)
          .map((e) => ({ step: e.step, series: 'evaluation', value: e.success! })),
      ],
    },
    {
      title: 'Reward components, raw',
      subtitle: 'mean per transition of each batch, before weights and normalisation',
      yTitle: 'raw mean',
      rows: s.rewards.map((r) => ({ step: r.step, series: r.name, value: r.rawMean })),
    },
    {
      title: 'Reward components, scaled',
      subtitle: 'mean per transition of each batch, as the agent learns from them',
      yTitle: 'scaled mean',
      rows: s.rewards.map((r) => ({ step: r.step, series: r.name, value: r.scaledMean })),
    },
    { title: 'Losses', subtitle: 'per learning update', yTitle: 'loss', rows: statRows(s, /loss/i) },
    {
      title: 'Entropy',
      subtitle: 'policy entropy per learning update',
      yTitle: 'entropy',
      rows: statRows(s, /entropy/i),
    },
    {
      title: 'KL divergence',
      subtitle: 'old to new policy, per learning update',
      yTitle: 'KL',
      rows: statRows(s, /kl/i),
    },
    {
      title: 'Steps per second',
      subtitle: 'per rollout batch',
      yTitle: 'env steps / s',
      rows: s.sps.map((p) => ({ step: p.step, series: 'SPS', value: p.sps })),
    },
    {
      title: 'Annotator',
      subtitle: 'running counters of each annotating reward source (at the step reached)',
      yTitle: 'count',
      rows: s.annotations.flatMap((a) =>
        Object.entries(a.counters).map(([k, v]) => ({ step: a.step, series: `${a.source}: ${k}`, value: v })),
      ),
    },
  ];
  return panels
    .filter((p) => p.rows.length > 0)
    .map((p) => ({ ...p, rows: thin(p.rows), xDomain, legendTitle: p.legendTitle ?? 'series' }));
}

const n = (x: number): string => x.toLocaleString('en-US');
const f = (x: number | undefined, d: number): string => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));

/** The run's facts and final scores as a two-column table. */
export function runTable(s: RunSeries): Table {
  const m = s.meta;
  const ev = s.evals.at(-1);
  const sps = s.sps.length ? s.sps.reduce((a, b) => a + b.sps, 0) / s.sps.length : undefined;
  const mode =
    m.evalDeterministic === true ? 'greedy' : m.evalDeterministic === false ? 'sampled actions' : 'mode not recorded';
  const rows: string[][] = [
    ['env', m.env ?? 'n/a'],
    ['agent', m.agent ?? 'n/a'],
    ['seed', m.seed === undefined ? 'n/a' : String(m.seed)],
    [
      'env steps',
      `${n(m.steps)}${m.budget ? ` of ${n(m.budget)}` : ''}${m.endReason ? ` (ended: ${m.endReason})` : ''}`,
    ],
    ['training episodes', String(m.episodes)],
    [
      'final evaluation return',
      ev
        ? `${f(ev.return, 3)} ± ${f(ev.std, 3)} (${ev.episodes} episodes at step ${n(ev.step)}, ${mode})`
        : 'no evaluation',
    ],
    ['final evaluation success', ev ? f(ev.success, 2) : 'no evaluation'],
    ['training return (last 100 episodes)', f(s.final.trainReturn, 3)],
    ['training success (last 100 episodes)', f(s.final.trainSuccess, 2)],
    ['mean SPS', sps === undefined ? 'n/a' : Math.round(sps).toLocaleString('en-US')],
  ];
  if (m.pretrainSteps) rows.push(['pre-training steps (not plotted)', m.pretrainSteps.toLocaleString('en-US')]);
  return { header: ['', 'value'], rows, notes: [] };
}

/** Write report.html (interactive, self-contained), report.svg and report.png for a run; returns the paths. */
export async function writeRunReport(runDir: string, outDir = runDir): Promise<string[]> {
  const s = readRunSeries(runDir);
  const panels = runPanels(s);
  const name = s.meta.name ?? s.meta.runId ?? basename(resolve(runDir));
  const what = [s.meta.env, s.meta.agent, s.meta.seed !== undefined ? `seed ${s.meta.seed}` : undefined]
    .filter(Boolean)
    .join(' · ');
  mkdirSync(outDir, { recursive: true });
  const files = { html: join(outDir, 'report.html'), svg: join(outDir, 'report.svg'), png: join(outDir, 'report.png') };
  const svg = await toSvg(
    gridSpec(panels, { title: name, subtitle: what, columns: 2, sharedLegend: false, width: 380, height: 190 }),
  );
  writeFileAtomic(files.svg, svg);
  writeFileAtomic(files.png, svgToPng(svg));
  writeFileAtomic(
    files.html,
    reportHtml(`Run ${name}`, what, [
      { kind: 'table', title: 'Summary', table: runTable(s) },
      { kind: 'charts', title: 'Curves', charts: panels.map((p) => chartSpec(p)) },
      {
        kind: 'text',
        text: 'Hover a line for its values; click a legend entry to pick a series (shift-click for more).',
      },
    ]),
  );
  return Object.values(files);
}
