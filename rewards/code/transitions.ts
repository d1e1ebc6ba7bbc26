import type { Env } from '../../src/core/env.js';
import { Rng } from '../../src/core/rng.js';
import { Discrete, flatdim } from '../../src/core/spaces.js';
import { describedEnv } from './declarations.js';
import type { RewardBatchInput } from './sandbox.js';

/** Transitions collected from an env, with the episode tallies of the policy that produced them. */
export interface CollectedTransitions extends RewardBatchInput {
  prevStates: unknown[];
  nextStates: unknown[];
  episodes: number;
  successes: number;
}

function toNumbers(a: unknown): number[] {
  if (typeof a === 'number') return [a];
  if (isArrayLike(a)) return Array.from(a as ArrayLike<number>, Number);
  return [];
}
function isArrayLike(a: unknown): boolean {
  return Array.isArray(a) || ArrayBuffer.isView(a);
}

/**
 * Run a uniformly random policy (seeded) for `steps` steps, resetting at episode ends, recording states around every
 * step.
 */
export function collectTransitions(
  env: Env<unknown, unknown>,
  id: string,
  opts: { steps: number; seed: number },
): CollectedTransitions {
  const described = describedEnv(env, id);
  const rng = new Rng(opts.seed);
  const space = env.actionSpace;
  const discrete = space instanceof Discrete;
  const dim = discrete ? 1 : flatdim(space);
  const n = opts.steps;
  const out: CollectedTransitions = {
    prevStates: [],
    nextStates: [],
    actions: discrete || space.toJSON().type !== 'Box' ? new Int32Array(n * dim) : new Float32Array(n * dim),
    actionDim: dim,
    rewards: new Float32Array(n),
    terminations: new Uint8Array(n),
    truncations: new Uint8Array(n),
    success: new Uint8Array(n),
    episodeSteps: new Int32Array(n),
    messages: [],
    scalarActions: discrete,
    episodes: 0,
    successes: 0,
  };
  let episode = 0;
  env.reset({ seed: opts.seed });
  let prev = described.state();
  let t = 0;
  for (let k = 0; k < n; k++) {
    const action = space.sample(rng);
    const r = env.step(action);
    const next = described.state();
    out.prevStates.push(prev);
    out.nextStates.push(next);
    toNumbers(action).forEach((v, j) => (out.actions[k * dim + j] = v));
    out.rewards![k] = r.reward;
    out.terminations![k] = r.terminated ? 1 : 0;
    out.truncations![k] = r.truncated ? 1 : 0;
    const success = r.info.success === true;
    out.success![k] = success ? 1 : 0;
    out.episodeSteps![k] = t++;
    (out.messages as string[]).push(typeof r.info.message === 'string' ? r.info.message : '');
    if (r.terminated || r.truncated) {
      out.episodes++;
      if (success) out.successes++;
      episode++;
      env.reset({ seed: opts.seed + episode });
      t = 0;
      prev = described.state();
    } else {
      prev = next;
    }
  }
  return out;
}

function perturb(value: unknown, rng: Rng): unknown {
  if (typeof value === 'number') {
    if (rng.random() > 0.3) return value;
    const pick = rng.int(0, 5);
    return [0, -value, value * 10, value + rng.normal() * (Math.abs(value) + 1), 1e-9][pick];
  }
  if (typeof value === 'boolean') return rng.random() < 0.3 ? !value : value;
  if (Array.isArray(value)) {
    if (value.length > 0 && typeof value[0] === 'object' && rng.random() < 0.3) return [];
    return value.map((v) => perturb(v, rng));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, perturb(v, rng)]));
  }
  return value;
}

/**
 * Fuzzed copies of real transitions: numbers zeroed, negated, scaled or jittered, flags flipped, object lists emptied.
 */
export function fuzzTransitions(real: CollectedTransitions, count: number, seed: number): CollectedTransitions {
  const rng = new Rng(seed);
  const n = Math.min(count, real.prevStates.length);
  const dim = real.actionDim;
  const pick = Array.from({ length: n }, () => rng.int(0, real.prevStates.length));
  const actions = real.actions instanceof Int32Array ? new Int32Array(n * dim) : new Float32Array(n * dim);
  pick.forEach((src, k) => actions.set(real.actions.subarray(src * dim, (src + 1) * dim), k * dim));
  return {
    prevStates: pick.map((i) => perturb(real.prevStates[i], rng)),
    nextStates: pick.map((i) => perturb(real.nextStates[i], rng)),
    actions,
    actionDim: dim,
    rewards: Float32Array.from(pick, (i) => real.rewards![i]!),
    terminations: Uint8Array.from(pick, (i) => real.terminations![i]!),
    truncations: Uint8Array.from(pick, (i) => real.truncations![i]!),
    success: Uint8Array.from(pick, (i) => real.success![i]!),
    episodeSteps: Int32Array.from(pick, (i) => real.episodeSteps![i]!),
    messages: pick.map((i) => real.messages![i]!),
    scalarActions: real.scalarActions,
    episodes: 0,
    successes: 0,
  };
}
