#!/usr/bin/env node
// Learner throughput, side by side on this machine (issue 17 item 1). Interleaved rounds of:
//   - rxgym PPO on CartPole-v1 with CleanRL's settings (test/bench/peers/cartpole-cleanrl.yaml, 100k steps), and the
//     CleanRL-style PyTorch reference (test/bench/peers/cleanrl_ppo_cartpole.py, Debian's python3-torch): the ratio;
//   - rxgym PPO on Dungeon-KeyRoom-S5-v0 with the sparse-dungeon network and with the glyph CNN
//     (test/bench/peers/keyroom-*.yaml);
//   - each rxgym case also with asynchronous PPO (agent.async: the learner in a worker thread), and the KeyRoom
//     cases with the data-parallel gradient (agent.learnerThreads: 2: each minibatch's second half in a worker);
//   - with the variant `pool`, the KeyRoom cases on the wasm backend's multi-threaded build (RXGYM_WASM_THREADS=2);
//   - with --base DIR, the same rxgym runs from another built checkout (the commit before a change), in the same
//     rounds: before/after ratios.
// Steps/s is the training loop's own (the last `batch` event: env steps over the run's time without start-up or the
// final evaluation). CPU seconds per 1k steps are the training loop's too: for rxgym the process's CPU (/usr/bin/time)
// less that of a one-batch run of the same scenario (start-up), for the reference Python's process_time around its
// loop; on a loaded machine they move less than wall-clock figures. The load average is printed with every run: read
// the ratios of neighbouring runs, not absolute figures.
//
//   node test/bench/learner-throughput.mjs [--rounds 3] [--base /path/to/built/checkout]
//                                          [--only cartpole,keyroom | keyroom-sparse | keyroom-cnn]
//                                          [--variants rxgym,async,threads,pool,base] [--python /usr/bin/python3]
//                                          [--json out.json]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const rounds = Number(opt('rounds', '3'));
const base = opt('base', undefined);
const only = new Set(opt('only', 'cartpole,keyroom').split(','));
const variants = new Set(opt('variants', 'rxgym,async,threads,pool,base').split(','));
const python = opt('python', '/usr/bin/python3');
const jsonOut = opt('json', undefined);

