import { describe, expect, it } from 'vitest';
import { Box, Discrete } from '../../src/core/spaces.js';
import type { RewardContext } from '../../src/core/reward.js';
import { BatchStepTransform } from '../../rewards/process/step-transform.js';
import { clipStepRewards, deltaStepRewards } from '../../rewards/process/transforms.js';
import { buildRewardStack, testRegistry } from '../support/registry.js';
import { concat, episodeBatches, episodeSums } from './support.js';

const ctx: RewardContext = {
  envId: 'Test-v0',
  observationSpace: new Box(-10, 10, []),
  actionSpace: new Discrete(2),
  numEnvs: 1,
  seed: 0,
};
// a step-wise source whose value per step is the observation (so tests choose the scores)
testRegistry.rewards.register(
  'steps',
  (cfg) => ({
    name: String(cfg.name ?? 'steps'),
    kind: 'process',
    stepRange: [0, 1],
    episodeRange: [0, Infinity],
    compute: (b) => Float32Array.from(b.nextObs.obs!.data),
  }),
  { options: [] },
);

const scores = [
  [0.2, 0.5, 0.9, 0.4, 0.7, 0.1, 0.6],
  [0.3, 0.8],
  [0.9, 0.9, 0.9, 0.9],
];
const lengths = scores.map((e) => e.length);

describe('step transforms in the stack, batch after batch', () => {
  for (const T of [3, 4, 16]) {
    it(`delta: each episode sums to its first step's score whatever the batch length (T = ${T})`, () => {
      const tr = new BatchStepTransform({ kind: 'delta', eta: 0, gamma: 0.99 }, 1);
      const out = concat(episodeBatches(scores, T).map((b) => tr.apply(b.rewards, b)));
      episodeSums(out, lengths).forEach((s, e) => expect(s).toBeCloseTo(scores[e]![0]!, 5));
      if (T === 16) {
        // no episode crosses a batch: exactly the per-episode function
        expect(out.slice(0, 7)).toEqual(Array.from(deltaStepRewards(Float32Array.from(scores[0]!))));
      }
    });
  }

  it('clip and clip+delta: never above 0; clip+delta sums to the clipped first score', () => {
    const clip = new BatchStepTransform({ kind: 'clip', eta: 0.5, gamma: 0.99 }, 1);
    const both = new BatchStepTransform({ kind: 'clip+delta', eta: 0.5, gamma: 0.99 }, 1);
    const batches = episodeBatches(scores, 3);
    const c = concat(batches.map((b) => clip.apply(b.rewards, b)));
    expect(c.slice(0, 7)).toEqual(Array.from(clipStepRewards(Float32Array.from(scores[0]!), 0.5)));
    const cd = concat(batches.map((b) => both.apply(b.rewards, b)));
    episodeSums(cd, lengths).forEach((s, e) => expect(s).toBeCloseTo(Math.min(scores[e]![0]! - 0.5, 0), 5));
  });

  it('shaping: gamma * phi(next) - phi(now), phi = 0 at the start and after the end; sums to 0 for gamma 1', () => {
    const tr = new BatchStepTransform({ kind: 'shaping', eta: 0, gamma: 1 }, 1);
    const out = concat(episodeBatches(scores, 3).map((b) => tr.apply(b.rewards, b)));
    episodeSums(out, lengths).forEach((s) => expect(s).toBeCloseTo(0, 5));
    const g = new BatchStepTransform({ kind: 'shaping', eta: 0, gamma: 0.9 }, 1);
    const o2 = concat(episodeBatches([[0.5, 0.2, 1]], 2).map((b) => g.apply(b.rewards, b)));
    [0.9 * 0.5, 0.9 * 0.2 - 0.5, -0.2].forEach((v, k) => expect(o2[k]).toBeCloseTo(v, 6));
  });

  it("the stack applies a component's transform before weighting it", () => {
    const stack = buildRewardStack([{ source: 'steps', transform: 'clip', eta: 0.6, weight: 2 }], ctx);
    const b = stack.annotate(episodeBatches([[0.2, 0.9, 0.5]], 3)[0]!);
    expect(Array.from(b.components.steps!.raw).map((x) => +x.toFixed(5))).toEqual([-0.4, 0, -0.1]);
    expect(Array.from(b.total).map((x) => +x.toFixed(5))).toEqual([-0.8, 0, -0.2]);
    stack.dispose();
  });

  it('bad transforms get clear errors naming the key', () => {
    expect(() => buildRewardStack([{ source: 'steps', transform: 'clamp' }], ctx)).toThrow(
      'rewards[0].transform: unknown transform "clamp"; use one of clip, delta, clip+delta, shaping',
    );
    expect(() => buildRewardStack([{ source: 'steps', transform: 'clip' }], ctx)).toThrow(
      /^rewards\[0\]\.eta: transform clip needs eta, a finite number/,
    );
    expect(() => buildRewardStack([{ source: 'steps', eta: 0.5 }], ctx)).toThrow(
      /^rewards\[0\]\.eta: is the threshold of transform clip; add transform: clip/,
    );
    expect(() => buildRewardStack([{ source: 'steps', transform: 'delta', eta: 0.5 }], ctx)).toThrow(
      'rewards[0].eta: transform delta takes no eta (only clip and clip+delta do)',
    );
  });
});

describe('the filter key', () => {
  it('ranks episodes by the component, one filter a stack, with clear errors', () => {
    const stack = buildRewardStack([{ source: 'steps', filter: { strategy: 'top', keep: 1 } }], ctx);
    expect(stack.filtered).toBe(true);
    // one env, problem ids absent: all episodes ending in the batch form one group; the best scores 0.9 + 0.9
    const b = stack.annotate(episodeBatches([[0.1, 0.2], [0.9, 0.9], [0.5]], 5)[0]!);
    expect(Array.from(b.filter!.keep)).toEqual([0, 0, 1, 1, 0]);
    expect(b.filter!.stats['filter.keptEpisodes']).toBeCloseTo(1 / 3, 6);
    stack.dispose();
    expect(() => buildRewardStack([{ source: 'steps', filter: { strategy: 'median' } }], ctx)).toThrow(
      'rewards[0].filter.strategy: must be one of best-worst, best-random, top, got "median"',
    );
    expect(() => buildRewardStack([{ source: 'steps', filter: { keep: 0 } }], ctx)).toThrow(
      /rewards\[0\]\.filter\.keep: must be a positive integer/,
    );
    expect(() =>
      buildRewardStack(
        [
          { source: 'steps', filter: {} },
          { source: 'steps', name: 'b', filter: {} },
        ],
        ctx,
      ),
    ).toThrow(/^rewards\[1\]\.filter: only one component can filter the batch \(rewards\[0\] already does\)/);
  });
});
