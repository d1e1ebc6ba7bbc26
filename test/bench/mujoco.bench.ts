/**
 * MuJoCo speed and memory (issue 6). Run (takes a few minutes):
 *   npm run build && npx vitest bench --run --config test/vitest.config.ts test/bench/mujoco.bench.ts
 * Prints, for each locomotion env, (env steps/s x frameSkip) / (native `mujoco-testspeed` steps/s on the
 * same model file, as written by `rxgym mjcf <id> --mujoco2`), target >= 0.5; the 128x128 render time
 * (target <= 20 ms); RSS before/after RXGYM_BENCH_MEM_STEPS (default 200,000; the figure is 1,000,000)
 * Hopper steps that read the contacts every step; and WorkerVectorEnv 2 workers vs 1 on Ant-v0 (target >= 1.6x).
 * Native figures need `apt-get install -y libmujoco-samples` (MuJoCo 2.2.2); without it they are skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { registerMujoco } from '../../envs/mujoco/index.js';
import { forEachContact } from '../../envs/mujoco/contacts.js';
import { mjcfOf, mujoco2Compatible } from '../../src/cli/mjcf.js';
import type { Env, RgbFrame } from '../../src/core/env.js';
import { make } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import type { Box, TypedArray } from '../../src/core/spaces.js';
import { unwrap } from '../../src/core/wrapper.js';
import { WorkerVectorEnv } from '../../src/core/vector/worker.js';
import type { MujocoEnv } from '../../envs/mujoco/mujoco-env.js';
import { mujoco } from '../../envs/mujoco/loader.js';

registerMujoco();

const LOCO: Array<[string, number]> = [
  ['InvertedPendulum-v0', 2],
  ['Hopper-v0', 4],
  ['HalfCheetah-v0', 5],
  ['Ant-v0', 5],
  ['Walker2d-v0', 4],
  ['Swimmer-v0', 4],
  ['Reacher-v0', 2],
  ['Humanoid-v0', 5],
];
const CHUNK = 200;
const NATIVE_STEPS = 10_000;
const ROUNDS = 3;
const TESTSPEED = '/usr/bin/mujoco-testspeed';
const dir = mkdtempSync(join(tmpdir(), 'rxgym-mjcf-'));
const measured = new Map<string, { steps: number; ms: number }>();
const opened: Array<Env<TypedArray, TypedArray>> = [];
const renderStats = new Map<string, () => string>();

/** Native single-thread steps/s of testspeed on the env's model file (ctrl noise 0.01, as the reference figures). */
function native(id: string): number | undefined {
  if (!existsSync(TESTSPEED)) return undefined;
  const file = join(dir, `${id}.xml`);
  writeFileSync(file, mujoco2Compatible(mjcfOf(id)));
  const out = execFileSync(TESTSPEED, [file, String(NATIVE_STEPS), '1', '0.01'], { encoding: 'utf8' });
  const m = /Steps per second\s*:\s*([\d.]+)/.exec(out);
  return m ? Number(m[1]) : undefined;
}

function stepper(key: string): () => void {
  const id = key.split('#')[0]!;
  const env = make(id, {}, { disableEnvChecker: true }) as Env<TypedArray, TypedArray>;
  opened.push(env);
  const rng = new Rng(0);
  const space = env.actionSpace as Box;
  const actions = Array.from({ length: 256 }, () => space.sample(rng));
  let k = 0;
  env.reset({ seed: 0 });
  const stat = { steps: 0, ms: 0 };
  measured.set(key, stat);
  return () => {
    const t0 = performance.now();
    for (let t = 0; t < CHUNK; t++) {
      const r = env.step(actions[k++ & 255]!);
      if (r.terminated || r.truncated) env.reset();
    }
    stat.ms += performance.now() - t0;
    stat.steps += CHUNK;
  };
}

describe('locomotion env steps (random actions, make() wrappers, reset on episode end)', () => {
  for (const [id] of LOCO) bench(id, stepper(id), { time: 3000, warmupTime: 500 });
});

describe('128x128 rgb_array render (mj_multiRay)', () => {
  for (const id of ['Ant-v0', 'Humanoid-v0', 'Manip-DrawerOpen-v0']) {
    const env = make(id, { renderMode: 'rgb_array' });
    env.reset({ seed: 0 });
    let ms = 0,
      n = 0;
    bench(
      `${id} render`,
      () => {
        const t0 = performance.now();
        const f = env.render() as RgbFrame;
        ms += performance.now() - t0;
        n++;
        if (f.width !== 128) throw new Error('bad frame');
      },
      { time: 2000, warmupTime: 300 },
    );
    renderStats.set(
      id,
      () =>
        `render ${id} 128x128: ${(ms / Math.max(1, n)).toFixed(2)} ms/frame mean over ${n} frames (target <= 20 ms)`,
    );
  }
});

