import { afterAll, describe, expect, it } from 'vitest';
import {
  Box,
  Discrete,
  makeVec,
  register,
  Rng,
  RxgymError,
  WorkerVectorEnv,
  type AutoresetMode,
  type VecInfo,
  type VectorEnv,
} from './support/core.js';
import { registerInfoToy } from './support/info-toy-env.mjs';
import { registerDungeon } from '../../envs/dungeon/register.js';

registerInfoToy({ Box, Discrete, Rng, RxgymError, register });
registerDungeon();
/** Registers InfoToy-v0 inside the workers. */
const infoToyWorker = new URL('./support/info-toy-worker.mjs', import.meta.url).href;

const opened: VectorEnv[] = [];
afterAll(() => opened.forEach((v) => v.close()));

/** Run both vector envs with the same seeded actions and record everything they return. */
function trace(venv: VectorEnv, seed: number, steps: number): unknown[] {
  const out: unknown[] = [];
  const rng = new Rng(seed);
  const space = venv.singleActionSpace;
  const dim = space instanceof Box ? space.size : 1;
  const actions = new Float32Array(venv.numEnvs * dim);
  const r0 = venv.reset({ seed });
  out.push(Array.from(r0.obs as Float32Array));
  for (let t = 0; t < steps; t++) {
    for (let k = 0; k < actions.length; k++)
      actions[k] = space instanceof Discrete ? rng.int(0, space.n) : rng.uniform(-2, 2);
    const r = venv.step(actions);
    out.push(
      Array.from(r.obs as Float32Array),
      Array.from(r.rewards),
      Array.from(r.terminations),
      Array.from(r.truncations),
    );
    if (r.infos._finalObs) {
      const mask = r.infos._finalObs as Uint8Array;
      out.push(
        Array.from(mask),
        (r.infos.finalObs as unknown[]).map((o) => (o ? Array.from(o as Float32Array) : null)),
      );
    }
    if (venv.autoresetMode === 'disabled') {
      const mask = new Uint8Array(venv.numEnvs);
      for (let i = 0; i < venv.numEnvs; i++) mask[i] = r.terminations[i]! | r.truncations[i]!;
      if (mask.some((v) => v)) out.push(Array.from(venv.reset({ options: { resetMask: mask } }).obs as Float32Array));
    }
  }
  return out;
}

