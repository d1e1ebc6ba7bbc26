import { afterAll, describe, expect, it } from 'vitest';
import { Box, Discrete, makeVec, Rng, WorkerVectorEnv, type AutoresetMode, type VectorEnv } from './support/core.js';

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
    for (let k = 0; k < actions.length; k++) actions[k] = space instanceof Discrete ? rng.int(0, space.n) : rng.uniform(-2, 2);
    const r = venv.step(actions);
    out.push(Array.from(r.obs as Float32Array), Array.from(r.rewards), Array.from(r.terminations), Array.from(r.truncations));
    if (r.infos._finalObs) {
      const mask = r.infos._finalObs as Uint8Array;
      out.push(Array.from(mask), (r.infos.finalObs as unknown[]).map((o) => (o ? Array.from(o as Float32Array) : null)));
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
    // Each worker env starts threads that load the whole package, so the cases are few and cover all three modes.
    ['CartPole-v1', 'disabled', 300],
    ['Pendulum-v1', 'next-step', 250],
  ];
  for (const [id, mode, steps] of cases) {
    it(`gives the same observations, rewards and flags as SyncVectorEnv (${id}, ${mode})`, () => {
      const sync = makeVec(id, { numEnvs: 5, autoresetMode: mode });
      const worker = makeVec(id, { numEnvs: 5, autoresetMode: mode, vectorization: 'worker', numWorkers: 2 });
      opened.push(sync, worker);
      expect(worker).toBeInstanceOf(WorkerVectorEnv);
      const a = trace(sync, 11, steps), b = trace(worker, 11, steps);
      expect(b).toEqual(a);
      expect(a.length).toBeGreaterThan(steps);
    });
  }

  it("matches SyncVectorEnv in 'same-step' mode, finalObs and finalInfo infos included", () => {
    const sync = makeVec('CartPole-v1', { numEnvs: 3, autoresetMode: 'same-step' });
    const worker = makeVec('CartPole-v1', { numEnvs: 3, autoresetMode: 'same-step', vectorization: 'worker', numWorkers: 2 });
    opened.push(sync, worker);
    expect(trace(worker, 11, 300)).toEqual(trace(sync, 11, 300));
    sync.reset({ seed: 2 });
    worker.reset({ seed: 2 });
    const ones = new Int32Array([1, 1, 1]);
    let finals = 0;
    for (let t = 0; t < 30; t++) {
      const a = sync.step(ones), b = worker.step(ones);
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
    const v = makeVec('CartPole-v1', { numEnvs: 3, vectorization: 'worker', numWorkers: 2, kwargs: { renderMode: 'ansi' } });
    v.reset({ seed: 0 });
    expect(v.call('renderMode')).toEqual(['ansi', 'ansi', 'ansi']);
    expect(typeof v.render(2)).toBe('string');
    expect(() => v.render(3)).toThrow(/index 3 out of range/);
    expect(() => v.step(new Int32Array([0, 1, 5]))).toThrow(/action 5 is outside the action space Discrete\(2\)/);
    expect(() => v.step(new Int32Array(2))).toThrow(/expected 3 actions/);
    v.step(new Int32Array([0, 1, 0]));
    v.close();
    v.close();
    expect(() => v.step(new Int32Array(3))).toThrow(/after close/);
  });

  it('fails fast on bad ids, kwargs and worker counts', () => {
    expect(() => makeVec('CartPole-v1', { numEnvs: 2, vectorization: 'worker', kwargs: { bogus: 1 } })).toThrow(/unknown kwarg "bogus"/);
    expect(() => makeVec('CartPole-v1', { numEnvs: 2, vectorization: 'worker', numWorkers: 3 })).toThrow(/numWorkers must be an integer in \[1, numEnvs=2\]/);
    expect(() => makeVec('CartPole-v1', { numEnvs: 2, vectorization: 'threads' as never })).toThrow(/unknown vectorization "threads"/);
  });
});
