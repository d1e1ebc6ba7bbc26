/**
 * Sandbox overhead of reward code at a batch of 4096 transitions: the same module run through the isolate
 * (one crossing per batch) and run in-process without a sandbox, on real states of Manip-Reach-v0 and
 * Dungeon-KeyRoom-S5-v0 (random policy). Overhead per transition = (sandbox - in-process) / 4096.
 * Run: npx vitest bench --run --config test/vitest.config.ts test/bench/code.bench.ts
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { bench, describe } from 'vitest';
import { make } from '../../src/core/registry.js';
import { registerAll } from '../../envs/index.js';
import { RewardSandbox } from '../../rewards/code/sandbox.js';
import { collectTransitions, type CollectedTransitions } from '../../rewards/code/transitions.js';
import { registerAgents } from '../../agents/index.js';
import { buildRewardStack, registerAllSources, type RewardComponentConfig, type RewardContext } from '../../rewards/index.js';
import { loadScenario } from '../../src/train/scenario.js';
import { startRun } from '../../src/train/run.js';

const N = 4096;
type RewardFn = (prev: unknown, action: unknown, next: unknown, info: unknown) => number | { total: number };

function inProcess(source: string): RewardFn {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exports: { reward?: RewardFn } = {};
  new Function('exports', js)(exports);
  return exports.reward!;
}

/** The in-process baseline does the same per-transition work as the sandbox runner, minus isolation and copying. */
function runInProcess(fn: RewardFn, b: CollectedTransitions): Float64Array {
  const out = new Float64Array(N);
  const d = b.actionDim;
  for (let k = 0; k < N; k++) {
    const action = b.scalarActions ? b.actions[k] : Array.from(b.actions.subarray(k * d, (k + 1) * d));
    const info = { reward: b.rewards![k], terminated: b.terminations![k] === 1, truncated: b.truncations![k] === 1, success: b.success![k] === 1, step: b.episodeSteps![k], message: b.messages![k] };
    const r = fn(b.prevStates[k], action, b.nextStates[k], info);
    out[k] = typeof r === 'number' ? r : r.total;
  }
  return out;
}

registerAll();
const cases = [
  { id: 'Manip-Reach-v0', file: 'scenarios/rewards/manip-reach.ts' },
  { id: 'Dungeon-KeyRoom-S5-v0', file: 'scenarios/rewards/dungeon-keyroom-s5.ts' },
].map(({ id, file }) => {
  const env = make(id);
  const batch = collectTransitions(env, id, { steps: N, seed: 0 });
  env.close();
  const source = readFileSync(file, 'utf8');
  return { id, batch, sandbox: RewardSandbox.compile(source, { filename: file }), fn: inProcess(source) };
});

for (const c of cases) {
  describe(`reward code on ${N} transitions of ${c.id}`, () => {
    bench('sandbox: one isolate crossing per batch', () => {
      const r = c.sandbox.run(c.batch);
      if (r.errorCount) throw r.error;
    }, { time: 3000 });
    bench('in-process, no sandbox (baseline)', () => {
      runInProcess(c.fn, c.batch);
    }, { time: 3000 });
  });
}

/*
 * Training throughput: PPO on Manip-Reach-v0 for the same budget with the built-in dense reward (`dense: true`)
 * and with the hand-written code reward (sandboxed, states collected every step). Ratio of the `hz` columns = ratio
 * of steps/s (target: code >= 0.8 x dense).
 */

registerAgents();
registerAllSources();
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
    runDir, quiet: true,
    rewardStack: (configs, ctx) => buildRewardStack(configs as RewardComponentConfig[] | undefined, ctx as unknown as RewardContext),
  });
  const summary = await handle.done;
  if (summary.reason !== 'budget') throw new Error(`run ended with ${summary.reason}`);
}

describe(`PPO training on Manip-Reach-v0, ${TRAIN_STEPS} steps`, () => {
  bench('built-in dense reward', () => train(true), { time: 0, iterations: 2, warmupIterations: 0 });
  bench('code reward in the sandbox', () => train(false), { time: 0, iterations: 2, warmupIterations: 0 });
});
