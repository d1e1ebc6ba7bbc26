/**
 * Sandbox overhead of reward code at a batch of 4096 transitions: the same module run through the isolate
 * (one crossing per batch) and run in-process without a sandbox, on real states of Manip-Reach-v0 and
 * Dungeon-KeyRoom-S5-v0 (random policy).
 *
 * Overhead per transition = (time of `RewardSandbox.run` on the batch - time of the same reward function run in
 * plain JS on the host on the same batch) / 4096. The sandbox time counts everything the sandbox adds: packing the
 * states on the host, the crossing (arena writes, the call), rebuilding the state objects inside the isolate,
 * running the function there, and reading rewards, statuses and components back. The in-process run does the
 * rest of the per-transition work a caller needs anyway (action arrays, the info object, reading `total`).
 * The third task of each case prints this overhead measured on interleaved runs (sandbox, in-process, sandbox,
 * ...), so load on a shared machine hits both sides alike: mean and median over the rounds, and where the sandbox
 * time goes (host side vs inside the isolate, from the isolate's own wall clock).
 * Run: npx vitest bench --run --config test/vitest.config.ts test/bench/code.bench.ts -t "reward code on"
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { inProcessReward, runInProcess } from './code-baseline.mjs';
import { make } from '../../src/core/registry.js';
import { registerAll } from '../../envs/index.js';
import { RewardSandbox } from '../../rewards/code/sandbox.js';
import { collectTransitions } from '../../rewards/code/transitions.js';
import { type RewardComponentConfig, type RewardContext } from '../../rewards/index.js';
import { loadScenario } from '../../src/train/scenario.js';
import { startRun } from '../../src/train/run.js';
import { testRegistry, buildRewardStack } from '../support/registry.js';

const N = 4096;
registerAll();
const cases = [
  { id: 'Manip-Reach-v0', file: 'scenarios/rewards/manip-reach.ts' },
  { id: 'Dungeon-KeyRoom-S5-v0', file: 'scenarios/rewards/dungeon-keyroom-s5.ts' },
].map(({ id, file }) => {
  const env = make(id);
  const batch = collectTransitions(env, id, { steps: N, seed: 0 });
  env.close();
  const source = readFileSync(file, 'utf8');
  return { id, batch, sandbox: RewardSandbox.compile(source, { filename: file }), fn: inProcessReward(source) };
});

const ROUNDS = 150;
/** Interleaved timing of sandbox and in-process runs; microseconds per transition. */
function overhead(c: (typeof cases)[number]): string {
  const iso = (c.sandbox as unknown as { isolate: { wallTime: bigint } }).isolate;
  const sb: number[] = [],
    ip: number[] = [],
    inside: number[] = [];
  for (let r = 0; r < ROUNDS + 20; r++) {
    const w0 = iso.wallTime;
    let t = performance.now();
    c.sandbox.run(c.batch);
    const ts = performance.now() - t;
    const tw = Number(iso.wallTime - w0) / 1e6;
    t = performance.now();
    runInProcess(c.fn, c.batch, N);
    const ti = performance.now() - t;
    if (r < 20) continue; // warm-up
    sb.push(ts);
    ip.push(ti);
    inside.push(tw);
  }
  const us = (ms: number): string => ((ms * 1000) / N).toFixed(3);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const diff = sb.map((x, i) => x - ip[i]!);
  return [
    `${c.id}: overhead per transition at batch ${N} = (sandbox - in-process) / ${N}, ${ROUNDS} interleaved rounds`,
    `  overhead  mean ${us(mean(diff))} us   median ${us(median(diff))} us`,
    `  sandbox   mean ${us(mean(sb))} us (host side ${us(mean(sb) - mean(inside))}, inside the isolate ` +
      `${us(mean(inside))})   median ${us(median(sb))} us`,
    `  in-process mean ${us(mean(ip))} us   median ${us(median(ip))} us`,
  ].join('\n');
}

for (const c of cases) {
  describe(`reward code on ${N} transitions of ${c.id}`, () => {
    bench(
      'sandbox: one isolate crossing per batch',
      () => {
        const r = c.sandbox.run(c.batch);
        if (r.errorCount) throw r.error;
      },
      { time: 3000 },
    );
    bench(
      'in-process, no sandbox (baseline)',
      () => {
        runInProcess(c.fn, c.batch, N);
      },
      { time: 3000 },
    );
    let reported = false;
    bench(
      `overhead report (${ROUNDS} interleaved rounds, printed)`,
      () => {
        if (reported) return; // vitest may call a task more than once
        reported = true;
        process.stderr.write(`${overhead(c)}\n`);
      },
      { time: 0, iterations: 1, warmupIterations: 0 },
    );
  });
}

/*
 * Training throughput: PPO on Manip-Reach-v0 for the same budget with the built-in dense reward (`dense: true`)
 * and with the hand-written code reward (sandboxed, states collected every step). Ratio of the `hz` columns = ratio
 * of steps/s (target: code >= 0.8 x dense).
 */
const TRAIN_STEPS = 4096;
async function train(dense: boolean): Promise<void> {
  const scenario = loadScenario({
    name: dense ? 'dense' : 'code',
    env: { id: 'Manip-Reach-v0', numEnvs: 8, kwargs: dense ? { dense: true } : {} },
    agent: { type: 'ppo' },
    rewards: dense ? undefined : [{ source: 'code', file: 'scenarios/rewards/manip-reach.ts', group: 'extrinsic' }],
    budget: { steps: TRAIN_STEPS },
    seeds: [0],
  });
  const runDir = mkdtempSync(join(tmpdir(), 'rxgym-bench-'));
  const handle = startRun(scenario, {
    runDir,
    quiet: true,
    registry: testRegistry,
  });
  const summary = await handle.done;
  if (summary.reason !== 'budget') throw new Error(`run ended with ${summary.reason}`);
}

describe(`PPO training on Manip-Reach-v0, ${TRAIN_STEPS} steps`, () => {
  bench('built-in dense reward', () => train(true), { time: 0, iterations: 2, warmupIterations: 0 });
  bench('code reward in the sandbox', () => train(false), { time: 0, iterations: 2, warmupIterations: 0 });
});
