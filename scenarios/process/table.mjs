// The tables of rewards/process/RESULTS.md from `rxgym bench` output directories (issue 15, item 6).
// Each run's final checkpoint plays `--episodes` episodes (sampled actions, as in training; fixed seeds) on its env;
// every step's ground truth (info.stepCorrect / stepUseful / stepKind) gives the accuracy, the mean outcome reward
// (for Reason-Program-v0 the fraction of tests passed), the episode length, the
// share of unnecessary steps (correct but not useful, stop excluded) and the correct steps per episode (the oracle
// PRM's episodic value). Runs are grouped by env and reward stack (and agent): mean ± sd over seeds.
// --r2 adds PF-PPO's filter statistics (means over the run's batches, from metrics.csv, and per run by quarter);
// --curves adds accuracy against steps and wall time (the runs' evaluations); --multipliers FILE.svg plots each
// constrained run's multipliers and episodic values per batch.
// Usage: node scenarios/process/table.mjs <bench dir>... [--episodes 200] [--r2] [--curves] [--multipliers f.svg]
//        [--json out.json]
// (after `npx tsc -p tsconfig.json`: it reads the compiled package in dist/).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinRegistry } from '../../dist/src/train/builtins.js';
import { latestCheckpoint } from '../../dist/src/train/checkpoint.js';
import { initBackend } from '../../dist/src/tensor/backend.js';
import { capabilitiesOf } from '../../dist/src/core/capabilities.js';
import { actInputs } from './act-inputs.mjs';

const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const episodes = Number(flag('--episodes', '200'));
const jsonOut = flag('--json', undefined);
const svgOut = flag('--multipliers', undefined);
const curves = args.includes('--curves') || svgOut !== undefined;
const r2 = args.includes('--r2');
const dirs = args.filter((a) => !a.startsWith('--'));
if (dirs.length === 0) {
  console.error('usage: node scenarios/process/table.mjs <bench dir>... [--episodes N] [--curves] [--json file]');
  process.exit(2);
}

await initBackend();
const registry = builtinRegistry();

/** Play `count` episodes of a run's final policy with 16 envs in lock-step; returns its figures. */
function evaluateRun(runDir) {
  const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
  const s = run.scenario;
  const ck = latestCheckpoint(runDir);
  if (!ck) return undefined;
  const opts = s.env.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: s.env.maxEpisodeSteps };
  const n = 16;
  const envs = Array.from({ length: n }, () => registry.envs.make(s.env.id, s.env.kwargs ?? {}, opts));
  const caps = capabilitiesOf(envs[0]);
  const constraints = (s.rewards ?? []).filter((c) => c.constraint).map((c) => String(c.name ?? c.source));
  const def = registry.agents.get(s.agent.type);
  const agent = def.create(s.agent.params, {
    observationSpace: envs[0].observationSpace,
    actionSpace: envs[0].actionSpace,
    numEnvs: n,
    seed: 0,
    totalSteps: s.budget.steps,
    textKeys: caps.textKeys ?? [],
    tokenKeys: caps.tokenKeys,
    constraints,
  });
  agent.load(join(ck.dir, 'agent'));
  let nextSeed = 100_000;
  const cur = envs.map((e) => e.reset({ seed: nextSeed++ }));
  const tally = { episodes: 0, wins: 0, steps: 0, unnecessary: 0, wrong: 0, correct: 0, outcome: 0 };
  const acc = envs.map(() => ({ steps: 0, unnecessary: 0, wrong: 0, correct: 0 }));
  while (tally.episodes < episodes) {
    const { batch, mask } = actInputs(envs, cur);
    const out = agent.act(batch, n, { deterministic: false, actionMask: mask });
    const acts = out.envActions ?? out.actions;
    for (let i = 0; i < n; i++) {
      const r = envs[i].step(acts[i]);
      const a = acc[i];
      a.steps++;
      if (r.info.stepKind !== 'stop') {
        if (!r.info.stepCorrect) a.wrong++;
        else if (!r.info.stepUseful) a.unnecessary++;
      }
      if (r.info.stepCorrect) a.correct++;
      if (r.terminated || r.truncated) {
        if (tally.episodes < episodes) {
          tally.episodes++;
          if (r.info.success) tally.wins++;
          tally.outcome += r.reward;
          tally.steps += a.steps;
          tally.unnecessary += a.unnecessary;
          tally.wrong += a.wrong;
          tally.correct += a.correct;
        }
        acc[i] = { steps: 0, unnecessary: 0, wrong: 0, correct: 0 };
        cur[i] = envs[i].reset({ seed: nextSeed++ });
      } else {
        cur[i] = { obs: r.obs, info: r.info };
      }
    }
  }
  agent.dispose();
  for (const e of envs) e.close();
  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
  return {
    env: s.env.id,
    agent: s.agent.type,
    seed: Number(/__s(\d+)$/.exec(runDir)?.[1] ?? s.seed),
    steps: summary.steps,
    accuracy: tally.wins / tally.episodes,
    outcome: tally.outcome / tally.episodes,
    length: tally.steps / tally.episodes,
    unnecessary: tally.unnecessary / tally.steps,
    wrong: tally.wrong / tally.steps,
    correctPerEpisode: tally.correct / tally.episodes,
    wallSeconds: summary.wallSeconds,
    sps: summary.stepsPerSecond,
    multipliers: summary.multipliers,
    events: curves ? readCurve(runDir) : undefined,
    filter: r2 ? filterStats(runDir) : undefined,
    constraints: constraintStats(runDir),
  };
}

