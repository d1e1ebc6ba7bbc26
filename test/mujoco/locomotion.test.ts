import { describe, expect, it } from 'vitest';
import { registerMujoco } from '../../envs/mujoco/index.js';
import { liveDataCount } from '../../envs/mujoco/loader.js';
import { isDescribed, RxgymError } from '../../src/core/env.js';
import { make } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import type { Box } from '../../src/core/spaces.js';
import { unwrap } from '../../src/core/wrapper.js';

registerMujoco();

const LOCO: Array<[string, number, number, number]> = [
  // id, obs size, action size, |action bound|
  ['InvertedPendulum-v0', 4, 1, 3],
  ['Hopper-v0', 11, 3, 1],
  ['HalfCheetah-v0', 17, 6, 1],
  ['Ant-v0', 105, 8, 1],
  ['Walker2d-v0', 17, 6, 1],
  ['Swimmer-v0', 8, 2, 1],
  ['Reacher-v0', 10, 2, 1],
  ['Humanoid-v0', 348, 17, 0.4],
];

/** Roll out `n` seeded random steps; returns concatenated obs and rewards. */
function rollout(id: string, seed: number, n: number): { obs: number[]; rewards: number[]; dones: boolean[] } {
  const env = make(id);
  const rng = new Rng(seed + 100);
  const obs: number[] = [],
    rewards: number[] = [],
    dones: boolean[] = [];
  let r0 = env.reset({ seed });
  obs.push(...(r0.obs as Float32Array));
  for (let i = 0; i < n; i++) {
    const r = env.step((env.actionSpace as Box).sample(rng));
    obs.push(...(r.obs as Float32Array));
    rewards.push(r.reward);
    dones.push(r.terminated || r.truncated);
    if (r.terminated || r.truncated) r0 = env.reset();
  }
  env.close();
  return { obs, rewards, dones };
}

describe.each(LOCO)('%s', (id, obsDim, actDim, bound) => {
  it('has the Gymnasium v5 spaces and matching observations', () => {
    const env = make(id);
    const act = env.actionSpace as Box;
    expect(env.observationSpace.shape).toEqual([obsDim]);
    expect(act.shape).toEqual([actDim]);
    for (let i = 0; i < actDim; i++) {
      expect(act.low[i]).toBeCloseTo(-bound, 6);
      expect(act.high[i]).toBeCloseTo(bound, 6);
    }
    const { obs } = env.reset({ seed: 3 });
    expect(env.observationSpace.contains(obs)).toBe(true);
    const r = env.step((env.actionSpace as Box).sample(new Rng(0)));
    expect(env.observationSpace.contains(r.obs)).toBe(true);
    expect(Number.isFinite(r.reward)).toBe(true);
    env.close();
  });

  it('is deterministic by seed and differs across seeds', () => {
    const a = rollout(id, 7, 40),
      b = rollout(id, 7, 40),
      c = rollout(id, 8, 40);
    expect(a).toEqual(b);
    expect(a.obs).not.toEqual(c.obs);
  });

  it('describes a JSON state whose keys the description names', () => {
    const env = make(id);
    env.reset({ seed: 1 });
    const inner = unwrap(env);
    expect(isDescribed(inner)).toBe(true);
    if (!isDescribed(inner)) return;
    const s = inner.state() as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    const text = inner.describeState();
    expect(text).toContain('interface State');
    for (const k of Object.keys(s)) expect(text).toContain(`${k}:`);
    env.close();
  });
});

