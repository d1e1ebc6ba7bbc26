import { describe, expect, it } from 'vitest';
import { make, makeVec, SyncVectorEnv, RxgymError, type Env } from './support/core.js';
import { CounterEnv } from './support/toy-envs.js';

const counters = (n: number) => Array.from({ length: n }, () => () => new CounterEnv() as Env<unknown, unknown>);

describe('SyncVectorEnv', () => {
  it('seeds sub-env i with seed + i and batches observations', () => {
    const venv = makeVec('CartPole-v1', { numEnvs: 3 });
    const { obs } = venv.reset({ seed: 7 });
    for (let i = 0; i < 3; i++) {
      const env = make<Float32Array, number>('CartPole-v1');
      const o = env.reset({ seed: 7 + i }).obs;
      expect(Array.from((obs as Float32Array).subarray(i * 4, i * 4 + 4))).toEqual(Array.from(o));
    }
    venv.close();
  });

  it("'next-step' resets an ended env on the following step, with reward 0 and no flags", () => {
    const venv = makeVec('CartPole-v1', { numEnvs: 2 });
    const single = make<Float32Array, number>('CartPole-v1');
    venv.reset({ seed: 3 });
    single.reset({ seed: 3 });
    const actions = new Int32Array([1, 1]);
    let ended = false;
    for (let t = 0; t < 100 && !ended; t++) {
      const r = venv.step(actions);
      const s = single.step(1);
      expect(Array.from((r.obs as Float32Array).subarray(0, 4))).toEqual(Array.from(s.obs));
      expect(r.rewards[0]).toBe(s.reward);
      expect(r.terminations[0]).toBe(s.terminated ? 1 : 0);
      ended = s.terminated;
    }
    expect(ended).toBe(true);
    const r = venv.step(actions);
    expect(r.rewards[0]).toBe(0);
    expect(r.terminations[0]).toBe(0);
    expect(r.truncations[0]).toBe(0);
    const obs0 = (r.obs as Float32Array).subarray(0, 4);
    for (const v of obs0) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
  });

  it("'same-step' resets within the step and reports finalObs/finalInfo with masks", () => {
    const venv = new SyncVectorEnv(counters(3), { autoresetMode: 'same-step' });
    venv.reset({ seed: 1 });
    const ref = counters(3).map((f) => f());
    ref.forEach((e, i) => e.reset({ seed: 1 + i }));
    let sawFinal = 0;
    for (let t = 0; t < 20; t++) {
      const r = venv.step([2, 2, 2]);
      for (let i = 0; i < 3; i++) {
        const s = ref[i]!.step(2);
        expect(r.terminations[i]).toBe(s.terminated ? 1 : 0);
        expect(r.rewards[i]).toBe(2);
        if (s.terminated) {
          sawFinal++;
          expect((r.infos._finalObs as Uint8Array)[i]).toBe(1);
          const fo = (r.infos.finalObs as unknown[])[i] as { pos: Float32Array; count: number };
          expect(fo.count).toBe((s.obs as { count: number }).count);
          expect(((r.infos.finalInfo as unknown[])[i] as { message: string }).message).toMatch(/^done after/);
          const rr = ref[i]!.reset();
          expect((r.obs as Record<string, Int32Array>).count[i]).toBe(0);
          expect((r.infos.phase as unknown[])[i]).toBe('start');
          expect((r.infos.length as Float64Array)[i]).toBe((rr.info as { length: number }).length);
        } else {
          expect((r.obs as Record<string, Int32Array>).count[i]).toBe((s.obs as { count: number }).count);
          if (r.infos._finalObs) expect((r.infos._finalObs as Uint8Array)[i]).toBe(0);
          expect((r.infos._even as Uint8Array)[i]).toBe(1);
          expect((r.infos.even as Uint8Array)[i]).toBe((s.info as { even: boolean }).even ? 1 : 0);
        }
      }
    }
    expect(sawFinal).toBeGreaterThan(3);
  });

  it('batches Dict observations as one typed array per key', () => {
    const venv = new SyncVectorEnv(counters(2));
    const { obs, infos } = venv.reset({ seed: 0 });
    const d = obs as Record<string, Float32Array | Int32Array>;
    expect(d.pos).toBeInstanceOf(Float32Array);
    expect(d.pos!.length).toBe(4);
    expect(d.count).toBeInstanceOf(Int32Array);
    expect(Array.from(infos._phase as Uint8Array)).toEqual([1, 1]);
    const r = venv.step(new Int32Array([0, 2]));
    expect(d.pos![1]).toBe(1);
    expect(d.pos![3]).toBe(1);
    expect(Array.from(r.rewards)).toEqual([0, 2]);
    expect(r.infos.phase).toBeUndefined();
    expect(Array.from(r.infos._step as Uint8Array)).toEqual([1, 1]);
  });

  it("'disabled' refuses to step an ended env until reset with resetMask", () => {
    const venv = new SyncVectorEnv(counters(2), { autoresetMode: 'disabled' });
    expect(() => venv.reset({ options: { resetMask: [true, false] } })).toThrow(/first reset must reset every sub-env/);
    venv.reset({ seed: 4 });
    let ended = -1;
    for (let t = 0; t < 10 && ended < 0; t++) {
      const r = venv.step([1, 1]);
      for (let i = 0; i < 2; i++) if (r.terminations[i]) ended = i;
    }
    expect(ended).toBeGreaterThanOrEqual(0);
    expect(() => venv.step([1, 1])).toThrow(/autoresetMode is 'disabled'.*resetMask/);
    const other = 1 - ended;
    const before = venv.call('render') as string[];
    const mask = new Uint8Array(2);
    mask[ended] = 1;
    const { obs } = venv.reset({ options: { resetMask: mask } });
    expect((obs as Record<string, Int32Array>).count[ended]).toBe(0);
    expect(venv.call('render')[other]).toBe(before[other]);
    expect(() => venv.reset({ options: { resetMask: new Uint8Array(2) } })).toThrow(/selects no env/);
    expect(() => venv.reset({ options: { resetMask: [true] } })).toThrow(/length numEnvs/);
  });

  it('rejects bad input with clear errors', () => {
    const venv = makeVec('CartPole-v1', { numEnvs: 4 });
    expect(() => venv.step(new Int32Array(4))).toThrow(/before reset/);
    venv.reset({ seed: 0 });
    expect(() => venv.step(new Int32Array(3))).toThrow(/expected 4 actions \(numEnvs 4 x actionDim 1\), got 3/);
    expect(() => venv.step(new Int32Array([0, 1, 2, 0]))).toThrow(/outside the action space/);
    expect(() => makeVec('CartPole-v1', { numEnvs: 0 })).toThrow(RxgymError);
    expect(() => makeVec('CartPole-v1', { numEnv: 2 } as never)).toThrow(/unknown option "numEnv"/);
    expect(() => makeVec('CartPole-v1', { autoresetMode: 'same_step' as never })).toThrow(/unknown autoresetMode/);
    expect(() => makeVec('Nope-v0')).toThrow(/unknown env id "Nope-v0"/);
    venv.close();
    venv.close();
    expect(() => venv.step(new Int32Array(4))).toThrow(/after close/);
  });

  it('closes every sub-env and forwards call() through wrappers', () => {
    const envs = counters(2).map((f) => f()) as CounterEnv[];
    const venv = new SyncVectorEnv(envs.map((e) => () => e));
    venv.reset({ seed: 0 });
    expect(venv.call('render')).toEqual(['count=0', 'count=0']);
    venv.close();
    expect(envs.map((e) => e.closed)).toEqual([1, 1]);
    const cp = makeVec('CartPole-v1', { numEnvs: 2 });
    expect(cp.call('metadata')).toHaveLength(2);
    expect(() => cp.call('nope')).toThrow(/no attribute or method "nope"/);
  });
});
