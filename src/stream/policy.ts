import type { Rng } from '../core/rng.js';
import type { ObsBatch } from './batch.js';

/** How to act: greedy/mean actions for evaluation, and the discrete action mask (`count x n`, 1 = allowed). */
export interface ActOptions {
  deterministic?: boolean;
  actionMask?: Uint8Array;
  /**
   * Set by evaluation with sampled actions: they draw from this stream instead of the agent's own, and the agent's
   * acting state (its random stream, DQN's exploration schedule, SAC's warm-up count) stays as it was, so evaluating
   * does not change what training does next (and a run evaluated every 10k steps trains as one never evaluated).
   */
  evalRng?: Rng;
}

/**
 * What a policy returns for `count` observations: the actions to record (`count` or `count x actionDim` values),
 * optionally different actions to send to the env (e.g. clipped to the Box bounds), and per-transition extras
 * (log-probabilities, values) that the rollout stores in the batch.
 */
export interface PolicyOutput {
  actions: Int32Array | Float32Array;
  envActions?: Int32Array | Float32Array;
  extras?: Record<string, Float32Array>;
}

/** Anything that maps a batch of observations to actions. Agents are policies. */
export interface Policy {
  act(obs: ObsBatch, count: number, opts?: ActOptions): PolicyOutput;
}
