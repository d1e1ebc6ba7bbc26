import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerAll } from '../../envs/index.js';
import { make } from '../../src/core/registry.js';
import { makeVec } from '../../src/core/vector/sync.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import { initBackend, setBackendLogger } from '../../src/tensor/backend.js';
import { Rollout } from '../../src/stream/rollout.js';
import { extrinsicAnnotator } from '../../src/stream/extrinsic.js';
import { resolveParams } from '../../src/core/params.js';
import type { AnnotatedBatch, TransitionBatch } from '../../src/stream/batch.js';
import { PpoAgent, PPO_PARAMS } from '../../agents/ppo.js';
import { DqnAgent, DQN_PARAMS } from '../../agents/dqn.js';
import { SacAgent, SAC_PARAMS } from '../../agents/sac.js';
import { gaussianLogProb } from '../../agents/distributions.js';

beforeAll(async () => {
  setBackendLogger(() => {});
  await initBackend();
  registerAll();
});

const tmp = (): string => mkdtempSync(join(tmpdir(), 'rxgym-ag-'));
const obsOf = (rows: number[][]) => ({ obs: { data: Float32Array.from(rows.flat()), shape: [rows[0]!.length] } });

function banditBatch(n: number): AnnotatedBatch {
  // one-step episodes: action 1 pays 1, action 0 pays 0
  const actions = Int32Array.from({ length: n }, (_, i) => i % 2);
  const rewards = Float32Array.from(actions, (a) => a);
  const b: TransitionBatch = {
    numSteps: n,
    numEnvs: 1,
    obs: obsOf(Array.from({ length: n }, () => [1, 0])),
    nextObs: obsOf(Array.from({ length: n }, () => [1, 0])),
    actions,
    actionDim: 1,
    rewards,
    terminations: new Uint8Array(n).fill(1),
    truncations: new Uint8Array(n),
    globalStep: 0,
    episodeIds: new Int32Array(n),
    episodeSteps: new Int32Array(n),
    extras: { logProb: new Float32Array(n).fill(Math.log(0.5)), value: new Float32Array(n) },
  };
  return extrinsicAnnotator().annotate(b);
}

describe('PPO', () => {
  it('raises the probability of the better action on a hand-made bandit batch', () => {
    const ctx = {
      observationSpace: new Box(-1, 1, [2]),
      actionSpace: new Discrete(2),
      numEnvs: 1,
      seed: 1,
      totalSteps: 1e6,
    };
    const ppo = new PpoAgent(
      resolveParams(
        'agent',
        { lr: 0.01, numMinibatches: 1, updateEpochs: 4, network: { hidden: [8] } },
        PPO_PARAMS,
      ) as never,
      ctx,
    );
    const count = (): number => {
      let ones = 0;
      for (let i = 0; i < 200; i++) ones += ppo.act(obsOf([[1, 0]]), 1).actions[0]!;
      return ones;
    };
    const before = count();
    const stats = ppo.learn(banditBatch(64));
    expect(stats.policyLoss).toBeLessThan(0.01);
    for (let i = 0; i < 5; i++) ppo.learn(banditBatch(64));
    expect(count()).toBeGreaterThan(before + 40);
    ppo.dispose();
  });

  it('never samples a masked action', () => {
    const ctx = {
      observationSpace: new Box(-1, 1, [2]),
      actionSpace: new Discrete(4),
      numEnvs: 2,
      seed: 3,
      totalSteps: 1,
    };
    const ppo = new PpoAgent(resolveParams('agent', {}, PPO_PARAMS) as never, ctx);
    const mask = Uint8Array.from([0, 1, 0, 1, 1, 0, 0, 0]);
    for (let i = 0; i < 50; i++) {
      const { actions } = ppo.act(
        obsOf([
          [0, 1],
          [1, 0],
        ]),
        2,
        { actionMask: mask },
      );
      expect([1, 3]).toContain(actions[0]);
      expect(actions[1]).toBe(0);
    }
    ppo.dispose();
  });

  it('continuous: clipped env actions, log-probabilities of the stored (unclipped) actions', () => {
    const env = make('Pendulum-v1');
    const ctx = {
      observationSpace: env.observationSpace,
      actionSpace: env.actionSpace,
      numEnvs: 4,
      seed: 2,
      totalSteps: 1,
    };
    const ppo = new PpoAgent(resolveParams('agent', { logStdInit: 1 }, PPO_PARAMS) as never, ctx);
    const out = ppo.act(
      obsOf([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [1, 1, 1],
      ]),
      4,
    );
    const box = env.actionSpace as Box;
    for (const a of out.envActions!) {
      expect(a).toBeGreaterThanOrEqual(box.low[0]!);
      expect(a).toBeLessThanOrEqual(box.high[0]!);
    }
    const greedy = ppo.act(
      obsOf([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [1, 1, 1],
      ]),
      4,
      { deterministic: true },
    );
    for (let r = 0; r < 4; r++) {
      expect(out.extras!.logProb![r]).toBeCloseTo(gaussianLogProb(out.actions, r, greedy.actions, r, [1], 1), 4);
    }
    ppo.dispose();
    env.close();
  });

  it('save/load round-trip: the loaded agent acts and learns exactly like the saved one', () => {
    const vec = makeVec('CartPole-v1', { numEnvs: 2, autoresetMode: 'same-step' });
    const ctx = {
      observationSpace: vec.singleObservationSpace,
      actionSpace: vec.singleActionSpace,
      numEnvs: 2,
      seed: 4,
      totalSteps: 1e5,
    };
    const hp = resolveParams('agent', { numSteps: 16, numMinibatches: 2, updateEpochs: 1 }, PPO_PARAMS) as never;
    const a = new PpoAgent(hp, ctx);
    const r = new Rollout(vec, a, 16, { seed: 1 });
    const batch = extrinsicAnnotator().annotate(r.collect());
    a.learn(batch);
    const dir = tmp();
    a.save(dir);
    const b = new PpoAgent(hp, { ...ctx, seed: 99 });
    b.load(dir);
    expect(b.learn(batch)).toEqual(a.learn(batch));
    expect([...b.act(batch.obs, 32).actions]).toEqual([...a.act(batch.obs, 32).actions]);
    a.dispose();
    b.dispose();
    vec.close();
  });
});