/** Raw WASM physics steps/s on the same model, testspeed's loop (ctrl noise 0.01, mj_step only). */
function wasmRaw(id: string): number {
  const env = make(id, {}, { disableEnvChecker: true });
  const inner = unwrap(env) as unknown as MujocoEnv;
  const mj = mujoco(),
    m = inner.model,
    d = inner.data;
  const rng = new Rng(3);
  const t0 = performance.now();
  for (let i = 0; i < NATIVE_STEPS; i++) {
    const ctrl = d.ctrl as Float64Array;
    for (let k = 0; k < ctrl.length; k++) ctrl[k] = 0.01 * rng.normal();
    mj.mj_step(m, d);
  }
  const sps = NATIVE_STEPS / ((performance.now() - t0) / 1000);
  env.close();
  return sps;
}

/** Env steps/s through make() (random actions, reset on episode end) over `n` steps. */
function envRate(id: string, n: number): number {
  const run = stepper(`${id}#round`);
  const s = measured.get(`${id}#round`)!;
  while (s.steps < n) run();
  return (s.steps / s.ms) * 1000;
}

afterAll(() => {
  // Native, raw WASM and env throughput interleaved, best of ROUNDS each: the machine is shared, and the
  // least disturbed run is the fairest estimate of each.
  const lines = [
    `env | env steps/s | x frameSkip | WASM raw mj_step/s | native testspeed steps/s | env ratio (target >= 0.5) | ` +
      `raw WASM/native`,
    '--- | --- | --- | --- | --- | --- | ---',
  ];
  for (const [id, skip] of LOCO) {
    let nat = 0,
      raw = 0,
      env = 0;
    for (let r = 0; r < ROUNDS; r++) {
      nat = Math.max(nat, native(id) ?? 0);
      raw = Math.max(raw, wasmRaw(id));
      env = Math.max(env, envRate(id, 2000));
    }
    const natText = nat > 0 ? nat.toFixed(0) : 'n/a (apt-get install -y libmujoco-samples)';
    lines.push(
      `${id} | ${env.toFixed(0)} | ${(env * skip).toFixed(0)} | ${raw.toFixed(0)} | ${natText} | ` +
        `${nat > 0 ? ((env * skip) / nat).toFixed(2) : 'n/a'} | ${nat > 0 ? (raw / nat).toFixed(2) : 'n/a'}`,
    );
  }
  for (const f of renderStats.values()) lines.push(f());
  for (const e of opened) e.close();
  lines.push(memoryReport());
  lines.push(workerReport());
  process.stdout.write(`\n${lines.join('\n')}\n`);
}, 3_600_000);

/** RSS over many Hopper steps that read the contact list every step (leak-free pattern). */
function memoryReport(): string {
  const steps = Number(process.env.RXGYM_BENCH_MEM_STEPS ?? 200_000);
  const env = make(
    'Hopper-v0',
    { terminateWhenUnhealthy: true },
    { disableEnvChecker: true, maxEpisodeSteps: 1000 },
  ) as Env<TypedArray, TypedArray>;
  const inner = unwrap(env) as unknown as MujocoEnv;
  const rng = new Rng(1);
  const acts = Array.from({ length: 256 }, () => (env.actionSpace as Box).sample(rng));
  env.reset({ seed: 0 });
  let contacts = 0;
  const sample = (): number => process.memoryUsage().rss / 2 ** 20;
  const warm = Math.min(20_000, steps / 10);
  const marks: string[] = [];
  let rss0 = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    if (i === warm) rss0 = sample();
    const r = env.step(acts[i & 255]!);
    forEachContact(inner.data, () => contacts++);
    if (r.terminated || r.truncated) env.reset();
    if (i > warm && i % Math.floor(steps / 5) === 0) marks.push(`${(sample() - rss0).toFixed(1)}`);
  }
  const rss1 = sample();
  env.close();
  return (
    `memory: ${steps} Hopper-v0 steps reading ${contacts} contacts in ` +
    `${((performance.now() - t0) / 1000).toFixed(0)} s; RSS ${rss0.toFixed(0)} MiB after ${warm} warm-up steps -> ` +
    `${rss1.toFixed(0)} MiB at the end (growth ${(rss1 - rss0).toFixed(1)} MiB; growth at fifths: ` +
    `${marks.join(', ')} MiB)`
  );
}

/** WorkerVectorEnv on Ant-v0: 2 envs on 2 workers vs 2 envs on 1 worker. */
function workerReport(): string {
  const run = (numWorkers: number): number => {
    const v = new WorkerVectorEnv('Ant-v0', { numEnvs: 2, numWorkers });
    const rng = new Rng(0);
    const acts = Float32Array.from({ length: 16 }, () => rng.uniform(-1, 1));
    v.reset({ seed: 0 });
    for (let i = 0; i < 200; i++) v.step(acts);
    const t0 = performance.now();
    const n = 3000;
    for (let i = 0; i < n; i++) v.step(acts);
    const sps = (2 * n) / ((performance.now() - t0) / 1000);
    v.close();
    return sps;
  };
  try {
    const one = run(1),
      two = run(2);
    return (
      `WorkerVectorEnv Ant-v0, 2 envs: 1 worker ${one.toFixed(0)} env steps/s, 2 workers ${two.toFixed(0)} env ` +
      `steps/s, speed-up ${(two / one).toFixed(2)}x (target >= 1.6x)`
    );
  } catch (err) {
    return `WorkerVectorEnv: not measured (${(err as Error).message})`;
  }
}
