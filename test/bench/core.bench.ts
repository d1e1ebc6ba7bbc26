/**
 * Spine throughput. Run: `npx vitest bench --run --config test/vitest.config.ts test/bench/core.bench.ts`
 * (needs `npm run build` first: WorkerVectorEnv runs the compiled worker script).
 * Each op runs a fixed number of steps; transitions/s = ops/s x transitions per op (named in the bench title).
 * Targets (issue 2): raw CartPole step >= 3M/s; SyncVectorEnv 64 CartPoles >= 2M transitions/s with no allocation per
 * step; WorkerVectorEnv overhead reported, and 2 workers beat sync on a heavier env (HalfCheetah-v0, MuJoCo).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { afterAll, bench, describe } from 'vitest';
import { CartPoleEnv } from '../../envs/classic/cartpole.js';
import { make, makeVec, Rng, type TypedArray, type VectorEnv } from '../../src/index.js';

const opts = { time: 3000, warmupTime: 500 };
const opened: VectorEnv[] = [];
afterAll(() => opened.forEach((v) => v.close()));

function stepper(venv: VectorEnv, steps: number, seed = 0): () => void {
  venv.reset({ seed });
  opened.push(venv);
  const n = venv.numEnvs;
  const space = venv.singleActionSpace;
  const rng = new Rng(seed);
  const dim = 'size' in space ? (space as { size: number }).size : 1;
  const actions = new Float32Array(n * dim);
  const discrete = 'n' in space;
  return () => {
    for (let t = 0; t < steps; t++) {
      for (let k = 0; k < actions.length; k++) actions[k] = discrete ? (t + k) & 1 : rng.uniform(-1, 1);
      venv.step(actions as TypedArray);
    }
  };
}

describe('CartPole-v1 raw step (10,000 steps per op)', () => {
  const env = new CartPoleEnv();
  env.reset({ seed: 0 });
  let a = 0;
  bench(
    'CartPoleEnv.step',
    () => {
      for (let i = 0; i < 10_000; i++) {
        const r = env.step(a);
        a ^= 1;
        if (r.terminated) env.reset();
      }
    },
    opts,
  );
  const wrapped = make<Float32Array, number>('CartPole-v1');
  wrapped.reset({ seed: 0 });
  bench(
    'make("CartPole-v1").step (checker + OrderEnforcing + TimeLimit)',
    () => {
      for (let i = 0; i < 10_000; i++) {
        const r = wrapped.step(a);
        a ^= 1;
        if (r.terminated || r.truncated) wrapped.reset();
      }
    },
    opts,
  );
});

describe('SyncVectorEnv, 64 x CartPole-v1 (100 steps = 6,400 transitions per op)', () => {
  const sync = makeVec('CartPole-v1', { numEnvs: 64 });
  const run = stepper(sync, 100);
  // Allocation check: count garbage collections during 1,000 warm vector steps (64,000 transitions).
  let gcs = 0;
  const obs = new PerformanceObserver((l) => (gcs += l.getEntries().length));
  bench('sync step', run, {
    ...opts,
    setup: () => {
      for (let i = 0; i < 20; i++) run();
      obs.observe({ entryTypes: ['gc'] });
      gcs = 0;
      for (let i = 0; i < 10; i++) run();
    },
    teardown: () => {
      obs.disconnect();
      console.log(`[core.bench] SyncVectorEnv 64 CartPoles: ${gcs} GC events during 64,000 warm transitions`);
    },
  });
});

describe('WorkerVectorEnv overhead, 64 x CartPole-v1 (100 steps = 6,400 transitions per op)', () => {
  bench(
    'worker step, 2 workers',
    stepper(makeVec('CartPole-v1', { numEnvs: 64, vectorization: 'worker', numWorkers: 2 }), 100),
    opts,
  );
  bench(
    'worker step, 1 worker',
    stepper(makeVec('CartPole-v1', { numEnvs: 64, vectorization: 'worker', numWorkers: 1 }), 100),
    opts,
  );
  bench(
    'worker step, 2 workers x 1 env (pure round-trip)',
    stepper(makeVec('CartPole-v1', { numEnvs: 2, vectorization: 'worker', numWorkers: 2 }), 100),
    opts,
  );
  bench('sync step, 2 envs (same work in-thread)', stepper(makeVec('CartPole-v1', { numEnvs: 2 }), 100), opts);
});

describe('heavier env: 4 x HalfCheetah-v0 (MuJoCo), 10 steps = 40 transitions per op', () => {
  bench('sync', stepper(makeVec('HalfCheetah-v0', { numEnvs: 4 }), 10), opts);
  bench(
    'worker, 2 workers',
    stepper(makeVec('HalfCheetah-v0', { numEnvs: 4, vectorization: 'worker', numWorkers: 2 }), 10),
    opts,
  );
});
