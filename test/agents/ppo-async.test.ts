import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PPO_PARAMS, ppoDefinition } from '../../agents/ppo.js';
import { resolveParams } from '../../src/core/params.js';
import { Rng } from '../../src/core/rng.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import type { AnnotatedBatch } from '../../src/stream/batch.js';
import { initBackend, setBackendLogger } from '../../src/tensor/backend.js';

// The learner thread runs compiled JS (dist/agents/ppo-learner-worker.js): build first (npx tsc -p tsconfig.json).
beforeAll(async () => {
  setBackendLogger(() => {});
  await initBackend();
});

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A batch of T x N random transitions of a 4-float observation and 2 actions. */
function batch(T: number, N: number, seed: number): AnnotatedBatch {
  const rng = new Rng(seed);
  const B = T * N;
  const obs = () => ({ obs: { data: Float32Array.from({ length: B * 4 }, () => rng.normal()), shape: [4] } });
  const rewards = Float32Array.from({ length: B }, () => (rng.random() < 0.5 ? 1 : 0));
  return {
    numSteps: T,
    numEnvs: N,
    obs: obs(),
    nextObs: obs(),
    actions: Int32Array.from({ length: B }, () => rng.int(0, 2)),
    actionDim: 1,
    rewards,
    terminations: Uint8Array.from({ length: B }, () => (rng.random() < 0.05 ? 1 : 0)),
    truncations: new Uint8Array(B),
    globalStep: 0,
    episodeIds: new Int32Array(B),
    episodeSteps: new Int32Array(B),
    extras: { logProb: new Float32Array(B).fill(Math.log(0.5)), value: new Float32Array(B) },
    components: {},
    total: rewards,
    groups: { extrinsic: rewards, intrinsic: new Float32Array(B) },
    episodic: { extrinsic: true, intrinsic: true },
  } as unknown as AnnotatedBatch;
}

describe('asynchronous PPO (agent.async: the learner in a worker thread)', () => {
  const ctx = {
    observationSpace: new Box(-5, 5, [4]),
    actionSpace: new Discrete(2),
    numEnvs: 4,
    seed: 3,
    totalSteps: 1e5,
  };
  const make = () => ppoDefinition.create(resolveParams('agent', { async: true, numSteps: 16 }, PPO_PARAMS), ctx);

  it('a learner thread that dies before it started rejects ready() and learn, naming it (no hang)', async () => {
    const agent = make();
    try {
      // ended at once, while it is still loading its modules (about 0.5 s)
      await (agent as unknown as { worker: Worker }).worker.terminate();
      await expect(agent.ready!()).rejects.toThrow(/the PPO learner thread failed: it exited with code \d/);
      await expect(agent.learn(batch(16, 4, 1))).rejects.toThrow(/the PPO learner thread failed/);
    } finally {
      agent.dispose();
    }
  });

  it('hands each batch to the learner and reports the previous update; the policy lags by at most one', async () => {
    const agent = make();
    try {
      const first = await agent.learn(batch(16, 4, 1));
      expect(first).toEqual({});
      const second = await agent.learn(batch(16, 4, 2));
      // batch 1 was collected and trained with the initial weights: no lag
      expect(second).toMatchObject({ policyLag: 0, policyLagSgdSteps: 0, epochs: 4 });
      expect(Number.isFinite(second.loss)).toBe(true);
      const third = await agent.learn(batch(16, 4, 3));
      // batch 2 was collected with the initial weights and trained after update 1: one update (4 x 4 SGD steps)
      expect(third).toMatchObject({ policyLag: 1, policyLagSgdSteps: 16 });
      const out = agent.act(batch(1, 4, 4).obs, 4);
      expect(out.actions).toHaveLength(4);
    } finally {
      agent.dispose();
    }
  });

  it('checkpoints the learner (after the update in flight) and restores learner and policy', async () => {
    const a = make();
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-async-'));
    dirs.push(dir);
    try {
      await a.learn(batch(16, 4, 1));
      await a.learn(batch(16, 4, 2));
      a.save(dir);
      const b = make();
      const c = ppoDefinition.create(resolveParams('agent', { numSteps: 16 }, PPO_PARAMS), ctx);
      try {
        b.load(dir);
        c.loadWeights(dir);
        // b acts with the weights the learner saved (two updates): those a synchronous agent loads from the checkpoint
        const probe = batch(1, 4, 9).obs;
        expect(b.act(probe, 4).extras!.value).toEqual(c.act(probe, 4).extras!.value);
        expect(a.act(probe, 4).extras!.value).not.toEqual(c.act(probe, 4).extras!.value);
      } finally {
        b.dispose();
        c.dispose();
      }
    } finally {
      a.dispose();
    }
  });
});