describe('WorkerVectorEnv', () => {
  const cases: Array<[string, AutoresetMode, number]> = [
    // Each worker env starts threads, so the cases are few and cover all three modes.
    ['CartPole-v1', 'disabled', 300],
    ['Pendulum-v1', 'next-step', 250],
  ];
  for (const [id, mode, steps] of cases) {
    it(`gives the same observations, rewards and flags as SyncVectorEnv (${id}, ${mode})`, () => {
      const sync = makeVec(id, { numEnvs: 5, autoresetMode: mode });
      const worker = makeVec(id, { numEnvs: 5, autoresetMode: mode, vectorization: 'worker', numWorkers: 2 });
      opened.push(sync, worker);
      expect(worker).toBeInstanceOf(WorkerVectorEnv);
      const a = trace(sync, 11, steps),
        b = trace(worker, 11, steps);
      expect(b).toEqual(a);
      expect(a.length).toBeGreaterThan(steps);
    });
  }

  it("matches SyncVectorEnv in 'same-step' mode, finalObs and finalInfo infos included", () => {
    const sync = makeVec('CartPole-v1', { numEnvs: 3, autoresetMode: 'same-step' });
    const worker = makeVec('CartPole-v1', {
      numEnvs: 3,
      autoresetMode: 'same-step',
      vectorization: 'worker',
      numWorkers: 2,
    });
    opened.push(sync, worker);
    expect(trace(worker, 11, 300)).toEqual(trace(sync, 11, 300));
    sync.reset({ seed: 2 });
    worker.reset({ seed: 2 });
    const ones = new Int32Array([1, 1, 1]);
    let finals = 0;
    for (let t = 0; t < 30; t++) {
      const a = sync.step(ones),
        b = worker.step(ones);
      if (a.infos._finalInfo) finals++;
      expect(Object.keys(b.infos).sort()).toEqual(Object.keys(a.infos).sort());
      if (a.infos._finalInfo) {
        expect(Array.from(b.infos._finalInfo as Uint8Array)).toEqual(Array.from(a.infos._finalInfo as Uint8Array));
        expect(b.infos.finalInfo).toEqual(a.infos.finalInfo);
      }
    }
    expect(finals).toBeGreaterThan(0);
  });

  it('forwards call() and render(), reports worker errors clearly, and closes twice safely', () => {
    const v = makeVec('CartPole-v1', {
      numEnvs: 3,
      vectorization: 'worker',
      numWorkers: 2,
      kwargs: { renderMode: 'ansi' },
    });
    v.reset({ seed: 0 });
    expect(v.call('renderMode')).toEqual(['ansi', 'ansi', 'ansi']);
    expect(typeof v.render(2)).toBe('string');
    expect(() => v.render(3)).toThrow(/index 3 out of range/);
    expect(() => v.step(new Int32Array([0, 1, 5]))).toThrow(/action 5 is outside the action space Discrete\(2\)/);
    // Sub-env 2 threw: stepping is refused until a reset (as SyncVectorEnv does).
    expect(() => v.step(new Int32Array(3))).toThrow(/sub-env 2 threw during step \(.*action 5.*\), so the vector env/);
    v.reset({ seed: 0 });
    expect(() => v.step(new Int32Array(2))).toThrow(/expected 3 actions/);
    v.step(new Int32Array([0, 1, 0]));
    v.close();
    v.close();
    expect(() => v.step(new Int32Array(3))).toThrow(/after close/);
  });

  /** A copy of a batch of infos (columns keep their array types). */
  const copyInfos = (infos: VecInfo): VecInfo =>
    Object.fromEntries(Object.entries(infos).map(([k, v]) => [k, v.slice()]));

  for (const mode of ['same-step', 'next-step'] as const) {
    it(
      `carries every kind of info like SyncVectorEnv (${mode}): numbers, booleans, strings, objects, NaN, kind ` +
        `changes, keys that come and go, more keys than the shared table holds`,
      () => {
        const sync = makeVec('InfoToy-v0', { numEnvs: 5, autoresetMode: mode });
        const worker = new WorkerVectorEnv('InfoToy-v0', {
          numEnvs: 5,
          numWorkers: 2,
          autoresetMode: mode,
          imports: [infoToyWorker],
        });
        opened.push(sync, worker);
        const rng = new Rng(3);
        const actions = new Int32Array(5);
        expect(copyInfos(worker.reset({ seed: 4 }).infos)).toEqual(copyInfos(sync.reset({ seed: 4 }).infos));
        const seen = new Set<string>();
        for (let t = 0; t < 300; t++) {
          for (let i = 0; i < 5; i++) actions[i] = rng.int(0, 2);
          const a = sync.step(actions),
            b = worker.step(actions);
          expect(Array.from(b.obs as Float32Array)).toEqual(Array.from(a.obs as Float32Array));
          expect(Array.from(b.rewards)).toEqual(Array.from(a.rewards));
          expect(Array.from(b.terminations)).toEqual(Array.from(a.terminations));
          expect(copyInfos(b.infos)).toEqual(copyInfos(a.infos));
          for (const k of Object.keys(b.infos)) seen.add(k);
        }
        for (const k of ['n', 'flag', 'nan', 'mixed', 'boolnum', 'sometimes', 'label', 'obj', 'w39', 'start', 'length'])
          expect(seen).toContain(k);
        if (mode === 'same-step') expect(seen).toContain('finalInfo');
      },
    );
  }

  it('passes maxEpisodeSteps to the workers: episodes are truncated at that step, as in SyncVectorEnv', () => {
    const sync = makeVec('Pendulum-v1', { numEnvs: 3, maxEpisodeSteps: 7 });
    const worker = makeVec('Pendulum-v1', { numEnvs: 3, vectorization: 'worker', numWorkers: 2, maxEpisodeSteps: 7 });
    opened.push(sync, worker);
    expect(trace(worker, 5, 30)).toEqual(trace(sync, 5, 30));
    worker.reset({ seed: 1 });
    const zero = new Float32Array(3);
    for (let t = 1; t <= 7; t++)
      expect(Array.from(worker.step(zero).truncations)).toEqual(t === 7 ? [1, 1, 1] : [0, 0, 0]);
    const unlimited = makeVec('Pendulum-v1', {
      numEnvs: 2,
      vectorization: 'worker',
      numWorkers: 2,
      maxEpisodeSteps: -1,
    });
    opened.push(unlimited);
    unlimited.reset({ seed: 1 });
    // Pendulum is registered with a 200-step limit; -1 lifts it.
    for (let t = 0; t < 250; t++)
      expect(unlimited.step(new Float32Array(2)).truncations.some((v) => v === 1)).toBe(false);
    expect(() => makeVec('Pendulum-v1', { numEnvs: 2, vectorization: 'worker', maxEpisodeSteps: 0 })).toThrow(
      /maxEpisodeSteps must be a positive integer or -1/,
    );
  });

  it('captureFinalState: finalInfo.state holds the state before the reset, as in SyncVectorEnv', () => {
    const opts = { numEnvs: 2, autoresetMode: 'same-step' as const, maxEpisodeSteps: 4 };
    const sync = makeVec('Dungeon-Room-5x5-v0', opts);
    const worker = makeVec('Dungeon-Room-5x5-v0', { ...opts, vectorization: 'worker', numWorkers: 2 });
    opened.push(sync, worker);
    const finals = (venv: VectorEnv): unknown[] => {
      venv.captureFinalState?.(true);
      venv.reset({ seed: 3 });
      const out: unknown[] = [];
      const rng = new Rng(9);
      for (let t = 0; t < 9; t++) {
        const r = venv.step(Int32Array.from({ length: 2 }, () => rng.int(0, 4)));
        const fi = r.infos.finalInfo as ({ state?: { time: number } } | undefined)[] | undefined;
        if (fi) out.push(fi.map((x) => x?.state ?? null));
      }
      return out;
    };
    const a = finals(sync);
    expect(a).toHaveLength(2); // steps 4 and 8 end both episodes
    expect((a[0] as ({ time: number } | null)[])[0]!.time).toBeGreaterThan(1);
    expect(finals(worker)).toEqual(a);
  });

  it('runs tens of thousands of tiny steps without stalling, also when the main thread pauses between steps', () => {
    const sync = makeVec('CartPole-v1', { numEnvs: 4 });
    const worker = makeVec('CartPole-v1', { numEnvs: 4, vectorization: 'worker', numWorkers: 2 });
    opened.push(sync, worker);
    const pause = new Int32Array(new SharedArrayBuffer(4));
    const rng = new Rng(9);
    const actions = new Int32Array(4);
    sync.reset({ seed: 9 });
    worker.reset({ seed: 9 });
    let sumA = 0,
      sumB = 0;
    for (let t = 0; t < 30_000; t++) {
      for (let i = 0; i < 4; i++) actions[i] = rng.int(0, 2);
      // Now and then pause, so requests reach workers that have slept for a while as well as ones just gone to sleep.
      if (t % 97 === 0) Atomics.wait(pause, 0, 0, 1 + (t % 3));
      const a = sync.step(actions),
        b = worker.step(actions);
      for (let i = 0; i < 4; i++) {
        sumA += a.rewards[i]! + 2 * a.terminations[i]! + 4 * a.truncations[i]!;
        sumB += b.rewards[i]! + 2 * b.terminations[i]! + 4 * b.truncations[i]!;
      }
    }
    expect(sumB).toBe(sumA);
    expect(Array.from(worker.step(actions).obs as Float32Array)).toEqual(
      Array.from(sync.step(actions).obs as Float32Array),
    );
  });

  it('reports an env error raised in a worker in the middle of a fast run, and steps again after a reset', () => {
    const v = new WorkerVectorEnv('InfoToy-v0', {
      numEnvs: 4,
      numWorkers: 2,
      autoresetMode: 'same-step',
      imports: [infoToyWorker],
    });
    opened.push(v);
    v.reset({ seed: 0 });
    const ok = new Int32Array([0, 1, 1, 0]);
    const failures: string[] = [];
    for (let t = 0; t < 3000; t++) {
      const bad =
        t % 500 === 250
          ? Int32Array.from([0, 1, 2, 3], (i) => (i === (t / 250) % 4 || (t > 2000 && i === 0) ? 2 : ok[i]!))
          : ok;
      let infos: VecInfo;
      try {
        infos = v.step(bad).infos;
      } catch (e) {
        failures.push((e as Error).message);
        // The failed sub-envs must be reset before the next step (as SyncVectorEnv).
        v.reset({ options: { resetMask: Array.from(bad, (a) => a === 2) } });
        continue;
      }
      // A step where every sub-env ends has only the resets' infos and finalInfo (resets make that likelier).
      expect(infos.n ?? infos.finalInfo).toBeInstanceOf(infos.n ? Float64Array : Array);
    }
    expect(failures.length).toBe(6);
    for (const m of failures) expect(m).toMatch(/InfoToy: action 2 asks for a failure/);
    expect(Array.from(v.step(ok).obs as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('stops the workers and says so when one does not answer within timeoutMs', () => {
    // The time-out covers starting the workers too (loading their modules), hence seconds rather than milliseconds.
    const v = new WorkerVectorEnv('InfoToy-v0', {
      numEnvs: 2,
      numWorkers: 2,
      imports: [infoToyWorker],
      kwargs: { stallMs: 120_000 },
      timeoutMs: 15_000,
    });
    v.reset({ seed: 0 });
    expect(() => v.step(new Int32Array(2))).toThrow(
      /worker for envs 0\.\.0 did not answer step within 15000 ms; the workers were stopped/,
    );
    expect(() => v.step(new Int32Array(2))).toThrow(/after close/);
    v.close();
  });

  it('fails fast on bad ids, kwargs and worker counts', () => {
    expect(() => makeVec('CartPole-v1', { numEnvs: 2, vectorization: 'worker', kwargs: { bogus: 1 } })).toThrow(
      /unknown kwarg "bogus"/,
    );
    expect(() => makeVec('CartPole-v1', { numEnvs: 2, vectorization: 'worker', numWorkers: 3 })).toThrow(
      /numWorkers must be an integer in \[1, numEnvs=2\]/,
    );
    expect(() => makeVec('CartPole-v1', { numEnvs: 2, vectorization: 'threads' as never })).toThrow(
      /unknown vectorization "threads"/,
    );
  });
});
