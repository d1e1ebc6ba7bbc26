#!/usr/bin/env node
// Keep a benchmark matrix's finished runs in the repository, so that a matrix longer than one machine's life can be
// resumed on another. A run that is done needs only its result.json for `rxgym bench --resume` to count it and skip
// it; the manifest (bench.json) identifies the matrix. Checkpoints and event logs stay out (they are large, and an
// interrupted run restarts from scratch on a new machine).
//
//   node test/bench/bench-results.mjs save <bench --out dir> <kept dir>     copy bench.json + done runs' results
//   node test/bench/bench-results.mjs restore <kept dir> <bench --out dir>  lay them out for `rxgym bench --resume`
//
// <kept dir> holds bench.json and runs/<key>.json. `save` adds and updates; it never deletes a kept result.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [cmd, from, to] = process.argv.slice(2);
const fail = (msg) => {
  process.stderr.write(`bench-results: ${msg}\n`);
  process.exit(2);
};
if (!['save', 'restore'].includes(cmd) || !from || !to) {
  fail('usage: bench-results.mjs save <bench out dir> <kept dir> | restore <kept dir> <bench out dir>');
}
if (!existsSync(join(from, 'bench.json'))) fail(`${from} holds no bench.json: not a benchmark directory`);

const readJson = (p) => {
  try {
    return JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    fail(`${p} is unreadable (${e.message})`);
  }
};

if (cmd === 'save') {
  mkdirSync(join(to, 'runs'), { recursive: true });
  const kept = join(to, 'bench.json');
  if (existsSync(kept) && readJson(kept).fingerprint !== readJson(join(from, 'bench.json')).fingerprint) {
    fail(`${to} keeps the results of another version of this benchmark (its bench.json differs); choose another`);
  }
  copyFileSync(join(from, 'bench.json'), kept);
  let n = 0;
  for (const key of readdirSync(join(from, 'runs'))) {
    const p = join(from, 'runs', key, 'result.json');
    if (!existsSync(p) || readJson(p).status !== 'done') continue;
    copyFileSync(p, join(to, 'runs', `${key}.json`));
    n += 1;
  }
  process.stdout.write(`saved ${n} finished run(s) of ${from} in ${to}\n`);
} else {
  if (existsSync(join(to, 'bench.json'))) fail(`${to} already holds a benchmark; restore into a new directory`);
  mkdirSync(join(to, 'runs'), { recursive: true });
  copyFileSync(join(from, 'bench.json'), join(to, 'bench.json'));
  let n = 0;
  for (const name of readdirSync(join(from, 'runs'))) {
    if (!name.endsWith('.json')) continue;
    const dir = join(to, 'runs', name.slice(0, -'.json'.length));
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(from, 'runs', name), join(dir, 'result.json'));
    n += 1;
  }
  const next = `continue with rxgym bench <file> --out ${to} --resume`;
  process.stdout.write(`restored ${n} finished run(s) into ${to}; ${next}\n`);
}
