// Markdown table of the JSON lines that test/bench/vlm-learning-sparse.mjs printed: per task and condition, the
// final evaluation's success rate (20 deterministic episodes) and the training success rate (last 100 episodes),
// per seed and as mean ± sd over seeds. Usage: node test/bench/vlm-learning-table.mjs runs.jsonl [more.jsonl ...]
import { readFileSync } from 'node:fs';

const rows = process.argv
  .slice(2)
  .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
  .filter((l) => l.trim().startsWith('{'))
  .map((l) => JSON.parse(l));
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
console.log(
  '| task | reward | seeds | eval success per seed | eval mean ± sd | train success per seed | train mean ± sd |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [k, rs] of groups) {
  rs.sort((a, b) => a.seed - b.seed);
  const ev = rs.map((r) => r.evalSuccess ?? 0);
  const tr = rs.map((r) => r.trainSuccess ?? 0);
  console.log(
    `| ${k} | ${rs.map((r) => r.seed).join(',')} | ${ev.map(f2).join(', ')} | ${meanSd(ev)} | ` +
      `${tr.map(f2).join(', ')} | ${meanSd(tr)} |`,
  );
}
