import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PPO_PARAMS, type PpoAgent, ppoDefinition } from '../../agents/ppo.js';
import type { ParallelPpoAgent } from '../../agents/ppo-parallel.js';
import type { AgentContext } from '../../src/core/agent.js';
import { resolveParams } from '../../src/core/params.js';
import { Rng } from '../../src/core/rng.js';
import { Box, Dict, Discrete } from '../../src/core/spaces.js';
import type { AnnotatedBatch } from '../../src/stream/batch.js';
import { initBackend, setBackendLogger } from '../../src/tensor/backend.js';
import type { WeightEntry } from '../../src/tensor/params.js';

// Data-parallel PPO (agent.learnerThreads: 2) runs its second half-minibatch in a worker thread: dist/ must be built.
beforeAll(async () => {
  setBackendLogger(() => {});
  process.env.RXGYM_BACKEND = 'wasm';
  await initBackend();
});

const space = new Dict({
  blstats: new Box(0, 100, [4], 'int32'),
  glyphs_crop: new Box(0, 5, [5, 5], 'int16'),
  message: new Box(0, 255, [16], 'uint8'),
});
const ctx: AgentContext = {
  observationSpace: space,
  actionSpace: new Discrete(3),
  numEnvs: 4,
  seed: 7,
  totalSteps: 4096,
  textKeys: ['message'],
};

/** T x N random transitions of `space` with action masks (an odd row count: halves of unequal size). */
function batch(T: number, N: number, seed: number): AnnotatedBatch {
  const rng = new Rng(seed);
  const B = T * N;
  const A = 3;
  const actions = Int32Array.from({ length: B }, () => rng.int(0, A));
  const rewards = Float32Array.from({ length: B }, () => (rng.random() < 0.1 ? 1 : 0));
  const obs = () => ({
    blstats: { data: Int32Array.from({ length: B * 4 }, () => rng.int(0, 100)), shape: [4] },
    glyphs_crop: { data: Int16Array.from({ length: B * 25 }, () => rng.int(0, 6)), shape: [5, 5] },
    message: { data: Uint8Array.from({ length: B * 16 }, () => rng.int(0, 128)), shape: [16] },
  });
  return {
    numSteps: T,
    numEnvs: N,
    obs: obs(),
    nextObs: obs(),
    actions,
    actionDim: 1,
    actionMasks: Uint8Array.from({ length: B * A }, (_, i) =>
      i % A === actions[Math.floor(i / A)] ? 1 : rng.int(0, 2),
    ),
    rewards,
    terminations: Uint8Array.from({ length: B }, () => (rng.random() < 0.05 ? 1 : 0)),
    truncations: new Uint8Array(B),
    globalStep: 0,
    episodeIds: new Int32Array(B),
    episodeSteps: new Int32Array(B),
    extras: {
      logProb: Float32Array.from({ length: B }, () => -rng.random() * 2),
      value: Float32Array.from({ length: B }, () => rng.normal() * 0.1),
    },
    components: {},
    total: rewards,
    groups: { extrinsic: rewards },
    episodic: { extrinsic: true },
  } as unknown as AnnotatedBatch;
}

const cnn = { network: { glyph: { embedDim: 4, channels: [4], features: 8 }, message: { buckets: 32, features: 8 } } };
const sparse = {
  network: { glyph: { embedDim: 4, channels: [], features: 8 }, message: { buckets: 32, features: 8 } },
  kernels: 'direct',
};

/** One update (2 epochs x 2 minibatches of 21 rows) with `threads`: the weights and the update's statistics. */
async function update(given: Record<string, unknown>, threads: number) {
  const hp = resolveParams(
    'agent',
    { numMinibatches: 2, updateEpochs: 2, learnerThreads: threads, ...given },
    PPO_PARAMS,
  );
  const agent = ppoDefinition.create(hp, ctx);
  try {
    const stats = await agent.learn(batch(7, 6, 3));
    const inner = (threads > 1 ? (agent as unknown as { inner: PpoAgent }).inner : agent) as PpoAgent;
    return { weights: inner.weights(), stats };
  } finally {
    agent.dispose();
  }
}

