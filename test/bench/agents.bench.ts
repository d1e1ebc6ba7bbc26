import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { bench, describe } from 'vitest';
import { registerAll } from '../../envs/index.js';
import { initBackend, setBackendLogger } from '../../src/tensor/backend.js';
import { Box, Dict } from '../../src/core/spaces.js';
import { Rng } from '../../src/core/rng.js';
import { ParamStore } from '../../src/tensor/params.js';
import { ObsEncoder, resolveNetworkConfig } from '../../src/tensor/network.js';
import { startRun } from '../../src/train/run.js';
import { loadScenario } from '../../src/train/scenario.js';

registerAll();
setBackendLogger(() => {});

// PPO end to end on CartPole-v1, 8 envs, wasm backend (scenarios/cartpole-ppo.yaml settings), 32 rollouts.
// Prints steps/s and where the time went (rollout = env steps + batched forward passes, learn = PPO update).
describe('agents', () => {
  bench(
    'PPO CartPole-v1 8 envs, 32768 steps end to end',
    async () => {
      const s = loadScenario('scenarios/cartpole-ppo.yaml');
      s.budget.steps = 32_768;
      s.eval.every = 0;
      s.eval.episodes = 1;
      s.checkpoint.every = 0;
      const cpu0 = process.cpuUsage();
      const sum = await startRun(s, { runDir: join(mkdtempSync(join(tmpdir(), 'rxgym-bench-')), 'r'), quiet: true })
        .done;
      const cpu = process.cpuUsage(cpu0);
      const cpuS = (cpu.user + cpu.system) / 1e6;
      const p = sum.profile;
      console.log(
        `PPO CartPole 8 envs: ${sum.steps} steps, ${sum.stepsPerSecond.toFixed(0)} steps/s wall, ` +
          `${(sum.steps / cpuS).toFixed(0)} steps per CPU-second; rollout ${p.rolloutMs.toFixed(0)} ms, learn ` +
          `${p.learnMs.toFixed(0)} ms, eval ${p.evalMs.toFixed(0)} ms`,
      );
    },
    { iterations: 1, warmupIterations: 0 },
  );

  // The glyph CNN alone (default network: embed 16, two 3x3 convs of 32, fc 128) on a 9x9 crop, one Adam step on a
  // minibatch of 256 observations, on the backend the runs use (wasm here). CPU time is the figure to compare on a
  // shared machine (tfjs-wasm runs on one thread).
  bench(
    'glyph CNN 9x9 crop, Adam step on 256 observations',
    async () => {
      await initBackend();
      const store = new ParamStore('bench');
      const enc = new ObsEncoder(
        new Dict({ glyphs_crop: new Box(0, 999, [9, 9], 'int16') }),
        resolveNetworkConfig(undefined),
        store,
        new Rng(1),
      );
      const rng = new Rng(2);
      const x = tf.tensor3d(
        Int32Array.from({ length: 256 * 81 }, () => rng.int(0, 1000)),
        [256, 9, 9],
        'int32',
      );
      const opt = tf.train.adam(1e-4);
      const step = (): void =>
        tf.tidy(() => {
          opt.minimize(() => tf.mean(tf.square(enc.encode([x]))) as tf.Scalar, false, store.list());
        });
      const forward = (): void =>
        tf.tidy(() => {
          enc.encode([x]).dataSync();
        });
      step();
      step();
      const n = 10;
      const time = (f: () => void): [number, number] => {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        for (let i = 0; i < n; i++) f();
        const c = process.cpuUsage(c0);
        return [(performance.now() - t0) / n, (c.user + c.system) / 1e3 / n];
      };
      const [stepWall, stepCpu] = time(step);
      const [fwdWall, fwdCpu] = time(forward);
      console.log(
        `glyph CNN on ${tf.getBackend()}, batch 256: Adam step ${stepWall.toFixed(0)} ms wall / ` +
          `${stepCpu.toFixed(0)} ms CPU, forward ${fwdWall.toFixed(0)} ms wall / ${fwdCpu.toFixed(0)} ms CPU`,
      );
      x.dispose();
      opt.dispose();
      store.dispose();
    },
    { iterations: 1, warmupIterations: 0 },
  );
});
