import type { FrameRequest, FrameSource } from '../../src/core/capabilities.js';
import { capabilitiesOf } from '../../src/core/capabilities.js';
import { RxgymError, type Env, type RgbFrame } from '../../src/core/env.js';
import type { EnvRegistry } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import type { Space } from '../../src/core/spaces.js';
import { unwrap } from '../../src/core/wrapper.js';
import { expertFor } from './experts.js';
import type { FrameBatch } from '../../src/stream/batch.js';

/** What a played episode step left: its frame (in the returned FrameBatch), state, success and episode/step. */
export interface PlayedStep {
  episode: number;
  step: number;
  state: unknown;
  success: boolean | undefined;
}

/** Chooses an action from the observation and the state (random, scripted, a trained agent). */
export type PlayPolicy = (obs: unknown, state: unknown, rng: Rng) => unknown;

/** Options of `playEpisodes`. */
export interface PlayOptions {
  envs: EnvRegistry;
  envId: string;
  frames: FrameRequest;
  episodes: number;
  seed: number;
  policy: PlayPolicy | 'random' | 'expert' | 'mixed';
  /** Builds the policy from the env once it is made (a trained agent needs its spaces); overrides `policy`. */
  makePolicy?: (env: Env<unknown, unknown>) => PlayPolicy;
  /** Cap on steps per episode (default: the env's own limit). */
  maxSteps?: number;
  kwargs?: Record<string, unknown>;
}

/** The state an env reports (`state()`), or for the arena its position from the observation. */
function stateOf(env: Env<unknown, unknown>, obs: unknown): unknown {
  const base = unwrap(env) as unknown as { state?: () => unknown; size?: number };
  if (typeof base.state === 'function') return base.state();
  const o = obs as ArrayLike<number>;
  return { x: o[0], y: o[1], size: base.size };
}

/** A random policy over `space`. */
export function randomPolicy(space: Space<unknown>): PlayPolicy {
  return (_obs, _state, rng) => space.sample(rng);
}

/**
 * A named policy: `random`, `expert` (the env's scripted expert, reading `state()`), or `mixed` (blocks of 16 steps
 * alternating expert and random, so that frames near and far from the goal both occur).
 */
export function namedPolicy(kind: string, envId: string, space: Space<unknown>): PlayPolicy {
  if (kind === 'random') return randomPolicy(space);
  if (kind !== 'expert' && kind !== 'mixed')
    throw new RxgymError(`unknown policy "${kind}"; use random, expert or mixed`);
  const expert = expertFor(envId);
  if (kind === 'expert') return (_o, state) => expert(state);
  let t = 0;
  return (_o, state, rng) => ((t++ >> 4) % 2 === 0 ? expert(state) : space.sample(rng));
}

/**
 * Play `episodes` episodes of one env and keep every step's frame (the state after the step), state and success:
 * frames in one buffer, states as the env reports them. For `rxgym vlm score/frames/pretrain`, not for training.
 */
export function playEpisodes(o: PlayOptions): { frames: FrameBatch; steps: PlayedStep[] } {
  const env = o.envs.make(o.envId, o.kwargs ?? {});
  try {
    if (!capabilitiesOf(env).frames) {
      throw new RxgymError(
        `${o.envId} cannot render frames (it declares no \`frames\` capability); VLM rewards need an env that ` +
          `renders: MuJoCo, Dungeon-*, Explore-Arena-v0, MountainCar-v0`,
      );
    }
    (unwrap(env) as unknown as FrameSource).requestFrames(o.frames);
    const rng = new Rng(o.seed);
    const policy = o.makePolicy
      ? o.makePolicy(env)
      : typeof o.policy === 'string'
        ? namedPolicy(o.policy, o.envId, env.actionSpace)
        : o.policy;
    const size = o.frames.width * o.frames.height * 3;
    const chunks: Uint8Array[] = [];
    const steps: PlayedStep[] = [];
    for (let e = 0; e < o.episodes; e++) {
      let { obs } = env.reset({ seed: o.seed + e });
      let state = stateOf(env, obs);
      for (let t = 0; o.maxSteps === undefined || t < o.maxSteps; t++) {
        const r = env.step(policy(obs, state, rng));
        obs = r.obs;
        state = stateOf(env, obs);
        const f = r.info.frame as RgbFrame | undefined;
        if (!f) throw new RxgymError(`${o.envId} returned no info.frame after requestFrames`);
        chunks.push(f.data.slice(0, size));
        const success = r.info.success === undefined ? undefined : r.info.success === true;
        steps.push({ episode: e, step: t, state, success });
        if (r.terminated || r.truncated) break;
      }
    }
    const data = new Uint8Array(chunks.length * size);
    chunks.forEach((c, i) => data.set(c, i * size));
    return { frames: { width: o.frames.width, height: o.frames.height, count: chunks.length, data }, steps };
  } finally {
    env.close();
  }
}