describe('MuJoCo env bad input', () => {
  it('rejects NaN, out-of-range and wrong-length actions with clear errors, and can clip on request', () => {
    const env = make('Hopper-v0');
    env.reset({ seed: 0 });
    expect(() => env.step(Float32Array.of(0, NaN, 0))).toThrow(/action\[1\] is NaN/);
    expect(() => env.step(Float32Array.of(0, 1.5, 0))).toThrow(/outside \[-1, 1\].*clipActions/);
    expect(() => env.step(Float32Array.of(0, 0))).toThrow(/length 2.*needs 3/);
    expect(() => env.step(Float32Array.of(Infinity, 0, 0))).toThrow(RxgymError);
    const r = env.step(Float32Array.of(0, 0, 0)); // the env survives bad input
    expect(Number.isFinite(r.reward)).toBe(true);
    env.close();
    const clipped = make('Hopper-v0', { clipActions: true });
    clipped.reset({ seed: 0 });
    expect(() => clipped.step(Float32Array.of(5, -5, 0))).not.toThrow();
    clipped.close();
  });

  it('rejects unknown options and render modes', () => {
    expect(() => make('Ant-v0', { frameskip: 3 })).toThrow(/unknown option "frameskip"/);
    expect(() => make('Ant-v0', { renderMode: 'human' })).toThrow(/renderMode "human" is not supported/);
  });

  it('close() is idempotent, frees the MjData, and use after close is a clear error', () => {
    const before = liveDataCount();
    const env = make('Walker2d-v0');
    expect(liveDataCount()).toBe(before + 1);
    env.reset({ seed: 0 });
    env.close();
    env.close();
    expect(liveDataCount()).toBe(before);
    expect(() => unwrap(env).step(Float32Array.of(0, 0, 0, 0, 0, 0))).toThrow(/closed/);
  });
});

describe('Gymnasium v5 reward and termination semantics', () => {
  it('Hopper terminates when unhealthy and pays the healthy reward only while healthy', () => {
    const env = make('Hopper-v0');
    env.reset({ seed: 0 });
    let last;
    for (let i = 0; i < 300; i++) {
      last = env.step(Float32Array.of(1, -1, 1));
      expect(last.info.reward_survive).toBe(last.terminated ? 0 : 1);
      if (last.terminated) break;
    }
    expect(last!.terminated).toBe(true);
    env.close();
  });

  it('HalfCheetah never terminates and its reward is forward velocity minus 0.1|a|^2', () => {
    const env = make('HalfCheetah-v0');
    env.reset({ seed: 0 });
    for (let i = 0; i < 50; i++) {
      const r = env.step(Float32Array.of(1, 1, 1, 1, 1, 1));
      expect(r.terminated).toBe(false);
      expect(r.reward).toBeCloseTo((r.info.x_velocity as number) - 0.6, 5);
    }
    env.close();
  });

  it('InvertedPendulum pays +1 until the pole passes 0.2 rad', () => {
    const env = make('InvertedPendulum-v0');
    env.reset({ seed: 0 });
    let n = 0;
    for (;;) {
      const r = env.step(Float32Array.of(3));
      if (r.terminated) {
        expect(r.reward).toBe(0);
        break;
      }
      expect(r.reward).toBe(1);
      n++;
    }
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(100);
    env.close();
  });

  it('Ant observes clipped contact forces (mj_rnePostConstraint) once it touches the floor', () => {
    const env = make('Ant-v0');
    env.reset({ seed: 0 });
    let r;
    for (let i = 0; i < 20; i++) r = env.step(new Float32Array(8));
    const cf = (r!.obs as Float32Array).subarray(27);
    expect(cf.some((v) => v !== 0)).toBe(true);
    expect(cf.every((v) => v >= -1 && v <= 1)).toBe(true);
    const s = (unwrap(env) as unknown as { state(): { footContacts: Record<string, boolean> } }).state();
    expect(Object.values(s.footContacts).some(Boolean)).toBe(true);
    env.close();
  });

  it('Reacher truncates at 50 steps', () => {
    const env = make('Reacher-v0');
    env.reset({ seed: 0 });
    let n = 0,
      r;
    do {
      r = env.step(Float32Array.of(0.1, -0.1));
      n++;
    } while (!r.truncated && n < 100);
    expect(n).toBe(50);
    env.close();
  });
});