/** Per constraint: the mean (and range) of its episodic value and multiplier over the second half of the batches. */
function constraintStats(runDir) {
  const [head, ...lines] = readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n');
  const cols = head.split(',');
  const half = lines.slice(Math.floor(lines.length / 2)).map((l) => l.split(','));
  const out = {};
  for (const [j, c] of cols.entries()) {
    if (!c.startsWith('constraint.')) continue;
    const name = c.slice('constraint.'.length);
    const m = cols.indexOf(`multiplier.${name}`);
    const J = half
      .map((r) => r[j])
      .filter((v) => v !== '' && v !== undefined)
      .map(Number);
    const L = half
      .map((r) => r[m])
      .filter((v) => v !== '' && v !== undefined)
      .map(Number);
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    out[name] = { J: mean(J), Jmin: Math.min(...J), Jmax: Math.max(...J), lambda: mean(L) };
  }
  return out;
}

/** Means over a run's batches of the filter's columns in metrics.csv. */
function filterStats(runDir) {
  const [head, ...lines] = readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n');
  const cols = head.split(',');
  const out = {};
  for (const name of ['filter.r2Kept', 'filter.r2All', 'filter.keptEpisodes']) {
    const j = cols.indexOf(name);
    const xs =
      j < 0
        ? []
        : lines
            .map((l) => l.split(',')[j])
            .filter((v) => v !== '' && v !== undefined)
            .map(Number);
    out[name] = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
    // by quarter of the run: R² follows learning (a policy that learns spreads the true scores)
    out[`${name}.quarters`] = [0, 1, 2, 3].map((q) => {
      const part = xs.slice(Math.floor((q * xs.length) / 4), Math.floor(((q + 1) * xs.length) / 4));
      return part.length ? part.reduce((a, b) => a + b, 0) / part.length : NaN;
    });
  }
  return out;
}

/** Evaluation success and wall time against steps, and the multipliers per batch, from events.jsonl. */
function readCurve(runDir) {
  const evals = [],
    mult = [];
  let t0;
  for (const line of readFileSync(join(runDir, 'events.jsonl'), 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line);
    if (e.type === 'start') t0 = e.time;
    if (e.type === 'eval') evals.push({ step: e.step, seconds: (e.time - t0) / 1000, success: e.successRate });
    if (e.type === 'multipliers') mult.push({ step: e.step, ...Object.fromEntries(Object.entries(e.multipliers)) });
  }
  return { evals, multipliers: mult };
}

