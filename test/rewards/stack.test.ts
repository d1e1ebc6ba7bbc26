import { describe, expect, it } from 'vitest';
import { Box, Discrete } from '../../src/core/spaces.js';
import { type RewardContext } from '../../rewards/index.js';
import { RewardConfigError } from '../../rewards/registry.js';
import { scalarBatch } from './batch.js';
import { testRegistry, buildRewardStack } from '../support/registry.js';
import { buildRewardStack as buildStack } from '../../rewards/stack.js';
import { RewardRegistry } from '../../src/core/reward.js';
const ctx: RewardContext = {
  envId: 'Test-v0',
  observationSpace: new Box(-10, 10, [1]),
  actionSpace: new Discrete(4),
  numEnvs: 2,
  seed: 0,
};

// a deterministic source returning the observation value, to exercise the stack
testRegistry.rewards.register(
  'echo',
  (cfg) => ({
    name: String(cfg.name ?? 'echo'),
    kind: 'intrinsic',
    compute: (b) => Float32Array.from(b.nextObs.obs!.data),
  }),
  { options: [], defaults: { episodic: false } },
);

describe('reward stack', () => {
  it('defaults to extrinsic with weight 1', () => {
    const s = buildRewardStack(undefined, ctx);
    const b = s.annotate(
      scalarBatch(
        3,
        2,
        () => 0,
        (t, i) => t + i,
      ),
    );
    expect(Array.from(b.total)).toEqual([0, 1, 1, 2, 2, 3]);
    expect(Array.from(b.components.extrinsic!.raw)).toEqual([0, 1, 1, 2, 2, 3]);
    expect(b.episodic).toEqual({ extrinsic: true, intrinsic: true });
  });

  it('weights, groups and sums components; keeps raw and scaled', () => {
    const s = buildRewardStack(
      [
        { source: 'extrinsic', weight: 2 },
        { source: 'echo', weight: 0.5 },
      ],
      ctx,
    );
    const b = s.annotate(
      scalarBatch(
        2,
        2,
        (t, i) => t * 10 + i,
        () => 1,
      ),
    );
    expect(Array.from(b.components.echo!.raw)).toEqual([10, 11, 20, 21]);
    expect(Array.from(b.components.echo!.scaled)).toEqual([5, 5.5, 10, 10.5]);
    expect(Array.from(b.groups.extrinsic)).toEqual([2, 2, 2, 2]);
    expect(Array.from(b.total)).toEqual([7, 7.5, 12, 12.5]);
    expect(b.episodic.intrinsic).toBe(false);
  });

  it('rms divides by the running std of the per-env discounted return', () => {
    const s = buildRewardStack([{ source: 'echo', normalize: 'rms', gamma: 0.5 }], ctx);
    const batch = scalarBatch(3, 2, (t, i) => t + 1 + i);
    const b = s.annotate(batch);
    // returns, per env over time: env0 next = 2,3,4 -> R = 2, 4, 6; env1 next = 3,4,5 -> R = 3, 5.5, 7.75
    const R = [2, 3, 4, 5.5, 6, 7.75];
    const m = R.reduce((a, x) => a + x, 0) / 6;
    const v = R.reduce((a, x) => a + (x - m) ** 2, 0) / 6;
    const c0 = 1e-4,
      tot = c0 + 6;
    const varAll = (1 * c0 + v * 6 + (m * m * c0 * 6) / tot) / tot;
    const std = Math.sqrt(varAll + 1e-8);
    const raw = [2, 3, 3, 4, 4, 5];
    b.components.echo!.scaled.forEach((x, k) => expect(x).toBeCloseTo(raw[k]! / std, 5));
  });

  it('minmax, clip and decay', () => {
    const s = buildRewardStack(
      [
        { source: 'echo', name: 'mm', normalize: 'minmax' },
        { source: 'echo', name: 'clipped', clip: 2 },
        { source: 'echo', name: 'decayed', decay: { beta: 2, kappa: 0.5 } },
      ],
      ctx,
    );
    const b = s.annotate(
      scalarBatch(
        2,
        2,
        (t, i) => t * 2 + i,
        () => 0,
        1,
      ),
    );
    // next obs: [2, 3, 4, 5]
    expect(Array.from(b.components.mm!.scaled)).toEqual([0, 1 / 3, 2 / 3, 1].map((x) => Math.fround(x)));
    expect(Array.from(b.components.clipped!.scaled)).toEqual([2, 2, 2, 2]);
    // weight 2 * 0.5^(globalStep + k), globalStep = 1
    expect(Array.from(b.components.decayed!.scaled)).toEqual(
      [2, 3, 4, 5].map((x, k) => Math.fround(x * 2 * 0.5 ** (1 + k))),
    );
  });

  it('throws config errors naming the key path', () => {
    const err = (cfg: unknown, c: RewardContext = ctx) => {
      try {
        buildRewardStack(cfg as never, c);
      } catch (e) {
        expect(e).toBeInstanceOf(RewardConfigError);
        return (e as Error).message;
      }
      throw new Error('no error thrown');
    };
    expect(err([{ source: 'extrinsic' }, { source: 'extrinsik' }])).toMatch(
      /^rewards\[1\]\.source: unknown reward source "extrinsik"; did you mean "extrinsic"\?/,
    );
    expect(err([{ source: 'echo', weight: -1 }])).toMatch(/^rewards\[0\]\.weight: negative weight/);
    expect(err([{ source: 'echo', normalize: 'zscore' }])).toMatch(
      /^rewards\[0\]\.normalize: must be one of none, rms, minmax, got "zscore"/,
    );
    expect(err([{ source: 'echo', decay: { beta: 1, kappa: 1 } }])).toMatch(/^rewards\[0\]\.decay\.kappa/);
    expect(err([{ source: 'echo', wieght: 1 }])).toMatch(
      /^rewards\[0\]\.wieght: unknown option.*did you mean "weight"/,
    );
    expect(err([{ source: 'echo' }, { source: 'echo' }])).toMatch(/^rewards\[1\]\.name: duplicate/);
    expect(err(undefined, { ...ctx, llm: { baseUrl: 'not a url' } })).toMatch(
      /^llm\.baseUrl: "not a url" is not an http\(s\) URL/,
    );
  });

  it("no rewards given and a user's registry without the built-in sources: the error says why and how to fix", () => {
    const mine = new RewardRegistry();
    mine.register('mine', () => ({
      name: 'mine',
      kind: 'intrinsic',
      compute: (b) => new Float32Array(b.rewards.length),
    }));
    // was: 'rewards[0].source: unknown reward source "extrinsic" (known: mine)', a key the scenario never had
    expect(() => buildStack(undefined, ctx, mine)).toThrow(
      /^rewards: not given, so the run trains on the env reward \(source "extrinsic"\), which this registry lacks; /,
    );
    expect(() => buildStack(undefined, ctx, mine)).toThrow(/registerAllSources\(registry\.rewards\)/);
    expect(buildStack([{ source: 'mine' }], ctx, mine).componentNames).toEqual(['mine']);
  });

  it('a registration or factory that breaks the contract (plain JS) is a clear error, not a TypeError', () => {
    const mine = new RewardRegistry();
    expect(() => mine.register('nofn', 42 as never)).toThrow(
      'reward source "nofn": the factory must be a function (cfg, ctx) => RewardSource, got number',
    );
    mine.register('undef', (() => undefined) as never);
    mine.register('nocompute', (() => ({ name: 'nocompute', kind: 'intrinsic' })) as never);
    expect(() => buildStack([{ source: 'undef' }], ctx, mine)).toThrow(
      'rewards[0]: the factory of source "undef" returned undefined instead of a RewardSource',
    );
    expect(() => buildStack([{ source: 'nocompute' }], ctx, mine)).toThrow(
      'rewards[0]: the factory of source "nocompute" returned an object without compute() instead of a RewardSource',
    );
  });

  it('allows negative extrinsic weight (penalty flip) and summarises components', () => {
    const s = buildRewardStack([{ source: 'extrinsic', weight: -1 }], ctx);
    const b = s.annotate(
      scalarBatch(
        1,
        2,
        () => 0,
        () => 3,
      ),
    );
    expect(Array.from(b.total)).toEqual([-3, -3]);
  });
});
