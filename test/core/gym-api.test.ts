import { describe, expect, it } from 'vitest';
import {
  Box,
  checkEnv,
  Dict,
  Discrete,
  flatten,
  make,
  MultiBinary,
  RecordEpisodeStatistics,
  MultiDiscrete,
  Rng,
  RxgymError,
  SyncVectorEnv,
  Text,
  TimeLimit,
  Tuple,
  Wrapper,
  type Env,
  type RenderMode,
  type ResetOptions,
  type ResetResult,
  type Space,
  type StepResult,
  type TypedArray,
} from './support/core.js';
import { EnvRegistry } from '../../src/core/registry.js';

/** A one-step env that keeps the kwargs it was built with. */
class KwargsEnv implements Env<TypedArray, number> {
  readonly observationSpace: Space<TypedArray> = new Box(0, 1, [1]);
  readonly actionSpace = new Discrete(2);
  readonly metadata = { renderModes: [] as RenderMode[] };
  constructor(readonly kw: Record<string, unknown>) {}
  reset(_opts?: ResetOptions): ResetResult<TypedArray> {
    return { obs: new Float32Array(1), info: {} };
  }
  step(_action?: number): StepResult<TypedArray> {
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

  it('maxEpisodeSteps passed as a kwarg (Gymnasium: make(id, max_episode_steps=10)) names the make option', () => {
    expect(() => make('CartPole-v1', { maxEpisodeSteps: 10 })).toThrow(
      'CartPole-v1: unknown kwarg "maxEpisodeSteps"; known kwargs: renderMode, suttonBartoReward; maxEpisodeSteps is ' +
        'an option of make, not an env kwarg: make(id, kwargs, { maxEpisodeSteps: ... })',
    );
    // other errors of an entry point pass through unchanged
    expect(() => make('CartPole-v1', { nope: 1 })).toThrow(/unknown kwarg "nope"; known kwargs: [a-zA-Z, ]+$/);
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

describe('Gymnasium API: space masks', () => {
  it('null inside a Tuple, Dict or MultiDiscrete mask means no mask for that part (was: a TypeError)', () => {
    const rng = new Rng(0);
    const tuple = new Tuple([new Discrete(2), new Discrete(3), new MultiDiscrete([2, 2])]);
    for (let i = 0; i < 20; i++) {
      const [a, b, c] = tuple.sample(rng, [[0, 1], null, [null, [1, 0]]]) as [number, number, Int32Array];
      expect(a).toBe(1);
      expect(tuple.spaces[1]!.contains(b)).toBe(true);
      expect(c[1]).toBe(0);
    }
    const dict = new Dict({ a: new Discrete(3), b: new Box(0, 1, [2]) });
    expect(dict.sample(rng, { a: [0, 0, 1], b: null }).a).toBe(2);
    expect(new Discrete(4).contains(new Discrete(4).sample(rng, null))).toBe(true);
  });

  it('a mask that does not fit the space is an RxgymError naming it (was: silently unmasked)', () => {
    const rng = new Rng(0);
    // one component's mask missing: the second component was sampled without its mask
    expect(() => new MultiDiscrete([2, 3]).sample(rng, [[0, 1]])).toThrow(
      'MultiDiscrete([2, 3]).sample: mask has 1 entries for 2 components; pass one 0/1 mask (or null) per component',
    );
    // a misspelt key: the mask was ignored
    expect(() => new Dict({ action: new Discrete(3) }).sample(rng, { actoin: [0, 0, 1] })).toThrow(
      'Dict{action: Discrete(3)}.sample: mask key "actoin" is not a key of the space; pass an object whose keys are ' +
        'among action',
    );
    expect(() => new Tuple([new Discrete(2), new Discrete(2)]).sample(rng, [[1, 0]])).toThrow(RxgymError);
    // Box and Text take no mask (Gymnasium raises for a Box mask); it was ignored
    expect(() => new Box(0, 1, [2]).sample(rng, [1, 0])).toThrow(
      'Box(0, 1, [2], float32).sample: takes no mask, got [1, 0]; leave it out (or null)',
    );
    expect(() => new Dict({ b: new Box(0, 1, [1]) }).sample(rng, { b: [1] })).toThrow(RxgymError);
    expect(() => new Text(3).sample(rng, [1])).toThrow(RxgymError);
  });

  it('a Discrete mask entry other than 0/1 is an RxgymError (was: probabilities sampled uniformly)', () => {
    const rng = new Rng(0);
    expect(() => new Discrete(2).sample(rng, [0.2, 0.8])).toThrow(
      'Discrete(2).sample: mask [0.2, 0.8] has entry 0.2 at 0; entries are 1 (allowed) or 0 (not allowed)',
    );
    expect(() => new Discrete(3).sample(rng, [0, -1, 0])).toThrow(RxgymError);
    expect(new Discrete(3).sample(rng, new Uint8Array([0, 0, 1]))).toBe(2);
    expect(new Discrete(3).sample(rng, [false, true, false] as unknown as number[])).toBe(1);
  });
});

describe('Gymnasium API: flatten', () => {
  it('a value outside its sub-space is an RxgymError (was: its one-hot written into the next part)', () => {
    const pair = new Tuple([new Discrete(2), new Discrete(2)]);
    expect(Array.from(flatten(pair, [1, 0]))).toEqual([0, 1, 1, 0]);
    // was [0, 0, 1, 0]: the one-hot of 3 fell into the second part's slots and was wiped there
    expect(() => flatten(pair, [3, 0])).toThrow(
      'flatten(Discrete(2), 3): the value is outside the space; flatten takes elements of the space (check the env ' +
        'against its observationSpace with checkEnv)',
    );
    expect(() => flatten(new MultiDiscrete([2, 2]), new Int32Array([0, 2]))).toThrow(RxgymError);
    // a Box part of the wrong length shifted every later part
    const mixed = new Dict({ pos: new Box(0, 1, [2]), k: new Discrete(2) });
    expect(() => flatten(mixed, { pos: new Float32Array(1), k: 1 })).toThrow(/flatten\(Box\(0, 1, \[2\], float32\)/);
  });
});

describe('Gymnasium API: checkEnv', () => {
  it('a NaN reward is reported once, by the step check, not also as nondeterminism (was: "NaN vs NaN")', () => {
    class NanReward extends KwargsEnv {
      override step() {
        return { ...super.step(), reward: Number.NaN };
      }
    }
    const findings = checkEnv(new NanReward({}));
    expect(findings.filter((f) => f.check === 'step').map((f) => f.message)).toEqual([
      'step() reward NaN is not finite',
    ]);
    expect(findings.filter((f) => f.check === 'determinism')).toEqual([]);
  });
});

describe('Gymnasium API: RecordEpisodeStatistics', () => {
  it("an info key the env already sets is an RxgymError, as Gymnasium asserts (was: the env's value lost)", () => {
    class EpisodeInfo extends KwargsEnv {
      override step() {
        return { ...super.step(), info: { episode: 41 } };
      }
    }
    const env = new RecordEpisodeStatistics(new EpisodeInfo({}));
    env.reset();
    expect(() => env.step(0)).toThrow(
      'RecordEpisodeStatistics: info already holds "episode"; pass another key, e.g. ' +
        "new RecordEpisodeStatistics(env, { statsKey: 'episodeStats' })",
    );
    const renamed = new RecordEpisodeStatistics(new EpisodeInfo({}), { statsKey: 'episodeStats' });
    renamed.reset();
    const r = renamed.step(0);
    expect(r.info.episode).toBe(41);
    expect((r.info.episodeStats as { l: number }).l).toBe(1);
  });
});

describe('Gymnasium API: Wrapper', () => {
  it('a wrapper sets its spaces and metadata in its constructor, as in Gymnasium (was: TypeError, getter only)', () => {
    class DoubleObs extends Wrapper<TypedArray, number> {
      constructor(env: Env<TypedArray, number>) {
        super(env);
        this.observationSpace = new Box(-10, 10, [4]);
        this.actionSpace = new Discrete(2, 0);
        this.metadata = { renderModes: [] };
      }
      override reset(opts?: { seed?: number }) {
        const r = this.env.reset(opts);
        return { obs: r.obs.map((x) => x * 2), info: r.info };
      }
    }
    const inner = make<TypedArray, number>('CartPole-v1');
    const env = new DoubleObs(inner);
    expect(String(env.observationSpace)).toBe('Box(-10, 10, [4], float32)');
    expect(env.metadata.renderModes).toEqual([]);
    expect(String(inner.observationSpace)).not.toBe(String(env.observationSpace));
    expect(env.observationSpace.contains(env.reset({ seed: 0 }).obs)).toBe(true);
    // a wrapper that sets nothing still forwards the inner env's
    expect(new Wrapper(inner).observationSpace).toBe(inner.observationSpace);
    expect(new Wrapper(inner).metadata).toBe(inner.metadata);
  });
});

describe('Gymnasium API: integer Box bounds', () => {
  it('samples stay inside an integer Box with fractional bounds (was: 0 sampled from [0.5, 2.5])', () => {
    const rng = new Rng(0);
    const box = new Box(0.5, 2.5, [64], 'int32');
    expect([box.low[0], box.high[0]]).toEqual([1, 2]);
    expect(box.contains(box.sample(rng))).toBe(true);
    expect(() => new Box(0.2, 0.8, [1], 'int8')).toThrow(RxgymError);
  });

  it("bounds outside the dtype's range are an RxgymError, as in Gymnasium (was: accepted)", () => {
    expect(() => new Box(-1, 300, [2], 'uint8')).toThrow(
      'Box(-1, 300, [2], uint8): bounds [-1, 300] at 0 exceed the range of uint8; keep them within [0, 255] or ' +
        'choose a wider dtype',
    );
    // infinite bounds stay allowed: they mean the whole range
    expect(String(new Box(-Infinity, Infinity, [1], 'int8'))).toBe('Box(-inf, inf, [1], int8)');
    expect(String(new Box(0, 255, [1], 'uint8'))).toBe('Box(0, 255, [1], uint8)');
  });
});

describe('Gymnasium API: Text', () => {
  it('a charset with characters outside the BMP samples whole characters its contains() accepts', () => {
    const rng = new Rng(0);
    const text = new Text(3, 1, '😀ab');
    for (let i = 0; i < 50; i++) {
      const s = text.sample(rng);
      // was: half a surrogate pair per character, and '😀😀' (4 UTF-16 units) longer than maxLength 3
      expect(text.contains(s)).toBe(true);
    }
    expect(text.contains('😀😀😀')).toBe(true);
    expect(text.contains('😀😀😀a')).toBe(false);
    expect(String(text)).toBe('Text(1..3, charset of 3)');
  });
});

describe('Gymnasium API: sample without a generator', () => {
  it('space.sample() (the Gymnasium idiom) is an RxgymError naming the fix (was: a TypeError from inside)', () => {
    const spaces = [
      new Discrete(2),
      new Box(0, 1, [2]),
      new MultiDiscrete([2]),
      new Text(2),
      new Tuple([new Discrete(2)]),
    ];
    for (const space of spaces) {
      expect(() => (space as unknown as { sample(): unknown }).sample()).toThrow(
        `${String(space)}.sample: needs an Rng, got no generator; pass one, e.g. space.sample(new Rng(0))`,
      );
    }
    expect(() => new Dict({ a: new Discrete(2) }).sample(0 as never)).toThrow(/needs an Rng, got 0;/);
  });
});

describe('Gymnasium API: vector env', () => {
  it('a plain-array sub-env observation is refused with the reason (was: "an array of 4, expected 4 values")', () => {
    class ArrayObs extends KwargsEnv {
      override readonly observationSpace: Space<TypedArray> = new Box(0, 9, [4]);
      override reset() {
        return { obs: [1, 2, 3, 4] as unknown as TypedArray, info: {} };
      }
    }
    const venv = new SyncVectorEnv([() => new ArrayObs({})]);
    expect(() => venv.reset()).toThrow(
      'sub-env 0 returned an observation an array of 4, expected a typed array of 4 values (e.g. Float32Array)',
    );
  });
});

describe('Gymnasium API: space constructors', () => {
  it('arguments of the wrong kind are RxgymErrors naming the fix (were TypeErrors, or a silent empty space)', () => {
    const bad = (f: () => unknown) => () => f();
    // a bare number was MultiDiscrete([]), a space of no components
    expect(bad(() => new MultiDiscrete(3 as never))).toThrow(
      'MultiDiscrete(3): nvec must be an array of sizes, e.g. [3, 4]; for one size use Discrete(n)',
    );
    expect(bad(() => new MultiDiscrete(undefined as never))).toThrow(RxgymError);
    expect(bad(() => new MultiDiscrete([2.5, 3]))).toThrow('nvec[0] must be a positive integer, got 2.5');
    expect(bad(() => new Box(0, 1, 3 as never))).toThrow('shape must be an array of positive integers, e.g. [3]');
    expect(bad(() => new Box(undefined as never, 1, [2]))).toThrow('low must be a number or numbers, got undefined');
    expect(bad(() => new Box('0' as never, 1, [2]))).toThrow(RxgymError);
    expect(bad(() => new Tuple(new Discrete(2) as never))).toThrow('Tuple: takes an array of sub-spaces');
    expect(bad(() => new Tuple([3 as never]))).toThrow('Tuple: entry 0 is 3, not a space; give e.g. new Discrete(2)');
    expect(bad(() => new Dict({ a: 3 } as never))).toThrow('Dict: key "a" holds 3, not a space');
    expect(bad(() => new Dict([new Discrete(2)] as never))).toThrow('Dict: takes an object of named sub-spaces');
    // the right kinds still build
    expect(String(new MultiDiscrete(new Int32Array([2, 3]), [1, 0]))).toBe('MultiDiscrete([2, 3], start=[1, 0])');
    expect(String(new Box(new Float64Array([0, 0]), [1, 2]))).toBe('Box(0, [1, 2], [2], float32)');
    expect(String(new Dict({ t: new Tuple([new MultiBinary(2)]) }))).toBe('Dict{t: Tuple(MultiBinary([2]))}');
  });
});
