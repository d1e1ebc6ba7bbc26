// Markdown table of the JSON lines that test/bench/vlm-learning-sparse.mjs printed: per task and condition, the
// final evaluation's success rate (20 deterministic episodes) and the training success rate (last 100 episodes),
// per seed and as mean ± sd over seeds; the evaluation's mean return where the lines have it and it is not the
// sparse reward (for `ip-upright`: upright steps out of 100); then, per task, a one-sided Fisher exact test of
// "vlm solves more seeds than <other condition>" (a seed is solved when its evaluation success is >= 0.5).
// Usage: node test/bench/vlm-learning-table.mjs runs.jsonl [more.jsonl ...] [--task name]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const ti = args.indexOf('--task');
const only = ti >= 0 ? args.splice(ti, 2)[1] : undefined;
const rows = args
  .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
  .filter((l) => l.trim().startsWith('{'))
  .map((l) => JSON.parse(l))
  .filter((r) => only === undefined || r.task === only);
const groups = new Map();
for (const r of rows) {
  const k = `${r.task} | ${r.cond}`;
  if (!groups.has(k)) groups.set(k, []);
  groups.get(k).push(r);
}
const meanSd = (xs) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
  return `${m.toFixed(2)} ± ${sd.toFixed(2)}`;
};
const f2 = (x) => (x === undefined || x === null ? '–' : x.toFixed(2));
const hasReturn = rows.some((r) => r.evalReturn !== undefined);
console.log(
  '| task | reward | seeds | eval success per seed | eval mean ± sd | train success per seed | train mean ± sd |' +
    (hasReturn ? ' eval return per seed | eval return mean ± sd |' : ''),
);
console.log(`| --- | --- | --- | --- | --- | --- | --- |${hasReturn ? ' --- | --- |' : ''}`);
for (const [k, rs] of groups) {
  rs.sort((a, b) => a.seed - b.seed);
  const ev = rs.map((r) => r.evalSuccess ?? 0);
  const tr = rs.map((r) => r.trainSuccess ?? 0);
  // with the sparse reward the env's return is the success, not the upright-step count
  const ret = rs.map((r) => (r.cond.includes('sparse') ? undefined : r.evalReturn));
  const retCols = ret.every((x) => x !== undefined)
    ? ` ${ret.map((x) => x.toFixed(1)).join(', ')} | ${meanSd(ret)} |`
    : ' – | – |';
  console.log(
    `| ${k} | ${rs.map((r) => r.seed).join(',')} | ${ev.map(f2).join(', ')} | ${meanSd(ev)} | ` +
      `${tr.map(f2).join(', ')} | ${meanSd(tr)} |${hasReturn ? retCols : ''}`,
  );
}

const lnFact = (n) => {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
};
const lnChoose = (n, k) => lnFact(n) - lnFact(k) - lnFact(n - k);
/** One-sided Fisher exact p: P(first group has >= a successes) given the margins (a of n vs b of m solved). */
function fisherGreater(a, n, b, m) {
  const k = a + b;
  let p = 0;
  for (let x = a; x <= Math.min(n, k); x++) {
    if (k - x > m) continue;
    p += Math.exp(lnChoose(n, x) + lnChoose(m, k - x) - lnChoose(n + m, k));
  }
  return Math.min(1, p);
}
const solved = (rs) => rs.filter((r) => (r.evalSuccess ?? 0) >= 0.5).length;
const tests = [];
for (const task of new Set(rows.map((r) => r.task))) {
  const v = groups.get(`${task} | vlm`);
  if (!v) continue;
  for (const [k, rs] of groups) {
    const [t, cond] = k.split(' | ');
    if (t !== task || cond === 'vlm') continue;
    const p = fisherGreater(solved(v), v.length, solved(rs), rs.length);
    const counts = `vlm ${solved(v)}/${v.length} vs ${cond} ${solved(rs)}/${rs.length}`;
    tests.push(`| ${task} | ${counts} | ${p.toPrecision(2)} |`);
  }
}
if (tests.length > 0) {
  console.log('\n| task | seeds solved (eval success >= 0.5) | one-sided Fisher p (vlm > other) |');
  console.log('| --- | --- | --- |');
  for (const l of tests) console.log(l);
}
