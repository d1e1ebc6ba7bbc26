import { existsSync, statSync } from 'node:fs';
import { capabilitiesOf } from '../core/capabilities.js';
import { type Env, RxgymError } from '../core/env.js';
import { Discrete, type TypedArray } from '../core/spaces.js';
import type { VecObs, VectorEnv } from '../core/vector/types.js';
import type { PlayPolicy } from '../../rewards/vlm/play.js';
import { expertFor } from '../../rewards/vlm/experts.js';
import { UsageError } from './usage.js';
import { checkpointPolicy } from './watch.js';

/** What `--policy` of `rxgym vlm` names: a scripted/random policy, or a trained run to play. */
export type VlmPolicyChoice =
  | { kind: 'random' | 'expert' | 'mixed' }
  | { kind: 'run'; agent: string; kwargs: Record<string, unknown>; make: (env: Env<unknown, unknown>) => PlayPolicy };

/** One env's observation as the observation batch of a single-env vector. */
function asVecObs(obs: unknown): VecObs {
  if (typeof obs === 'number') return Float32Array.of(obs);
  if (ArrayBuffer.isView(obs)) return obs as TypedArray;
  const out: Record<string, TypedArray> = {};
  for (const [k, v] of Object.entries(obs as Record<string, unknown>))
    out[k] = typeof v === 'number' ? Float32Array.of(v) : (v as TypedArray);
  return out;
}

/**
 * `--policy random|expert|mixed|<run dir>`: a run directory (or one of its checkpoints) plays the agent of its latest
 * checkpoint, loaded as `rxgym watch --policy` loads it (src/train's checkpoints); its env must be `envId`.
 */
export async function vlmPolicy(flag: string, envId: string): Promise<VlmPolicyChoice> {
  if (flag === 'expert' || flag === 'mixed') {
    // an env without a scripted expert is a wrong --policy, said before any frame is played
    try {
      expertFor(envId);
    } catch (e) {
      if (e instanceof RxgymError) throw new UsageError(`--policy ${flag}: ${e.message}`);
      throw e;
    }
  }
  if (flag === 'random' || flag === 'expert' || flag === 'mixed') return { kind: flag };
  if (!existsSync(flag) || !statSync(flag).isDirectory()) {
    throw new UsageError(
      `--policy "${flag}" is neither random, expert or mixed nor a run directory; give one of those, e.g. ` +
        '--policy runs/reach-ppo-...',
    );
  }
  const ck = await checkpointPolicy(flag, envId);
  return {
    kind: 'run',
    agent: ck.agent,
    kwargs: ck.envKwargs,
    make: (env) => {
      // the checkpoint's agent acts on a batch of one env
      const one = {
        singleObservationSpace: env.observationSpace,
        singleActionSpace: env.actionSpace,
        numEnvs: 1,
        capabilities: capabilitiesOf(env),
      } as unknown as VectorEnv;
      const act = ck.policy(one);
      const discrete = env.actionSpace instanceof Discrete;
      return (obs) => {
        const a = act(asVecObs(obs));
        return discrete ? Number(a[0]) : Float32Array.from(a as ArrayLike<number>);
      };
    },
  };
}