describe('DQN and SAC', () => {
  it('DQN: linear epsilon schedule, n-step returns into replay, learning after learningStarts', () => {
    const ctx = {
      observationSpace: new Box(-1, 1, [2]),
      actionSpace: new Discrete(2),
      numEnvs: 1,
      seed: 1,
      totalSteps: 1000,
    };
    const dqn = new DqnAgent(
      resolveParams(
        'agent',
        { nStep: 3, gamma: 0.5, learningStarts: 4, trainFrequency: 2, batchSize: 2, network: { hidden: [4] } },
        DQN_PARAMS,
      ) as never,
      ctx,
    );
    expect(dqn.epsilon(0)).toBe(1);
    expect(dqn.epsilon(250)).toBeCloseTo(0.525, 6);
    expect(dqn.epsilon(900)).toBe(0.05);
    const n = 6;
    const b = banditBatch(n);
    b.terminations.fill(0);
    b.terminations[5] = 1;
    b.rewards.set([1, 1, 1, 1, 1, 1]);
    const stats = dqn.learn(b);
    expect(stats.bufferSize).toBe(6);
    expect(stats.updates).toBe(1);
    const buf = (dqn as unknown as { buffer: { rewards: Float32Array; discounts: Float32Array; dones: Uint8Array } })
      .buffer;
    expect(buf.rewards[0]).toBeCloseTo(1.75, 6);
    expect(buf.discounts[0]).toBeCloseTo(0.125, 6);
    expect(buf.rewards[5]).toBeCloseTo(1, 6);
    expect(buf.dones[5]).toBe(1);
    dqn.dispose();
  });

  it('SAC: actions inside the Box, updates after learningStarts, save/load round-trip', () => {
    const env = make('Pendulum-v1');
    const ctx = {
      observationSpace: env.observationSpace,
      actionSpace: env.actionSpace,
      numEnvs: 1,
      seed: 5,
      totalSteps: 1000,
    };
    const hp = resolveParams(
      'agent',
      { learningStarts: 8, batchSize: 4, bufferSize: 100, network: { hidden: [8] } },
      SAC_PARAMS,
    ) as never;
    const sac = new SacAgent(hp, ctx);
    const vec = makeVec('Pendulum-v1', { numEnvs: 1, autoresetMode: 'same-step' });
    const r = new Rollout(vec, sac, 4, { seed: 2 });
    const ann = extrinsicAnnotator();
    let stats: Record<string, number> = {};
    for (let i = 0; i < 4; i++) stats = sac.learn(ann.annotate(r.collect()));
    expect(stats.qUpdates).toBe(8);
    expect(Number.isFinite(stats.qLoss)).toBe(true);
    expect(stats.alpha).not.toBe(0.2);
    const out = sac.act(r.batch.obs, 4);
    for (const a of out.actions) {
      expect(Math.abs(a)).toBeLessThanOrEqual(2);
    }
    const b = ann.annotate(r.collect());
    const dir = tmp();
    sac.save(dir);
    const other = new SacAgent(hp, { ...ctx, seed: 77 });
    other.load(dir);
    expect([...other.act(b.obs, 4, { deterministic: true }).actions]).toEqual([
      ...sac.act(b.obs, 4, { deterministic: true }).actions,
    ]);
    expect(other.learn(b)).toEqual(sac.learn(b));
    sac.dispose();
    other.dispose();
    vec.close();
    env.close();
  });
});
