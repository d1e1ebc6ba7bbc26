import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Box, Discrete } from '../../src/core/spaces.js';
import type { RewardContext } from '../../src/core/reward.js';
import { type ConstraintSpec, LagrangeMultiplier } from '../../rewards/process/constraints.js';
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
      'rewards[0].constraint.rate: unknown key; known keys: threshold, kind, lr, momentum, average, kp',
    );
    expect(build({ constraint: { lr: 1 } })).toThrow(/constraint\.threshold: must be a finite number/);
    expect(build({ constraint: 0.5 })).toThrow(/rewards\[0\]\.constraint: expected \{ threshold, kind/);
    // delta bounds an episode's sum by one step's range
    expect(build({ constraint: { threshold: 0.5, kind: 'equal' }, transform: 'delta' })).not.toThrow();
  });
});

/**
 * A toy closed loop: the "policy" answers λ steeply (J* = 3 + 12·tanh(8(λ + 0.3)), from 15 down to near 0, θ = 3
 * at λ = −0.3) and moves a tenth of the way to J* each batch (it lags the multiplier). Returns J over `n` batches.
 */
function closedLoop(spec: Partial<ConstraintSpec>, n: number): number[] {
  const m = new LagrangeMultiplier('c', { threshold: 3, kind: 'equal', lr: 0.1, momentum: 0.1, ...spec }, 1, 3);
  let J = 15;
  const seen: number[] = [];
  for (let t = 0; t < n; t++) {
    const [b] = episodeBatches([[J / 2, J / 2]], 2);
    m.observe(b!.rewards, b!);
    J += 0.1 * (3 + 12 * Math.tanh(8 * (m.value + 0.3)) - J);
    seen.push(J);
  }
  return seen;
}

describe('settling the multiplier', () => {
  it('the defaults (average 1, kp 0) are the plain SGD step: the same λ as before the options existed', () => {
    const a = new LagrangeMultiplier('c', { threshold: 3, kind: 'equal', lr: 0.1, momentum: 0.1 }, 1, 3);
    const b = new LagrangeMultiplier(
      'c',
      { threshold: 3, kind: 'equal', lr: 0.1, momentum: 0.1, average: 1, kp: 0 },
      1,
      3,
    );
    for (const x of batchesWith(5, 10))
      expect(a.observe(x.rewards, x).multiplier).toBe(b.observe(x.rewards, x).multiplier);
  });

  it('average: J is the mean over the last n batches; kp: λ reacts at once to θ − J', () => {
    const m = new LagrangeMultiplier(
      'c',
      { threshold: 3, kind: 'equal', lr: 1e-9, momentum: 0, average: 2, kp: 0.1 },
      1,
      3,
    );
    const [b0] = batchesWith(1, 1);
    const [b1] = batchesWith(5, 1);
    m.observe(b0!.rewards, b0!);
    expect(m.state().error).toBeCloseTo(2, 5); // θ − 1
    const out = m.observe(b1!.rewards, b1!);
    expect(out.episodeMean).toBeCloseTo(5, 5); // the batch's own mean is still reported
    expect(m.state().error).toBeCloseTo(0, 5); // θ − (1 + 5) / 2
    const again = new LagrangeMultiplier('c', m.spec, 1, 3);
    again.restore(JSON.parse(JSON.stringify(m.state())));
    const [b2] = batchesWith(2, 1);
    expect(again.observe(b2!.rewards, b2!).multiplier).toBe(m.observe(b2!.rewards, b2!).multiplier);
  });

  it('on a lagging toy policy, a smaller lr with averaging and a proportional term settles J near θ', () => {
    const spread = (xs: number[]) => {
      const tail = xs.slice(xs.length / 2);
      const mean = tail.reduce((a, x) => a + x, 0) / tail.length;
      return { mean, sd: Math.sqrt(tail.reduce((a, x) => a + (x - mean) ** 2, 0) / tail.length) };
    };
    const plain = spread(closedLoop({}, 400));
    const settled = spread(closedLoop({ lr: 0.02, average: 4, kp: 0.05 }, 400));
    // averaging alone adds lag and swings more (lr 0.02, average 4: sd 4.2 here); the proportional term damps it
    expect(settled.sd).toBeLessThan(plain.sd / 3);
    expect(Math.abs(settled.mean - 3)).toBeLessThan(0.5);
  });
});