if (base && !existsSync(join(base, 'dist', 'src', 'cli', 'main.js'))) {
  console.error(`--base ${base}: no dist/src/cli/main.js there; build that checkout first (npx tsc -p tsconfig.json)`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'src', 'cli', 'main.js'))) {
  console.error('no dist/: build first (npx tsc -p tsconfig.json)');
  process.exit(2);
}
// the reference needs PyTorch and NumPy: say so before any run, not as a Python traceback in the first round
if (only.has('cartpole')) {
  const probe = spawnSync(python, ['-c', 'import numpy, torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    const why = probe.error ? probe.error.message : (probe.stderr ?? '').trim().split('\n').at(-1);
    console.error(
      `the PyTorch reference cannot run with ${python} (${why}): install Debian's python3-torch ` +
        '(apt-get install python3-torch), pass --python, or leave CartPole out (--only keyroom)',
    );
    process.exit(2);
  }
}

const load = () => loadavg()[0].toFixed(1);

/** Run a command under /usr/bin/time; returns its stdout and CPU seconds (user + system). */
function timed(cmd, argv, cwd, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-f', 'RXGYM_CPU %U %S', cmd, ...argv], { cwd, env, encoding: 'utf8' });
  const m = /RXGYM_CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  if (r.status !== 0)
    throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}):\n${(r.stderr ?? '').slice(-2000)}`);
  return { stdout: r.stdout, cpu: m ? Number(m[1]) + Number(m[2]) : NaN };
}

const startup = new Map();

/**
 * One rxgym run of `scenario` with the build in `checkout`: steps/s of the training loop and its CPU per 1k steps.
 * With `steps`, a run of that budget whose whole-process CPU is returned (the start-up estimate).
 */
function rxgym(checkout, scenario, steps, variant = 'rxgym') {
  const out = mkdtempSync(join(tmpdir(), 'rxgym-tp-'));
  try {
    let text = readFileSync(scenario, 'utf8');
    // asynchronous PPO: the learner in a worker thread while this one acts (agents/ppo-async.ts)
    if (variant === 'async') text = text.replace(/^agent:\n/m, 'agent:\n  async: true\n');
    // data-parallel PPO: each minibatch's gradient in two halves, one in a worker thread (agents/ppo-parallel.ts)
    if (variant === 'threads') text = text.replace(/^agent:\n/m, 'agent:\n  learnerThreads: 2\n');
    // a build from before `agent.kernels` existed refuses the key: its run goes without it
    if (checkout !== root) text = text.replace(/^ {2}kernels:.*$/m, '');
    if (steps !== undefined) text = text.replace(/^budget:.*$/m, `budget: { steps: ${steps} }`);
    const file = join(out, 'scenario.yaml');
    writeFileSync(file, text);
    const l0 = load();
    const main = join(checkout, 'dist', 'src', 'cli', 'main.js');
    // the wasm backend's multi-threaded build: XNNPACK's kernels on a pool of 2 threads (src/tensor/wasm-threads.ts)
    const env = variant === 'pool' ? { ...process.env, RXGYM_WASM_THREADS: '2' } : process.env;
    const t = timed('node', [main, 'run', file, '--seed', '1', '--out', join(out, 'run'), '--quiet'], checkout, env);
    const events = readFileSync(join(out, 'run', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const batches = events.filter((e) => e.type === 'batch');
    const last = batches.at(-1);
    if (steps !== undefined) return { cpu: t.cpu, steps: last.step };
    // start-up CPU (module loading, backend, envs), from a run of one batch of the same scenario, measured once
    const key = `${checkout}\0${scenario}\0${variant}`;
    if (!startup.has(key)) startup.set(key, rxgym(checkout, scenario, batches[0].steps, variant));
    const s = startup.get(key);
    const loopCpu = Math.max(1e-9, t.cpu - s.cpu);
    return {
      sps: last.sps,
      steps: last.step,
      cpuPer1k: (1000 * loopCpu) / (last.step - s.steps),
      load: `${l0}/${load()}`,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function torch() {
  const l0 = load();
  const t = timed(
    python,
    [join(here, 'peers', 'cleanrl_ppo_cartpole.py'), '--total-timesteps', '100000', '--seed', '1'],
    root,
  );
  const r = JSON.parse(t.stdout.trim().split('\n').at(-1));
  return {
    sps: r.stepsPerSecond,
    steps: r.steps,
    cpuPer1k: (1000 * r.cpuSeconds) / r.steps,
    load: `${l0}/${load()}`,
    returnMean: r.returnMean,
    threads: r.threads,
  };
}

const peers = join(here, 'peers');
const jobs = [];
if (only.has('cartpole')) {
  jobs.push({ name: 'cartpole rxgym', run: () => rxgym(root, join(peers, 'cartpole-cleanrl.yaml')) });
  jobs.push({ name: 'cartpole torch', run: torch });
  const file = join(peers, 'cartpole-cleanrl.yaml');
  if (variants.has('async')) jobs.push({ name: 'cartpole async', run: () => rxgym(root, file, undefined, 'async') });
  if (base) jobs.push({ name: 'cartpole base', run: () => rxgym(base, join(peers, 'cartpole-cleanrl.yaml')) });
}
for (const net of ['sparse', 'cnn']) {
  // --only keyroom runs both networks, --only keyroom-cnn (or keyroom-sparse) one
  if (only.has('keyroom') || only.has(`keyroom-${net}`)) {
    const file = join(peers, `keyroom-${net}.yaml`);
    if (variants.has('rxgym')) jobs.push({ name: `keyroom-${net} rxgym`, run: () => rxgym(root, file) });
    if (variants.has('async'))
      jobs.push({ name: `keyroom-${net} async`, run: () => rxgym(root, file, undefined, 'async') });
    if (variants.has('threads'))
      jobs.push({ name: `keyroom-${net} 2threads`, run: () => rxgym(root, file, undefined, 'threads') });
    if (variants.has('pool'))
      jobs.push({ name: `keyroom-${net} wasm-pool`, run: () => rxgym(root, file, undefined, 'pool') });
    if (base && variants.has('base')) jobs.push({ name: `keyroom-${net} base`, run: () => rxgym(base, file) });
  }
}

const results = {};
for (let round = 0; round < rounds; round++) {
  // rotate the order so no job always runs first (or last) in a round
  const order = jobs.map((_, i) => jobs[(i + round) % jobs.length]);
  for (const j of order) {
    const r = j.run();
    (results[j.name] ??= []).push(r);
    console.log(
      `round ${round + 1} ${j.name.padEnd(20)} ${r.sps.toFixed(0).padStart(6)} steps/s  ` +
        `${r.cpuPer1k.toFixed(2)} CPU s per 1k steps  load ${r.load}`,
    );
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Per round ratio a/b of steps/s (the runs of one round are neighbours in time), and their median. */
const ratio = (a, b) => {
  if (!results[a] || !results[b]) return undefined;
  const per = results[a].map((r, i) => r.sps / results[b][i].sps);
  const cpu = results[a].map((r, i) => results[b][i].cpuPer1k / r.cpuPer1k);
  return {
    perRound: per.map((x) => +x.toFixed(2)),
    median: +median(per).toFixed(2),
    cpuMedian: +median(cpu).toFixed(2),
  };
};
const summary = {
  machine: { cpus: (await import('node:os')).cpus().length, loadAtEnd: loadavg().map((x) => +x.toFixed(1)) },
  ratios: {
    'cartpole rxgym / torch': ratio('cartpole rxgym', 'cartpole torch'),
    'cartpole rxgym / base': ratio('cartpole rxgym', 'cartpole base'),
    'cartpole async / torch': ratio('cartpole async', 'cartpole torch'),
    'keyroom-sparse async / base': ratio('keyroom-sparse async', 'keyroom-sparse base'),
    'keyroom-cnn async / base': ratio('keyroom-cnn async', 'keyroom-cnn base'),
    'keyroom-sparse rxgym / base': ratio('keyroom-sparse rxgym', 'keyroom-sparse base'),
    'keyroom-cnn rxgym / base': ratio('keyroom-cnn rxgym', 'keyroom-cnn base'),
    'keyroom-sparse 2threads / base': ratio('keyroom-sparse 2threads', 'keyroom-sparse base'),
    'keyroom-cnn 2threads / base': ratio('keyroom-cnn 2threads', 'keyroom-cnn base'),
    'keyroom-sparse 2threads / rxgym': ratio('keyroom-sparse 2threads', 'keyroom-sparse rxgym'),
    'keyroom-cnn 2threads / rxgym': ratio('keyroom-cnn 2threads', 'keyroom-cnn rxgym'),
    'keyroom-sparse wasm-pool / base': ratio('keyroom-sparse wasm-pool', 'keyroom-sparse base'),
    'keyroom-cnn wasm-pool / base': ratio('keyroom-cnn wasm-pool', 'keyroom-cnn base'),
    'keyroom-cnn wasm-pool / rxgym': ratio('keyroom-cnn wasm-pool', 'keyroom-cnn rxgym'),
  },
  runs: results,
};
console.log('\nratios of steps/s per round (median; CPU: ratio of training-loop CPU seconds per step):');
for (const [k, v] of Object.entries(summary.ratios)) {
  if (v) console.log(`  ${k.padEnd(28)} ${v.median}x  (rounds ${v.perRound.join(', ')}; CPU ${v.cpuMedian}x)`);
}
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(summary, null, 2)}\n`);
