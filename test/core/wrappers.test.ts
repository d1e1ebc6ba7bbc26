import { describe, expect, it } from 'vitest';
import {
  Box,
  ClipAction,
  Dict,
  Discrete,
  FlattenObservation,
  FrameStackObservation,
  make,
  NormalizeObservation,
  NormalizeReward,
  RecordEpisodeStatistics,
  RescaleAction,
  TransformObservation,
  TransformReward,
  Wrapper,
  type Env,
  type EpisodeStats,
} from './support/core.js';
import { CounterEnv } from './support/toy-envs.js';

describe('wrappers', () => {
  it('RecordEpisodeStatistics adds { r, l, t } at episode end and keeps queues', () => {
    const env = new RecordEpisodeStatistics(make<Float32Array, number>('CartPole-v1'), { bufferLength: 2 });
    for (let ep = 0; ep < 3; ep++) {
      env.reset({ seed: ep });
      let r,
        n = 0;
      do {
        r = env.step(1);
        n++;
        if (!r.terminated) expect(r.info.episode).toBeUndefined();
      } while (!r.terminated && !r.truncated);
      const st = r.info.episode as EpisodeStats;
      expect([st.r, st.l]).toEqual([n, n]);
      expect(st.t).toBeGreaterThanOrEqual(0);
    }
    expect(env.returnQueue).toHaveLength(2);
    expect(() => new RecordEpisodeStatistics(make('CartPole-v1'), { buffer: 3 } as never)).toThrow(
      /unknown option "buffer"; known options: bufferLength, statsKey/,
    );
  });

  it('NormalizeObservation standardises with running stats (mean ~0, std ~1 over a run)', () => {
    const env = new NormalizeObservation(make<Float32Array, number>('MountainCar-v0'));
    expect(env.observationSpace).toBeInstanceOf(Box);
    env.reset({ seed: 0 });
    const xs: number[] = [];
    for (let t = 0; t < 2000; t++) {
      const r = env.step(t % 40 < 20 ? 0 : 2);
      if (t > 1000) xs.push(r.obs[0]!);
      if (r.terminated || r.truncated) env.reset();
    }
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.5);
    expect(sd).toBeGreaterThan(0.5);
    expect(sd).toBeLessThan(1.5);
    expect(() => new NormalizeObservation(new CounterEnv() as Env<unknown, number>)).toThrow(
      /needs a Box observation space, got Dict; apply FlattenObservation first/,
    );
    expect(() => new NormalizeObservation(make('CartPole-v1'), { eps: 1 } as never)).toThrow(/unknown option "eps"/);
  });

  it('NormalizeReward divides by the std of the discounted return, without subtracting a mean', () => {
    const env = new NormalizeReward(make<Float32Array, number>('CartPole-v1'), { gamma: 0.9 });
    env.reset({ seed: 0 });
    let last = 0,
      disc = 0;
    const rets: number[] = [];
    for (let t = 0; t < 200; t++) {
      const r = env.step(t % 2);
      disc = disc * 0.9 * (r.terminated ? 0 : 1) + 1;
      rets.push(disc);
      last = r.reward;
      expect(r.reward).toBeGreaterThanOrEqual(0);
      if (r.terminated || r.truncated) env.reset();
    }
    expect(last).toBeGreaterThan(0);
    expect(env.returnRms.count).toBeCloseTo(200.0001, 6);
    expect(() => new NormalizeReward(make('CartPole-v1'), { gamma: 2 })).toThrow(
      /option "gamma" must be a finite number in \[0, 1\]/,
    );
  });

  it('ClipAction clips into the Box; RescaleAction maps [-1, 1] onto [-2, 2]', () => {
    const clipped = new ClipAction(make<Float32Array, Float32Array>('Pendulum-v1', {}, { disableEnvChecker: true }));
    clipped.reset({ seed: 0, options: { xInit: 0, yInit: 0 } });
    expect(clipped.step([10]).reward).toBeCloseTo(-0.004, 9);
    const scaled = new RescaleAction(make<Float32Array, Float32Array>('Pendulum-v1'), -1, 1);
    scaled.reset({ seed: 0, options: { xInit: 0, yInit: 0 } });
    expect(scaled.step(new Float32Array([0.5])).obs[2]).toBeCloseTo(0.15, 6);
    expect(() => scaled.step(new Float32Array([1.5]))).toThrow(/outside the action space/);
    // bounds that float32 rounds down (0.7 -> 0.699999988): the bound itself, given as a double, is inside
    const narrow = new RescaleAction(make<Float32Array, Float32Array>('Pendulum-v1'), -0.7, 0.7);
    narrow.reset({ seed: 0 });
    expect(() => narrow.step([0.7])).not.toThrow();
    expect(() => narrow.step([-0.7])).not.toThrow();
    expect(() => narrow.step([0.7001])).toThrow(/outside the action space/);
    // a range whose upper bound float32 rounds down: its image stays inside the env's [-2, 2]
    const seen: number[] = [];
    class Spy extends Wrapper<Float32Array, Float32Array> {
      override step(a: Float32Array) {
        seen.push(a[0]!);
        return super.step(a);
      }
    }
    const spy = new RescaleAction(new Spy(make<Float32Array, Float32Array>('Pendulum-v1')), -2, -1.7);
    spy.reset({ seed: 0 });
    spy.step([-1.7]); // without the clamp: 2.0000007 (float32), outside the torque range
    spy.step([-2]);
    expect(seen).toEqual([2, -2]);
    expect(() => new ClipAction(make('CartPole-v1') as never)).toThrow(/needs a Box action space, got Discrete/);
  });

  it('FlattenObservation one-hots Discrete parts of a Dict', () => {
    const env = new FlattenObservation(new CounterEnv() as Env<unknown, number>);
    expect(env.observationSpace.shape).toEqual([52]);
    const { obs } = env.reset({ seed: 0 });
    expect(obs[2]).toBe(1);
    const r = env.step(1);
    expect(r.obs[2]).toBe(0);
    expect(r.obs[3]).toBe(1);
  });

  it('FrameStackObservation stacks the last k frames oldest first, padded by the reset frame or zeros', () => {
    const env = new FrameStackObservation(make<Float32Array, number>('CartPole-v1'), 3);
    expect(env.observationSpace.shape).toEqual([3, 4]);
    const first = Array.from(env.reset({ seed: 0 }).obs.slice(0, 4));
    expect(Array.from(env.reset({ seed: 0 }).obs)).toEqual([...first, ...first, ...first]);
    const s1 = Array.from(env.step(1).obs.slice(8));
    const o = Array.from(env.step(0).obs);
    expect(o.slice(0, 4)).toEqual(first);
    expect(o.slice(4, 8)).toEqual(s1);
    const z = new FrameStackObservation(make<Float32Array, number>('CartPole-v1'), 2, { padding: 'zero' });
    expect(Array.from(z.reset({ seed: 0 }).obs.slice(0, 4))).toEqual([0, 0, 0, 0]);
    expect(() => new FrameStackObservation(make('CartPole-v1'), 2, { pad: 'zero' } as never)).toThrow(
      /unknown option "pad"; known options: padding/,
    );
    expect(() => new FrameStackObservation(make('CartPole-v1'), 0)).toThrow(/stackSize must be a positive integer/);
  });

  it('TransformObservation and TransformReward apply their functions', () => {
    const env = new TransformReward(
      new TransformObservation(
        make<Float32Array, number>('CartPole-v1'),
        (o: Float32Array) => o[0]! * 2,
        new Box(-10, 10, [1]) as never,
      ),
      (r) => r * 3,
    );
    env.reset({ seed: 0 });
    const r = env.step(1);
    expect(r.reward).toBe(3);
    expect(typeof r.obs).toBe('number');
    expect(() => new TransformReward(make('CartPole-v1'), 3 as never)).toThrow(/fn must be a function/);
  });

  it('Discrete spaces flatten to one-hot through FlattenObservation on a Dict', () => {
    const d = new Dict({ a: new Discrete(3) });
    expect(d.toJSON().type).toBe('Dict');
  });
});
