import { describe, expect, it } from 'vitest';
import {
  Box,
  checkEnv,
  Discrete,
  isDescribed,
  make,
  RxgymError,
  spec,
  unwrap,
  type Env,
  type RgbFrame,
} from '../core/support/core.js';

const ids = ['CartPole-v1', 'MountainCar-v0', 'Pendulum-v1', 'Acrobot-v1'];

function rollout(id: string, seed: number, n: number): number[] {
  const env = make<Float32Array, unknown>(id);
  const out = Array.from(env.reset({ seed }).obs);
  for (let t = 0; t < n; t++) {
    const a = env.actionSpace instanceof Discrete ? t % env.actionSpace.n : new Float32Array([Math.sin(t)]);
    const r = env.step(a);
    out.push(...r.obs, r.reward, Number(r.terminated), Number(r.truncated));
    if (r.terminated || r.truncated) out.push(...env.reset().obs);
  }
  return out;
}

describe('classic-control envs', () => {
  it("register Gymnasium's limits and thresholds", () => {
    expect([spec('CartPole-v1').maxEpisodeSteps, spec('CartPole-v1').rewardThreshold]).toEqual([500, 475]);
    expect([spec('MountainCar-v0').maxEpisodeSteps, spec('MountainCar-v0').rewardThreshold]).toEqual([200, -110]);
    expect([spec('Pendulum-v1').maxEpisodeSteps, spec('Pendulum-v1').rewardThreshold]).toEqual([200, undefined]);
    expect([spec('Acrobot-v1').maxEpisodeSteps, spec('Acrobot-v1').rewardThreshold]).toEqual([500, -100]);
  });

  for (const id of ids) {
    it(`${id} passes checkEnv and is deterministic per seed`, () => {
      expect(checkEnv(make(id))).toEqual([]);
      expect(rollout(id, 5, 300)).toEqual(rollout(id, 5, 300));
      expect(rollout(id, 5, 50)).not.toEqual(rollout(id, 6, 50));
    });
  }

  it('CartPole: one Euler step from rest matches the hand-computed dynamics', () => {
    const env = make<Float32Array, number>('CartPole-v1');
    expect(Array.from(env.reset({ options: { low: 0, high: 0 } }).obs)).toEqual([0, 0, 0, 0]);
    const r = env.step(1);
    // force 10: temp = 10/1.1, thetaacc = -temp / (0.5 * (4/3 - 0.1/1.1)), xacc = temp - 0.05 * thetaacc / 1.1
    const temp = 10 / 1.1,
      thetaAcc = -temp / (0.5 * (4 / 3 - 0.1 / 1.1)),
      xAcc = temp - (0.05 * thetaAcc) / 1.1;
    expect(Array.from(r.obs)).toEqual([0, Math.fround(0.02 * xAcc), 0, Math.fround(0.02 * thetaAcc)]);
    expect(r.reward).toBe(1);
  });

  it('CartPole: pushing one way falls in about 10 steps; +1 on the falling step, 0 after', () => {
    const env = make<Float32Array, number>('CartPole-v1');
    env.reset({ seed: 0 });
    let t = 0,
      r;
    do {
      r = env.step(1);
      t++;
    } while (!r.terminated);
    expect(t).toBeGreaterThan(5);
    expect(t).toBeLessThan(15);
    expect(r.reward).toBe(1);
    expect(Math.abs(r.obs[2]!)).toBeGreaterThan((12 * 2 * Math.PI) / 360);
    expect(env.step(1).reward).toBe(0);
  });

  it('CartPole: a balancing controller is truncated (not terminated) at 500 steps', () => {
    const env = make<Float32Array, number>('CartPole-v1');
    let { obs } = env.reset({ seed: 1 });
    let ret = 0,
      steps = 0;
    for (;;) {
      const r = env.step(obs[2]! + 0.5 * obs[3]! + 0.01 * obs[0]! + 0.1 * obs[1]! > 0 ? 1 : 0);
      ret += r.reward;
      steps++;
      obs = r.obs;
      if (r.terminated || r.truncated) {
        expect(r.terminated).toBe(false);
        expect(r.truncated).toBe(true);
        break;
      }
    }
    expect([steps, ret]).toEqual([500, 500]);
  });

  it('MountainCar: -1 a step, energy pumping reaches the flag (info.success), the left wall stops the car', () => {
    const env = make<Float32Array, number>('MountainCar-v0');
    let { obs } = env.reset({ seed: 0 });
    expect(obs[0]).toBeGreaterThanOrEqual(-0.6);
    expect(obs[0]).toBeLessThanOrEqual(-0.4);
    expect(obs[1]).toBe(0);
    let steps = 0,
      r;
    do {
      r = env.step(obs[1]! >= 0 ? 2 : 0);
      obs = r.obs;
      steps++;
      expect(r.reward).toBe(-1);
      expect(r.info.success).toBe(r.terminated); // rxgym's key: false until the flag, true on reaching it
    } while (!r.terminated && !r.truncated);
    expect(r.terminated).toBe(true);
    expect(r.info.success).toBe(true);
    expect(obs[0]).toBeGreaterThanOrEqual(0.5);
    expect(steps).toBeLessThan(200);
    env.reset({ seed: 0 });
    for (let t = 0; t < 150; t++) {
      r = env.step(0);
      if (r.obs[0] === Math.fround(-1.2)) {
        expect(r.obs[1]).toBeGreaterThanOrEqual(0);
        break;
      }
    }
    expect(() => env.step(3)).toThrow(/outside the action space Discrete\(3\)/);
  });

  it('Pendulum: reward -(theta^2 + 0.1 thetadot^2 + 0.001 u^2), torque clipped to [-2, 2], truncated at 200', () => {
    const env = make<Float32Array, Float32Array>('Pendulum-v1');
    expect(Array.from(env.reset({ seed: 0, options: { xInit: 0, yInit: 0 } }).obs)).toEqual([1, 0, 0]);
    let r = env.step(new Float32Array([5]));
    expect(r.reward).toBeCloseTo(-0.004, 12);
    expect(r.obs[2]).toBeCloseTo(0.3, 6);
    r = env.step(new Float32Array([0]));
    expect(r.reward).toBeCloseTo(-(0.015 ** 2 + 0.1 * 0.09), 9);
    expect(env.actionSpace).toBeInstanceOf(Box);
    let steps = 2;
    while (!r.truncated) {
      r = env.step(new Float32Array([0]));
      steps++;
      expect(r.terminated).toBe(false);
    }
    expect(steps).toBe(200);
    expect(() => env.step(new Float32Array([NaN]))).toThrow(/Pendulum-v1: action/);
  });

  it('Acrobot: rest is an equilibrium with reward -1; swinging the tip above the bar terminates with reward 0', () => {
    const env = make<Float32Array, number>('Acrobot-v1');
    env.reset({ options: { low: 0, high: 0 } });
    const r = env.step(1);
    // cos(-pi/2) is 6e-17 in floating point, as in numpy, so "rest" drifts by ~1e-17.
    [1, 0, 1, 0, 0, 0].forEach((v, i) => expect(r.obs[i]).toBeCloseTo(v, 12));
    expect([r.reward, r.terminated]).toEqual([-1, false]);
    // Pumping energy with the elbow's velocity swings the tip above the bar well within the 500-step limit.
    let { obs } = env.reset({ seed: 0 });
    let steps = 0,
      s;
    do {
      s = env.step(obs[5]! > 0 ? 2 : 0);
      obs = s.obs;
      steps++;
      if (!s.terminated) expect(s.reward).toBe(-1);
      expect(s.info.success).toBe(s.terminated);
    } while (!s.terminated && !s.truncated);
    expect([s.reward, s.terminated, s.info.success]).toEqual([0, true, true]);
    expect(-obs[0]! - (obs[0]! * obs[2]! - obs[1]! * obs[3]!)).toBeGreaterThan(1);
    expect(steps).toBeLessThan(500);
  });

  it('render ansi strings and rgb_array frames; unknown kwargs and render modes are refused', () => {
    for (const id of ids) {
      const a = make(id, { renderMode: 'ansi' });
      a.reset({ seed: 0 });
      expect(typeof a.render()).toBe('string');
      const g = make(id, { renderMode: 'rgb_array' });
      g.reset({ seed: 0 });
      const f = g.render() as RgbFrame;
      expect(f.data.length).toBe(f.width * f.height * 3);
      expect(f.data.some((v) => v !== 255)).toBe(true);
      expect(() => make(id, { renderMod: 'ansi' })).toThrow(new RegExp(`${id}: unknown kwarg "renderMod"`));
      expect(() => make(id, { renderMode: 'human' })).toThrow(/renderMode "human" is not supported/);
    }
  });

  it('step before reset and an action outside the space are clear errors', () => {
    const env: Env<Float32Array, number> = make('CartPole-v1');
    expect(() => env.step(0)).toThrow(/step\(\) called before reset\(\); call env.reset/);
    env.reset({ seed: 0 });
    expect(() => env.step(2)).toThrow(/action 2 is outside the action space Discrete\(2\)/);
    expect(() => env.step(0.5)).toThrow(/outside the action space/);
  });

  it('a seed that is not a non-negative integer is an RxgymError naming the fix (was: a plain Error)', () => {
    const env = make('CartPole-v1');
    for (const seed of [-3, 1.5, '1']) expect(() => env.reset({ seed: seed as number })).toThrow(RxgymError);
    expect(() => env.reset({ seed: '1' as never })).toThrow(
      'Rng seed must be a non-negative integer, got "1"; pass e.g. reset({ seed: 0 })',
    );
  });

  it('reset and step after close() are clear errors, as on the MuJoCo and dungeon envs; close twice is safe', () => {
    for (const id of ids) {
      const env = make<Float32Array, unknown>(id);
      env.reset({ seed: 0 });
      const action = env.actionSpace instanceof Discrete ? 0 : new Float32Array([0]);
      env.step(action);
      env.close();
      env.close();
      const closed = new RegExp(`^${id}: env is closed; create a new one with make\\(\\)$`);
      expect(() => env.step(action)).toThrow(closed);
      expect(() => env.reset({ seed: 0 })).toThrow(closed);
      expect(() => unwrap(env).step(action)).toThrow(RxgymError);
    }
  });

  it('describe their state for reward code (plain JSON matching the observation)', () => {
    for (const id of ids) {
      const env = make<Float32Array, unknown>(id);
      const inner = unwrap(env);
      expect(isDescribed(inner)).toBe(true);
      if (!isDescribed(inner)) continue;
      env.reset({ seed: 0 });
      const st = inner.state();
      expect(JSON.parse(JSON.stringify(st))).toEqual(st);
      expect(inner.describeState()).toMatch(/interface State \{/);
    }
    const mc = make<Float32Array, number>('MountainCar-v0');
    const { obs } = mc.reset({ seed: 1 });
    expect((unwrap(mc) as unknown as { state(): { position: number } }).state().position).toBeCloseTo(obs[0]!, 6);
  });
});
