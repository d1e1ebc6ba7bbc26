import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { registerAll } from '../../envs/index.js';
import { registerAgents } from '../../agents/index.js';
import { setBackendLogger } from '../../src/tensor/backend.js';
import { startRun } from '../../src/train/run.js';
import { loadScenario } from '../../src/train/scenario.js';

registerAll();
registerAgents();
setBackendLogger(() => {});

// PPO end to end on CartPole-v1, 8 envs, wasm backend (scenarios/cartpole-ppo.yaml settings), 32 rollouts.
// Prints steps/s and where the time went (rollout = env steps + batched forward passes, learn = PPO update).
describe('agents', () => {
  bench('PPO CartPole-v1 8 envs, 32768 steps end to end', async () => {
    const s = loadScenario('scenarios/cartpole-ppo.yaml');
    s.budget.steps = 32_768;
    s.eval.every = 0;
    s.eval.episodes = 1;
    s.checkpoint.every = 0;
    const cpu0 = process.cpuUsage();
    const sum = await startRun(s, { runDir: join(mkdtempSync(join(tmpdir(), 'rxgym-bench-')), 'r'), quiet: true }).done;
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    const p = sum.profile;
    console.log(`PPO CartPole 8 envs: ${sum.steps} steps, ${sum.stepsPerSecond.toFixed(0)} steps/s wall, ${(sum.steps / cpuS).toFixed(0)} steps per CPU-second; rollout ${p.rolloutMs.toFixed(0)} ms, learn ${p.learnMs.toFixed(0)} ms, eval ${p.evalMs.toFixed(0)} ms`);
  }, { iterations: 1, warmupIterations: 0 });
});
