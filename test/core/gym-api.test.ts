import { describe, expect, it } from 'vitest';
import { Box, Discrete, make, TimeLimit, type Env, type RenderMode } from './support/core.js';
import { EnvRegistry } from '../../src/core/registry.js';

/** A one-step env that keeps the kwargs it was built with. */
class KwargsEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box(0, 1, [1]);
  readonly actionSpace = new Discrete(2);
  readonly metadata = { renderModes: [] as RenderMode[] };
  constructor(readonly kw: Record<string, unknown>) {}
  reset() {
    return { obs: new Float32Array(1), info: {} };
  }
  step() {
    return { obs: new Float32Array(1), reward: 0, terminated: true, truncated: false, info: {} };
  }
  render() {
    return undefined;
  }
  close() {}
}

class Shaper {
  constructor(readonly scale: number) {}
  apply(r: number): number {
    return r * this.scale;
  }
}

describe('Gymnasium API: make', () => {
  it('registered kwargs holding a function or a class instance reach the env as they are (was: DataCloneError)', () => {
    const envs = new EnvRegistry();
    const rewardFn = () => 7;
    const shaper = new Shaper(3);
    envs.register({ id: 'Kw-v0', entryPoint: (kw) => new KwargsEnv(kw), kwargs: { rewardFn, shaper, n: { a: [1] } } });
    const kw = (envs.make('Kw-v0') as unknown as { unwrapped: KwargsEnv }).unwrapped.kw;
    expect(kw.rewardFn).toBe(rewardFn);
    expect((kw.shaper as Shaper).apply(2)).toBe(6);
    // plain data is still copied: an env that mutates its kwargs leaves the spec alone
    (kw.n as { a: number[] }).a.push(2);
    expect(envs.spec('Kw-v0').kwargs.n).toEqual({ a: [1] });
  });

  it('env.spec.maxEpisodeSteps is the limit in force: make override, -1, outer TimeLimit (was: registered)', () => {
    expect(make('CartPole-v1').spec?.maxEpisodeSteps).toBe(500);
    expect(make('CartPole-v1', {}, { maxEpisodeSteps: 10 }).spec?.maxEpisodeSteps).toBe(10);
    expect(make('CartPole-v1', {}, { maxEpisodeSteps: -1 }).spec?.maxEpisodeSteps).toBeUndefined();
    const wrapped = new TimeLimit(make('CartPole-v1', {}, { maxEpisodeSteps: -1 }), 7);
    expect(wrapped.spec?.maxEpisodeSteps).toBe(7);
    expect(wrapped.spec?.id).toBe('CartPole-v1');
    // the registry's own spec is left alone
    expect(make('CartPole-v1').spec?.maxEpisodeSteps).toBe(500);
  });
});
