#!/usr/bin/env node
// The sparse-hard table of rewards/intrinsic/RESULTS.md, from a bench summary.md (`rxgym bench` or `rxgym plot`
// writes it): per env and reward stack, runs, final success mean and IQM, AUC mean (all with 95% stratified-bootstrap
// CIs), P(stack > extrinsic) on final success and AUC with the verdict in bold, and the exploration beside them
// (distinct cells per episode, the deepest level reached, distinct messages seen over the run; mean ± sd over seeds)
// and the seeds that ever reached the goal in training (mean steps to the first success over them);
// then the rows pooled over the envs (stratified bootstrap over tasks, as rliable does). P(>) is against the report's
// baseline: extrinsic, or the stack given to `rxgym plot --baseline` (ONI's models against each other).
//
//   node test/bench/sparse-hard-table.mjs [runs/bench-sparse-hard/summary.md]
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'runs/bench-sparse-hard/summary.md';
const lines = readFileSync(file, 'utf8').split('\n');
const STACKS = {
  extrinsic: 'extrinsic',
  count: 'count',
  rnd: 'RND',
  noveld: 'NovelD',
  e3b: 'E3B',
  'oni-retrieval': 'ONI retrieval',
  'oni-classification': 'ONI classification',
  'oni-ranking': 'ONI ranking',
};
const short = (env) => env.replace(/^Dungeon-/, '').replace(/-v\d+$/, '');
const cells = (row) =>
  row
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

// rows of the named section's table, keyed by env and stack; title null: the report's first table, before any "## "
// heading (per env and stack, steps to first success over the seeds that ever succeeded in training, and how many did)
function section(title) {
  const out = new Map();
  let inside = title === null;
  for (const l of lines) {
    if (l.startsWith('## ')) inside = title !== null && l.startsWith(`## ${title}`);
    else if (inside && l.startsWith('| ') && !l.startsWith('| env ')) {
      const c = cells(l);
      out.set(`${c[0]}\0${c[1]}`, c);
    }
  }
  return out;
}

const stats = section('Statistics');
const first = section(null);
const explore = section('Exploration');
if (stats.size === 0) {
  console.error(`${file}: no "## Statistics" table (write it with: npx rxgym plot <bench directory>)`);
  process.exit(1);
}
const bold = (s) => s.replace(/ (better|worse)$/, ' **$1**');
// a "mean ± sd" cell with `digits` decimals
const meanSd = (c, digits) => {
  const m = /^([\d.]+) ± ([\d.]+)$/.exec(c ?? '');
  return m ? `${Number(m[1]).toFixed(digits)} ± ${Number(m[2]).toFixed(digits)}` : 'n/a';
};
// the stack the report compares with (extrinsic unless `rxgym plot --baseline` named another)
const base = /\| P\(> ([^)]+)\), final \|/.exec(lines.join('\n'))?.[1] ?? 'extrinsic';
const baseName = STACKS[base] ?? base;
console.log(
  `| env | rewards | runs | final mean [95% CI] | final IQM [95% CI] | AUC mean [95% CI] | P(> ${baseName}), final | ` +
    `P(> ${baseName}), AUC | cells per episode | max depth | distinct messages | first success (seeds) |`,
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
// "153,805 (5/5)" -> "5/5 at 154k"; "never (0/5)" -> "0/5"
const firstSuccess = (c) => {
  const m = /^([\d,]+) \((\d+\/\d+)\)$/.exec(c ?? '');
  if (m) return `${m[2]} at ${Math.round(Number(m[1].replace(/,/g, '')) / 1000)}k`;
  const never = /^never \((\d+\/\d+)\)$/.exec(c ?? '');
  return never ? never[1] : '';
};
for (const [key, c] of stats) {
  const [env, stack] = key.split('\0');
  if (!(stack in STACKS)) continue;
  // Statistics columns: env, rewards, runs, final IQM, final mean, AUC IQM, AUC mean, P final, P AUC
  const ex = explore.get(key);
  const row = [short(env), STACKS[stack], c[2], c[4], c[3], c[6], bold(c[7] ?? ''), bold(c[8] ?? '')];
  // Exploration columns: env, rewards, unique cells, cells per episode, coverage, max depth, distinct messages;
  // the pooled rows ('all envs') have none
  // Overview columns: env, rewards, seeds, 4 success and return columns, steps to first success
  const explored = ex ? [meanSd(ex[3], 0), meanSd(ex[5], 1), meanSd(ex[6], 0)] : ['', '', ''];
  explored.push(firstSuccess(first.get(key)?.[7]));
  console.log(`| ${[...row, ...explored].join(' | ')} |`);
}