const fmt = (xs, d = 3) => {
  xs = xs.filter((x) => Number.isFinite(x));
  if (xs.length === 0) return '-';
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${m.toFixed(d)} ± ${sd.toFixed(d)}`;
};

const rows = [];
for (const dir of dirs) {
  // a bench directory (its runs/ folder), a folder of run directories, or one run directory
  const runsDir = existsSync(join(dir, 'runs')) ? join(dir, 'runs') : dir;
  const runDirs = existsSync(join(dir, 'run.json'))
    ? [dir]
    : readdirSync(runsDir)
        .sort()
        .map((k) => join(runsDir, k));
  for (const runDir of runDirs) {
    if (!existsSync(join(runDir, 'run.json')) || !existsSync(join(runDir, 'summary.json'))) continue;
    const key = runDir.split('/').pop();
    const stack = key.split('__')[1] ?? key;
    try {
      const r = evaluateRun(runDir);
      if (r) rows.push({ key, stack, ...r });
    } catch (e) {
      console.error(`${runDir}: not evaluated: ${e.message}`);
    }
  }
}
const groups = new Map();
for (const r of rows) {
  const g = `${r.env} | ${r.agent} | ${r.stack}`;
  if (!groups.has(g)) groups.set(g, []);
  groups.get(g).push(r);
}
const extra = r2 ? ' R² kept | R² all | episodes kept |' : '';
console.log(
  `| env | agent | rewards | seeds | accuracy | outcome | episode length | unnecessary steps | wrong steps | ` +
    `correct steps / episode | wall s |${extra}`,
);
console.log(`|---|---|---|---|---|---|---|---|---|---|---|${r2 ? '---|---|---|' : ''}`);
for (const [g, rs] of groups) {
  const [env, agent, stack] = g.split(' | ');
  const col = (f, d) => fmt(rs.map(f), d);
  const f = r2
    ? ` ${col((r) => r.filter['filter.r2Kept'])} | ${col((r) => r.filter['filter.r2All'])} | ` +
      `${col((r) => r.filter['filter.keptEpisodes'], 2)} |`
    : '';
  console.log(
    `| ${env} | ${agent} | ${stack} | ${rs.length} | ${col((r) => r.accuracy)} | ${col((r) => r.outcome)} | ` +
      `${col((r) => r.length, 1)} | ` +
      `${col((r) => r.unnecessary)} | ${col((r) => r.wrong)} | ${col((r) => r.correctPerEpisode, 2)} | ` +
      `${col((r) => r.wallSeconds, 0)} |${f}`,
  );
}
const constrained = rows.filter((r) => Object.keys(r.constraints).length > 0);
if (constrained.length > 0) {
  console.log('\n| rewards | seed | constraint | episodic value, 2nd half: mean [min, max] | λ, 2nd half: mean |');
  console.log('|---|---|---|---|---|');
  for (const r of constrained) {
    for (const [name, c] of Object.entries(r.constraints)) {
      console.log(
        `| ${r.stack} | ${r.seed} | ${name} | ${c.J.toFixed(2)} [${c.Jmin.toFixed(2)}, ${c.Jmax.toFixed(2)}] | ` +
          `${c.lambda.toFixed(3)} |`,
      );
    }
  }
}
if (curves) {
  console.log('\n| agent | rewards | step | accuracy (eval, mean of seeds) | wall s (mean) |');
  console.log('|---|---|---|---|---|');
  for (const [g, rs] of groups) {
    const [, agent, stack] = g.split(' | ');
    const steps = [...new Set(rs.flatMap((r) => r.events.evals.map((e) => e.step)))].sort((a, b) => a - b);
    for (const step of steps) {
      const at = rs.map((r) => r.events.evals.find((e) => e.step === step)).filter(Boolean);
      const m = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
      console.log(
        `| ${agent} | ${stack} | ${step} | ${m(at.map((e) => e.success ?? 0)).toFixed(3)} | ` +
          `${m(at.map((e) => e.seconds)).toFixed(0)} |`,
      );
    }
  }
}
if (r2) {
  console.log('\n| rewards | seed | accuracy | outcome | R² kept, by quarter of the run | R² all, by quarter |');
  console.log('|---|---|---|---|---|---|');
  const q = (xs) => (xs ? xs.map((x) => (Number.isFinite(x) ? x.toFixed(2) : '-')).join(' / ') : '-');
  for (const r of rows) {
    console.log(
      `| ${r.stack} | ${r.seed} | ${r.accuracy.toFixed(3)} | ${r.outcome.toFixed(3)} | ` +
        `${q(r.filter['filter.r2Kept.quarters'])} | ${q(r.filter['filter.r2All.quarters'])} |`,
    );
  }
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 1));
if (svgOut) writeFileSync(svgOut, multipliersSvg(rows.filter((r) => r.events?.multipliers.length)));

/**
 * One panel per constrained run and constraint: λ per batch (solid, left axis [-1, 1]) and the episodic value J
 * (dots, right axis [0, 2θ], so the threshold θ is the dashed middle line).
 */
function multipliersSvg(runs) {
  const W = 720,
    PH = 120,
    pad = 44;
  const panels = runs.flatMap((r) =>
    Object.keys(r.events.multipliers[0])
      .filter((k) => k !== 'step')
      .map((name) => ({ r, name })),
  );
  const maxStep = Math.max(1, ...runs.flatMap((r) => r.events.multipliers.map((m) => m.step)));
  const x = (st) => pad + (st / maxStep) * (W - 2 * pad);
  const out = [];
  panels.forEach(({ r, name }, p) => {
    const top = 10 + p * (PH + 16);
    const ms = r.events.multipliers;
    const th = ms[0][name].threshold;
    const yl = (v) => top + PH - ((v + 1) / 2) * PH;
    const yj = (v) => top + PH - Math.min(1, Math.max(0, v / (2 * Math.abs(th) || 1))) * PH;
    const lam = ms.map((m) => `${x(m.step).toFixed(1)},${yl(m[name].value).toFixed(1)}`).join(' ');
    const dots = ms
      .filter((m) => m[name].episodeMean !== undefined)
      .map(
        (m) => `<circle cx="${x(m.step).toFixed(1)}" cy="${yj(m[name].episodeMean).toFixed(1)}" r="2" fill="#d62728"/>`,
      );
    out.push(
      `<rect x="${pad}" y="${top}" width="${W - 2 * pad}" height="${PH}" fill="none" stroke="#bbb"/>`,
      `<line x1="${pad}" y1="${yl(0)}" x2="${W - pad}" y2="${yl(0)}" stroke="#999" stroke-dasharray="4,3"/>`,
      `<polyline fill="none" stroke="#1f77b4" stroke-width="1.8" points="${lam}"/>`,
      ...dots,
      `<text x="${pad + 6}" y="${top + 13}" font-size="11">${r.stack} seed ${r.seed}: ${name} (${ms[0][name].kind} ` +
        `θ = ${th}) — λ (blue, left) and episodic value J (red dots, right)</text>`,
      `<text x="4" y="${yl(1) + 10}" font-size="10">λ 1</text><text x="4" y="${yl(0) + 4}" font-size="10">0</text>`,
      `<text x="4" y="${yl(-1)}" font-size="10">-1</text>`,
      `<text x="${W - pad + 4}" y="${yj(2 * th) + 10}" font-size="10">${2 * th}</text>`,
      `<text x="${W - pad + 4}" y="${yj(th) + 4}" font-size="10">θ ${th}</text>`,
      `<text x="${W - pad + 4}" y="${yj(0)}" font-size="10">0</text>`,
    );
  });
  const H = 10 + panels.length * (PH + 16) + 20;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">` +
    `<rect width="${W}" height="${H}" fill="white"/>${out.join('')}` +
    `<text x="${W / 2 - 60}" y="${H - 6}" font-size="11">env steps (0 to ${maxStep})</text></svg>\n`
  );
}
