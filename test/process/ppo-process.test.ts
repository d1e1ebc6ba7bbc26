import { beforeAll, describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/core/params.js';
import type { RewardContext } from '../../src/core/reward.js';
import { makeVec } from '../../src/core/vector/sync.js';
import { Rollout } from '../../src/stream/rollout.js';
import { initBackend } from '../../src/tensor/backend.js';
import { PpoAgent, PPO_PARAMS } from '../../agents/ppo.js';
import { mixAdvantages } from '../../agents/ppo-process.js';
import { buildRewardStack, testRegistry } from '../support/registry.js';

beforeAll(async () => {
  await initBackend();
});

describe('constraint advantages', () => {
  it('(C - Σλ)·norm(A_task) + Σ λᵢ·norm(Aᵢ)', () => {
    const task = Float32Array.of(1, 2, 3),
      c1 = Float32Array.of(3, 2, 1);
    const n = [-1, 0, 1]; // both normalise to ±1 around their mean (sample std 1)
    const out = mixAdvantages(task, [c1], [0.25]);
    n.forEach((x, k) => expect(out[k]).toBeCloseTo(0.75 * x - 0.25 * x, 6));
    // no constraints: C - Σλ = 0 (PPO never calls it so; its task advantage stays as it is)
    for (const x of mixAdvantages(task, [], [])) expect(x).toBeCloseTo(0, 9);
  });
});

function setup(rewards: Record<string, unknown>[], hp: Record<string, unknown>) {
  const venv = makeVec('Reason-Arith-v0', {
    numEnvs: 4,
    autoresetMode: 'same-step',
    kwargs: { difficulty: 1, repeat: 4 },
    envs: testRegistry.envs,
  });
  const ctx: RewardContext = {
    envId: 'Reason-Arith-v0',
    observationSpace: venv.singleObservationSpace,
    actionSpace: venv.singleActionSpace,
    numEnvs: 4,
    seed: 1,
    capabilities: venv.capabilities,
  };
  const stack = buildRewardStack(rewards as never, ctx);
  const agent = new PpoAgent(resolveParams('agent', { numSteps: 32, ...hp }, PPO_PARAMS), {
    observationSpace: venv.singleObservationSpace,
    actionSpace: venv.singleActionSpace,
    numEnvs: 4,
    seed: 2,
    totalSteps: 10_000,
    tokenKeys: venv.capabilities.tokenKeys,
    constraints: stack.constraintNames,
  });
  const ro = new Rollout(venv, agent, 32, { seed: 3 });
  return { venv, stack, agent, ro };
}

describe('PPO with process rewards', () => {
  it('a constraint gets its own value head and its advantage is mixed in', () => {
    const { venv, stack, agent, ro } = setup(
      [{ source: 'extrinsic' }, { source: 'prm', model: 'oracle', name: 'steps', constraint: { threshold: 3 } }],
      {},
    );
    const b = stack.annotate(ro.collect());
    expect(b.extras!.value!.length).toBe(32 * 4 * 2); // task head + one constraint head
    const stats = agent.learn(b);
    expect(Number.isFinite(stats.loss)).toBe(true);
    expect(Number.isFinite(stats.valueLoss)).toBe(true);
    const { constraints: _c, ...bare } = b;
    expect(() => agent.learn(bare)).toThrow(/ppo.learn: the batch lacks constraint "steps"/);
    agent.dispose();
    stack.dispose();
    venv.close();
  });

  it('PF-PPO: the filter keeps episodes per problem by score and reports R² of kept and all', () => {
    const { venv, stack, agent, ro } = setup([{ source: 'orm', labelFraction: 1, filter: { keep: 2 } }], {});
    const b = stack.annotate(ro.collect());
    const stats = agent.learn(b);
    expect(stats['filter.episodes']).toBeGreaterThan(4);
    expect(stats['filter.keptEpisodes']).toBeGreaterThan(0);
    expect(stats['filter.keptEpisodes']).toBeLessThan(1);
    expect(stats['filter.keptRows']).toBeLessThan(1);
    expect(Number.isFinite(stats.loss)).toBe(true);
    expect(b.filter!.keep.some((x) => x === 0)).toBe(true);
    agent.dispose();
    stack.dispose();
    venv.close();
  });
});
