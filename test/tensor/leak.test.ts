import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Box, Discrete } from '../../src/core/spaces.js';
import { initBackend, setBackendLogger } from '../../src/tensor/backend.js';
import { extrinsicAnnotator } from '../../src/stream/extrinsic.js';
import type { TransitionBatch } from '../../src/stream/batch.js';
import { PpoAgent, PPO_PARAMS } from '../../agents/ppo.js';
import { DqnAgent, DQN_PARAMS } from '../../agents/dqn.js';
import { resolveParams } from '../../src/core/params.js';

function batch(T: number, N: number): TransitionBatch {
  const n = T * N;
  const obs = new Float32Array(n * 3).map((_, i) => Math.sin(i));
  return {
    numSteps: T,
    numEnvs: N,
    obs: { obs: { data: obs, shape: [3] } },
    nextObs: { obs: { data: obs.map((x) => x * 0.9), shape: [3] } },
    actions: new Int32Array(n).map((_, i) => i % 2),
    actionDim: 1,
    rewards: new Float32Array(n).fill(1),
    terminations: Uint8Array.from({ length: n }, (_, i) => (i === 1 ? 1 : 0)),
    truncations: Uint8Array.from({ length: n }, (_, i) => (i === 2 ? 1 : 0)),
    globalStep: 0,
    episodeIds: new Int32Array(n),
    episodeSteps: new Int32Array(n),
    extras: { logProb: new Float32Array(n).fill(Math.log(0.5)), value: new Float32Array(n) },
  };
}

/** The context of the tiny agents below: Box(3) observations, two actions, two envs. */
const agentContext = (totalSteps: number) => ({
  observationSpace: new Box(-1, 1, [3]),
  actionSpace: new Discrete(2),
  numEnvs: 2,
  seed: 1,
  totalSteps,
});

describe('no tensor leaks', () => {
  it('tf.memory().numTensors is the same after 1000 updates as after 10 (PPO; DQN every 5th; tiny nets)', async () => {
    setBackendLogger(() => {});
    await initBackend();
    const ctx = agentContext(1e9);
    const ppo = new PpoAgent(
      resolveParams(
        'agent',
        { numSteps: 2, numMinibatches: 1, updateEpochs: 1, network: { hidden: [4] } },
        PPO_PARAMS,
      ) as never,
      ctx,
    );
    const dqn = new DqnAgent(
      resolveParams(
        'agent',
        {
          numSteps: 2,
          batchSize: 4,
          learningStarts: 0,
          trainFrequency: 4,
          targetNetworkFrequency: 8,
          network: { hidden: [4] },
        },
        DQN_PARAMS,
      ) as never,
      ctx,
    );
    const ann = extrinsicAnnotator();
    const b = ann.annotate(batch(2, 2));
    const obs = b.obs;
    const counts: number[] = [];
    for (let i = 1; i <= 1000; i++) {
      ppo.act(obs, 2);
      ppo.learn(b);
      if (i % 5 === 0) {
        dqn.act(obs, 2);
        dqn.learn(b);
      }
      if (i === 10 || i === 1000) counts.push(tf.memory().numTensors);
    }
    expect(counts[1]).toBe(counts[0]);
    ppo.dispose();
    dqn.dispose();
  });

  it('an agent built and disposed leaves no tensor behind (its initial weights included)', async () => {
    setBackendLogger(() => {});
    await initBackend();
    const ctx = agentContext(1e4);
    const before = tf.memory().numTensors;
    const ppo = new PpoAgent(resolveParams('agent', { network: { hidden: [4] } }, PPO_PARAMS) as never, ctx);
    ppo.dispose();
    const dqn = new DqnAgent(resolveParams('agent', { network: { hidden: [4] } }, DQN_PARAMS) as never, ctx);
    dqn.dispose();
    // was: 16 tensors more (one per variable: the tensor it was created from)
    expect(tf.memory().numTensors).toBe(before);
  });
});
