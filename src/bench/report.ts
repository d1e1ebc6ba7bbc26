import { scoreBench, statsTable, type ScoredBench } from './compare.js';
import type { FinalScores, RunResult } from './results.js';
import type { Table } from './table.js';

/** Mean and sample standard deviation (0 for one value; NaN for none). */
export function meanStd(xs: readonly number[]): { mean: number; std: number; n: number } {
  const v = xs.filter(Number.isFinite);
  if (v.length === 0) return { mean: NaN, std: NaN, n: 0 };
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return { mean: m, std: sd, n: v.length };
}

const num = (x: number | undefined | null, d = 4): string =>
  x === undefined || x === null || !Number.isFinite(x) ? '' : String(+x.toFixed(d));

/** One CSV row per run. */
export function summaryCsv(results: readonly RunResult[]): string {
  const head = 'env,rewards,seed,status,steps,wall_seconds,sps,episodes,return,success,first_success_step';
  const rows = results.map((r) =>
    [
      r.env,
      r.rewards,
      r.seed,
      r.status,
      r.steps,
      num(r.wallSeconds, 2),
      num(r.sps, 1),
      r.episodes,
      num(r.return),
      num(r.success),
      r.firstSuccessStep ?? '',
    ].join(','),
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

const pm = (m: { mean: number; std: number; n: number }, d: number): string =>
  m.n === 0 ? 'n/a' : `${m.mean.toFixed(d)} ± ${m.std.toFixed(d)}`;

/** "mean ± sd" over the runs of what `value` reads from each (runs without it left out), or n/a. */
function meanCell(runs: readonly RunResult[], value: (r: RunResult) => number | undefined, digits: number): string {
  return pm(meanStd(runs.map((r) => value(r) ?? NaN)), digits);
}

/** How evaluation acted in the given runs: one word for the header, or per cell when the runs differ. */
function evalMode(scores: readonly FinalScores[]): { header: string; cell: (s: FinalScores[]) => string } {
  const modes = new Set(scores.filter((s) => s.evalReturn !== undefined).map((s) => s.evalDeterministic));
  const word = (d: boolean | undefined): string => (d === true ? 'greedy' : d === false ? 'sampled' : '');
  if (modes.size <= 1) {
    const w = word([...modes][0]);
    return { header: w ? `, ${w}` : '', cell: () => '' };
  }
  return {
    header: '',
    cell: (s) => ` (${[...new Set(s.map((x) => word(x.evalDeterministic)))].filter(Boolean).join('/')})`,
  };
}

/**
 * The results table, one row per env and reward stack: the final evaluation's success and return beside the last
 * training episodes' (mean ± sample std over seeds), steps to first success and SPS.
 */
export function summaryTable(results: readonly RunResult[], scores: ReadonlyMap<string, FinalScores>): Table {
  const done = results.filter((r) => r.status === 'done');
  const sc = (r: RunResult): FinalScores => scores.get(r.key) ?? {};
  const mode = evalMode(done.map(sc));
  const episodes = [
    ...new Set(done.map((r) => sc(r).evalEpisodes).filter((x): x is number => x !== undefined && x > 0)),
  ];
  const header = [
    'env',
    'rewards',
    'seeds',
    `eval success (final${mode.header})`,
    'training success (last 100 episodes)',
    `eval return (final${mode.header})`,
    'training return (last 100 episodes)',
    'steps to first success',
    'SPS',
  ];
  const rows: string[][] = [];
  for (const g of groups(results)) {
    const ok = g.runs.filter((r) => r.status === 'done');
    const s = ok.map(sc);
    const evaluated = s.filter((x) => x.evalReturn !== undefined);
    const cell = (xs: (number | undefined)[], d: number, suffix = ''): string => {
      const m = meanStd(xs.map((x) => x ?? NaN));
      return m.n === 0 ? 'n/a' : `${pm(m, d)}${suffix}`;
    };
    const firsts = ok.map((r) => r.firstSuccessStep).filter((x): x is number => x !== null);
    const reportsSuccess = ok.some((r) => r.success !== undefined);
    const first = firsts.length
      ? `${Math.round(meanStd(firsts).mean).toLocaleString('en-US')} (${firsts.length}/${ok.length})`
      : reportsSuccess
        ? `never (0/${ok.length})`
        : 'n/a';
    const sps = meanStd(ok.map((r) => r.sps));
    const failed = g.runs.filter((r) => r.status === 'failed').length;
    const stopped = g.runs.filter((r) => r.status === 'interrupted').length;
    rows.push([
      g.env,
      g.rewards,
      `${ok.length}${failed ? ` (+${failed} failed)` : ''}${stopped ? ` (+${stopped} interrupted)` : ''}`,
      cell(
        s.map((x) => x.evalSuccess),
        2,
        evaluated.length ? mode.cell(evaluated) : '',
      ),
      cell(
        s.map((x) => x.trainSuccess),
        2,
      ),
      cell(
        s.map((x) => x.evalReturn),
        3,
        evaluated.length ? mode.cell(evaluated) : '',
      ),
      cell(
        s.map((x) => x.trainReturn),
        3,
      ),
      first,
      sps.n ? Math.round(sps.mean).toLocaleString('en-US') : 'n/a',
    ]);
  }
  const how =
    mode.header === ', greedy'
      ? 'greedy (deterministic) actions'
      : mode.header === ', sampled'
        ? 'actions sampled from the policy (eval.deterministic: false)'
        : 'greedy or sampled actions as each scenario says';
  const notes = [
    'Mean ± sample std over seeds. Steps to first success: over the seeds that succeeded.',
    `Eval: the last evaluation of each run${episodes.length === 1 ? ` (${episodes[0]} episodes)` : ''}, ${how}. ` +
      'Training: the last 100 training episodes, actions sampled as in training (these match the learning curves).',
  ];
  return { header, rows, notes };
}

/**
 * The exploration table (runs that tracked it): unique cells over the run and per episode, coverage, depth, distinct
 * messages, over seeds.
 */
export function exploreTable(results: readonly RunResult[]): Table | undefined {
  const tracked = groups(results)
    .map((g) => ({ g, runs: g.runs.filter((r) => r.status === 'done' && r.explore) }))
    .filter((x) => x.runs.length > 0);
  if (tracked.length === 0) return undefined;
  const cell = (runs: RunResult[], key: string, digits: number): string =>
    meanCell(runs, (r) => r.explore?.[key], digits);
  return {
    header: ['env', 'rewards', 'unique cells', 'cells per episode', 'coverage', 'max depth', 'distinct messages'],
    rows: tracked.map(({ g, runs }) => [
      g.env,
      g.rewards,
      cell(runs, 'uniqueCells', 1),
      cell(runs, 'episodeUniqueCells', 1),
      cell(runs, 'coverage', 3),
      cell(runs, 'maxDepth', 1),
      cell(runs, 'distinctMessages', 1),
    ]),
    notes: [
      'Over the whole run (cells per episode: distinct cells an episode visits, averaged over the episodes), mean ± ' +
        'sample std over seeds.',
    ],
  };
}

/**
 * The reward-free pre-training of the runs that had one (URLB): steps, episodes, how often an episode reached the
 * task's goal although nothing paid for it, and its exploration; undefined when no run pre-trained.
 */
export function pretrainTable(results: readonly RunResult[]): Table | undefined {
  const tracked = groups(results)
    .map((g) => ({ g, runs: g.runs.filter((r) => r.status === 'done' && r.pretrain) }))
    .filter((x) => x.runs.length > 0);
  if (tracked.length === 0) return undefined;
  return {
    header: ['env', 'rewards', 'seeds', 'steps', 'episodes', 'success', 'cells per episode', 'max depth'],
    rows: tracked.map(({ g, runs }) => [
      g.env,
      g.rewards,
      String(runs.length),
      [...new Set(runs.map((r) => (r.pretrain?.steps ?? 0).toLocaleString('en-US')))].join(', '),
      meanCell(runs, (r) => r.pretrain?.episodes, 0),
      meanCell(runs, (r) => r.pretrain?.success, 3),
      meanCell(runs, (r) => r.pretrain?.explore?.episodeUniqueCells, 1),
      meanCell(runs, (r) => r.pretrain?.explore?.maxDepth, 1),
    ]),
    notes: [
      "Success: the fraction of the pre-training's episodes that reached the task's goal, which paid nothing then; " +
        'mean ± sample std over seeds.',
    ],
  };
}

/** The minimum number of evaluation episodes the statistics assume for a final score. */
export const MIN_EVAL_EPISODES = 50;

/** A warning when some final evaluations ran fewer than MIN_EVAL_EPISODES episodes, else undefined. */
export function fewEvalEpisodes(
  results: readonly RunResult[],
  scores: ReadonlyMap<string, FinalScores>,
): string | undefined {
  const eps = results
    .filter((r) => r.status === 'done')
    .map((r) => scores.get(r.key)?.evalEpisodes)
    .filter((x): x is number => x !== undefined && x > 0);
  const low = Math.min(...eps);
  if (eps.length === 0 || low >= MIN_EVAL_EPISODES) return undefined;
  return (
    `Warning: final evaluations of ${low} episodes: a success rate near 0.5 from so few episodes has a 95% ` +
    `margin of ±${(1 / Math.sqrt(low)).toFixed(2)} from chance alone; evaluate over ${MIN_EVAL_EPISODES}+ ` +
    'episodes (eval.episodes).'
  );
}

const mdTable = (t: Table): string[] => [
  `| ${t.header.join(' | ')} |`,
  `|${t.header.map(() => '---').join('|')}|`,
  ...t.rows.map((r) => `| ${r.join(' | ')} |`),
];

/** "N of M runs finished.": an interrupted run (left for `--resume`) is not finished, and is counted apart. */
export function finishedLine(results: readonly RunResult[], totalRuns: number): string {
  const stopped = results.filter((r) => r.status === 'interrupted').length;
  const more = stopped ? ` (and ${stopped} interrupted, to be continued by --resume)` : '';
  return `${results.length - stopped} of ${totalRuns} runs finished${more}.`;
}

/** The Markdown results: the summary table (final evaluation beside training), then exploration when tracked. */
export function summaryMarkdown(
  name: string,
  results: readonly RunResult[],
  totalRuns: number,
  scores: ReadonlyMap<string, FinalScores>,
  scored: ScoredBench = scoreBench(results, scores),
): string {
  const t = summaryTable(results, scores);
  const lines = [
    `# Benchmark ${name}`,
    '',
    `${finishedLine(results, totalRuns)} ${t.notes.join(' ')}`,
    '',
    ...mdTable(t),
  ];
  if (scored.st) {
    const st = statsTable(scored.envs, scored.st);
    lines.push('', '## Statistics (rliable)', '', ...mdTable(st), '', ...st.notes.map((n) => `- ${n}`));
    const few = fewEvalEpisodes(results, scores);
    if (few) lines.push(`- ${few}`);
  }
  const ex = exploreTable(results);
  if (ex) lines.push('', '## Exploration (whole run)', '', ...mdTable(ex));
  const pre = pretrainTable(results);
  if (pre) lines.push('', '## Pre-training (reward-free)', '', ...mdTable(pre), '', ...pre.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}
