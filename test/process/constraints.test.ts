import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Box, Discrete } from '../../src/core/spaces.js';
import type { RewardContext } from '../../src/core/reward.js';
import { LagrangeMultiplier } from '../../rewards/process/constraints.js';
import { buildRewardStack, testRegistry } from '../support/registry.js';
import { episodeBatches } from './support.js';

const ctx: RewardContext = {
  envId: 'Test-v0',
  observationSpace: new Box(-10, 10, []),
  actionSpace: new Discrete(2),
  numEnvs: 1,
  seed: 0,
};
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

/** Batches of episodes of 4 steps whose values sum to `J` each. */
const batchesWith = (J: number, count: number) =>
  episodeBatches(
    Array.from({ length: count }, () => [J / 4, J / 4, J / 4, J / 4]),
    8,
  );

describe('Lagrange multipliers', () => {
  it('atLeast: lambda = sigmoid(p) rises while the episodic value is below the threshold, falls above it', () => {
    const m = new LagrangeMultiplier('c', { threshold: 0.8, kind: 'atLeast', lr: 1, momentum: 0.1 }, 1, 3);
    const start = m.value;
    expect(start).toBeGreaterThan(0.45);
    expect(start).toBeLessThan(0.55);
    const seen: number[] = [];
    for (const b of batchesWith(0.2, 20)) seen.push(m.observe(b.rewards, b).multiplier);
    expect(seen.every((x, i) => i === 0 || x > seen[i - 1]!)).toBe(true);
    expect(m.lastMean).toBeCloseTo(0.2, 5);
    const up = m.value;
    for (const b of batchesWith(2, 20)) m.observe(b.rewards, b);
    expect(m.value).toBeLessThan(up);
    expect(m.value).toBeGreaterThan(0);
  });

  it('equal: lambda = tanh(p) goes negative when the value is above the threshold (the policy is pushed down)', () => {
    const m = new LagrangeMultiplier('c', { threshold: 0.5, kind: 'equal', lr: 1, momentum: 0 }, 1, 3);
    for (const b of batchesWith(1.5, 20)) m.observe(b.rewards, b);
    expect(m.value).toBeLessThan(-0.3);
    expect(m.value).toBeGreaterThan(-1);
  });

  it('a batch in which no episode ended leaves lambda as it was', () => {
    const m = new LagrangeMultiplier('c', { threshold: 0.8, kind: 'atLeast', lr: 1, momentum: 0.1 }, 1, 3);
    const [b] = episodeBatches([[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]], 8);
    const out = m.observe(b!.rewards, b!);
    expect(out.episodeMean).toBeUndefined();
    expect(out.multiplier).toBe(m.value);
  });
});

describe('constraint components in the stack', () => {
  it('stay out of the total and travel in batch.constraints with their multiplier; saved and restored', () => {
    const cfg = [{ source: 'extrinsic' }, { source: 'steps', name: 'c', constraint: { threshold: 2, lr: 0.5 } }];
    const stack = buildRewardStack(cfg, ctx);
    expect(stack.constraintNames).toEqual(['c']);
    const batches = batchesWith(1, 12);
    const out = stack.annotate(batches[0]!);
    expect(Array.from(out.total)).toEqual(Array.from(batches[0]!.rewards)); // extrinsic only
    const c = out.constraints![0]!;
    expect(c).toMatchObject({ name: 'c', kind: 'atLeast', threshold: 2, episodeMean: 1 });
    expect(Array.from(c.rewards)).toEqual(Array.from(batches[0]!.rewards));
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-cons-'));
    stack.save(dir);
    const again = buildRewardStack(cfg, ctx);
    again.load(dir);
    for (const b of batches.slice(1, 4)) {
      expect(again.annotate(b).constraints![0]!.multiplier).toBe(stack.annotate(b).constraints![0]!.multiplier);
    }
    expect(stack.annotate(batches[4]!).constraints![0]!.multiplier).toBeGreaterThan(c.multiplier);
    stack.dispose();
    again.dispose();
  });

  it('bad constraints get clear errors', () => {
    const build = (c: Record<string, unknown>) => () => buildRewardStack([{ source: 'steps', ...c }], ctx);
    expect(build({ constraint: { threshold: 1 }, weight: 2 })).toThrow(
      /^rewards\[0\]\.weight: a constraint is not a term of the weighted total.*; drop weight/,
    );
    expect(build({ constraint: { threshold: -1 } })).toThrow(
      "rewards[0].constraint.threshold: -1 is out of the component's range: its episodic value lies in " +
        '[0, Infinity]; give a threshold strictly inside it',
    );
    expect(build({ constraint: { threshold: 0.5 }, transform: 'clip', eta: 0.5 })).toThrow(
      /threshold: 0.5 is out of the component's range: its episodic value lies in \[-Infinity, 0\]/,
    );
    expect(build({ constraint: { threshold: 0.5, kind: 'atMost' } })).toThrow(
      'rewards[0].constraint.kind: must be "atLeast" or "equal", got "atMost"',
    );
    expect(build({ constraint: { threshold: 0.5, rate: 1 } })).toThrow(
      'rewards[0].constraint.rate: unknown key; known keys: threshold, kind, lr, momentum',
    );
    expect(build({ constraint: { lr: 1 } })).toThrow(/constraint\.threshold: must be a finite number/);
    expect(build({ constraint: 0.5 })).toThrow(/rewards\[0\]\.constraint: expected \{ threshold, kind/);
    // delta bounds an episode's sum by one step's range
    expect(build({ constraint: { threshold: 0.5, kind: 'equal' }, transform: 'delta' })).not.toThrow();
  });
});
