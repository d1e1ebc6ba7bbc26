import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRewardStack, testRegistry } from '../support/registry.js';
import { makeVec } from '../../src/core/vector/sync.js';
import { Rollout } from '../../src/stream/rollout.js';
import type { Policy } from '../../src/stream/policy.js';
import type { RewardContext } from '../../src/core/reward.js';
import type { VectorEnv } from '../../src/core/vector/types.js';
import { initBackend } from '../../src/tensor/backend.js';
import { builtinEncoder } from '../../rewards/vlm/builtin/encoder.js';

/** Force (-1, 1): from the centre to the top left corner. */
const drift: Policy = {
  act: (_o, n) => ({ actions: Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? -1 : 1)) }),
} as Policy;

function ctxOf(vec: VectorEnv, envId: string): RewardContext {
  return {
    envId,
    observationSpace: vec.singleObservationSpace,
    actionSpace: vec.singleActionSpace,
    numEnvs: vec.numEnvs,
    seed: 0,
    capabilities: vec.capabilities,
  };
}

function arena(numEnvs = 2, maxEpisodeSteps = 40): VectorEnv {
  return makeVec('Explore-Arena-v0', { numEnvs, autoresetMode: 'same-step', envs: testRegistry.envs, maxEpisodeSteps });
}

beforeAll(async () => {
  await initBackend();
});

describe('source: vlm in the reward stack', () => {
  it('scores every frame of a rollout with the built-in encoder; moving to the goal corner raises the reward', () => {
    const vec = arena();
    const stack = buildRewardStack(
      [{ source: 'vlm', goal: 'the dot is in the top left', alpha: 0.5 }],
      ctxOf(vec, 'Explore-Arena-v0'),
    );
    try {
      expect(stack.needsFrames).toEqual({ width: 48, height: 48 });
      const r = new Rollout(vec, drift, 40, { seed: 1, frames: stack.needsFrames });
      const out = stack.annotate(r.collect());
      const raw = out.components.vlm!.raw;
      expect(raw.length).toBe(80);
      expect(raw.every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
      // the drift takes the dot from the centre to the top left corner
      const early = (raw[0]! + raw[1]!) / 2,
        late = (raw[76]! + raw[77]!) / 2;
      expect(late).toBeGreaterThan(early);
    } finally {
      stack.dispose();
      vec.close();
    }
  });

  it('every: k leaves unscored rows at 0, and the tensor count stays flat over batches', () => {
    const vec = arena(2, 10);
    const stack = buildRewardStack(
      [{ source: 'vlm', goal: 'the dot is in the centre', every: 4 }],
      ctxOf(vec, 'Explore-Arena-v0'),
    );
    try {
      const r = new Rollout(vec, drift, 10, { seed: 1, frames: stack.needsFrames });
      stack.annotate(r.collect());
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        const b = r.collect();
        const raw = stack.annotate(b).components.vlm!.raw;
        for (let k = 0; k < raw.length; k++) {
          const scored = (b.episodeSteps[k]! + 1) % 4 === 0 || b.truncations[k] === 1;
          expect(raw[k] !== 0).toBe(scored);
        }
      }
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      stack.dispose();
      vec.close();
    }
  });

  it('bad input: empty goal, bad alpha, unknown encoder or option, an env that cannot render, a bad camera', () => {
    const vec = arena();
    const ctx = ctxOf(vec, 'Explore-Arena-v0');
    const cart = makeVec('CartPole-v1', { numEnvs: 1, autoresetMode: 'same-step', envs: testRegistry.envs });
    try {
      expect(() => buildRewardStack([{ source: 'vlm', goal: '' }], ctx)).toThrow(
        /rewards\[0\]\.goal: must be a non-empty sentence/,
      );
      expect(() => buildRewardStack([{ source: 'vlm' }], ctx)).toThrow(/rewards\[0\]\.goal: missing/);
      expect(() => buildRewardStack([{ source: 'vlm', goal: 'x', alpha: 2 }], ctx)).toThrow(
        /rewards\[0\]\.alpha: must be a number in \[0, 1\]/,
      );
      expect(() => buildRewardStack([{ source: 'vlm', goal: 'x', encoder: 'clip' }], ctx)).toThrow(
        /rewards\[0\]\.encoder: unknown encoder "clip".*builtin, onnx:<dir>, http/,
      );
      expect(() => buildRewardStack([{ source: 'vlm', goal: 'x', alfa: 1 }], ctx)).toThrow(
        /rewards\[0\]\.alfa: unknown option.*did you mean "alpha"/,
      );
      expect(() => buildRewardStack([{ source: 'vlm', goal: 'x', every: 0 }], ctx)).toThrow(
        /rewards\[0\]\.every: must be a positive integer .*"episode-end"/,
      );
      expect(() => buildRewardStack([{ source: 'vlm', goal: 'x' }], ctxOf(cart, 'CartPole-v1'))).toThrow(
        /CartPole-v1 cannot render frames/,
      );
      expect(() => buildRewardStack([{ source: 'vlm', goal: 'x', camera: 'side' }], ctx)).toThrow(
        /rewards\[0\]\.camera: unknown camera "side".*"top"/,
      );
      expect(() => buildRewardStack([{ source: 'vlm', goal: 'x', encoder: 'onnx:/nope' }], ctx)).toThrow(
        /does not exist.*vision_model\.onnx/,
      );
    } finally {
      vec.close();
      cart.close();
    }
  });

  it('the built-in encoder loads the shipped weights and gives unit embeddings', async () => {
    const enc = builtinEncoder();
    try {
      const t = await enc.embedTexts([
        'a dot in an arena: the dot is in the top right',
        'a dungeon: the player is next to the stairs',
      ]);
      expect(t.length).toBe(2 * enc.dim);
      let n = 0;
      for (let j = 0; j < enc.dim; j++) n += t[j]! * t[j]!;
      expect(n).toBeCloseTo(1, 4);
    } finally {
      enc.dispose();
    }
  });
});