const maxDiff = (a: WeightEntry[], b: WeightEntry[]): number => {
  let m = 0;
  a.forEach((e, i) => e.data.forEach((x, k) => (m = Math.max(m, Math.abs(x - b[i]!.data[k]!)))));
  return m;
};

describe('PPO with a data-parallel gradient on two threads (learnerThreads: 2)', () => {
  for (const [name, given] of [
    ['glyph CNN (tape)', cnn],
    ['sparse network (direct kernels)', sparse],
  ] as const) {
    it(`${name}: reruns give the same weights; one update matches one thread's within float rounding`, async () => {
      const one = await update(given, 1);
      const a = await update(given, 2);
      const b = await update(given, 2);
      expect(a.weights.map((e) => [...e.data])).toEqual(b.weights.map((e) => [...e.data]));
      expect(a.stats).toEqual(b.stats);
      expect(maxDiff(a.weights, one.weights)).toBeLessThan(1e-5);
      // the update moved the weights far more than the two ways differ
      const start = (await update({ ...given, lr: 1e-30 }, 1)).weights;
      expect(maxDiff(one.weights, start)).toBeGreaterThan(1e-4);
      for (const k of ['loss', 'policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFrac'] as const)
        expect(a.stats[k]!, k).toBeCloseTo(one.stats[k]!, 4);
    });
  }

  it('save, load and a further update: the resumed agent learns the same weights as the one that went on', async () => {
    const hp = resolveParams('agent', { numMinibatches: 2, updateEpochs: 1, learnerThreads: 2, ...cnn }, PPO_PARAMS);
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-ppo-parallel-'));
    const a = ppoDefinition.create(hp, ctx);
    const b = ppoDefinition.create(hp, { ...ctx, seed: 99 });
    try {
      await a.learn(batch(7, 6, 3));
      a.save(dir);
      await a.learn(batch(7, 6, 4));
      b.load(dir);
      await b.learn(batch(7, 6, 4));
      const w = (x: unknown) => (x as { inner: PpoAgent }).inner.weights().map((e) => [...e.data]);
      expect(w(b)).toEqual(w(a));
    } finally {
      a.dispose();
      b.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ready() resolves once the worker has started; a worker that dies first rejects it, naming it', async () => {
    const hp = resolveParams('agent', { learnerThreads: 2, ...cnn }, PPO_PARAMS);
    // ended at once, while it is still loading its modules (about 0.5 s)
    const early = ppoDefinition.create(hp, ctx) as ParallelPpoAgent;
    await early.gradientWorker.terminate();
    const agent = ppoDefinition.create(hp, ctx) as ParallelPpoAgent;
    try {
      await expect(early.ready()).rejects.toThrow(/PPO gradient worker thread \(agent.learnerThreads: 2\) failed/);
      await expect(agent.ready()).resolves.toBeUndefined();
    } finally {
      agent.dispose();
      early.dispose();
    }
  });

  it('a gradient worker that dies ends learn with an RxgymError naming it (no hang)', async () => {
    const hp = resolveParams('agent', { learnerThreads: 2, ...cnn }, PPO_PARAMS);
    const agent = ppoDefinition.create(hp, ctx) as ParallelPpoAgent;
    try {
      await agent.ready();
      await agent.gradientWorker.terminate();
      await expect(agent.learn(batch(7, 6, 3))).rejects.toThrow(
        /PPO gradient worker thread \(agent.learnerThreads: 2\)/,
      );
    } finally {
      agent.dispose();
    }
  });

  it('learnerThreads: 2 with async: true is refused, naming both', () => {
    const hp = resolveParams('agent', { learnerThreads: 2, async: true }, PPO_PARAMS);
    expect(() => ppoDefinition.create(hp, ctx)).toThrow(/agent.async and agent.learnerThreads/);
  });
});
