import { RxgymError } from '../../src/core/env.js';

/**
 * Transforms of one episode's step-wise rewards (a process reward model's score per step), from Gao et al. 2024
 * ("On Designing Effective RL Reward at Training Time for LLM Reasoning"): a raw PRM score added per step gets
 * hacked by policies that repeat correct but unnecessary steps, because every extra step adds reward. Both fixes
 * bound what any trajectory can collect: `clip` makes every step reward <= 0, `delta` makes the rewards from step k
 * on sum to the score of step k. They compose (`deltaStepRewards(clipStepRewards(r, eta))`). Potential-based
 * shaping (Ng et al. 1999) is the third bounded form. Each takes the values of one episode and returns a new array.
 */

/** Clip (Gao et al. 2024): r̃ₖ = min(rₖ − η, 0): steps scored at least η get 0, worse ones a penalty. */
export function clipStepRewards(rewards: ArrayLike<number>, eta: number): Float32Array {
  checkValues('clipStepRewards', 'rewards', rewards, "one episode's step rewards");
  if (typeof eta !== 'number' || !Number.isFinite(eta)) {
    const why = 'the threshold in min(r - eta, 0)';
    throw new RxgymError(`clipStepRewards: eta must be a finite number (${why}), got ${show(eta)}`);
  }
  const out = new Float32Array(rewards.length);
  for (let k = 0; k < rewards.length; k++) out[k] = Math.min(rewards[k]! - eta, 0);
  return out;
}

/**
 * Delta (Gao et al. 2024): r̃ₖ = rₖ − rₖ₊₁, and the last step keeps its own value, so the rewards from step k to
 * the end sum to rₖ: repeating a step no longer adds reward.
 */
export function deltaStepRewards(rewards: ArrayLike<number>): Float32Array {
  checkValues('deltaStepRewards', 'rewards', rewards, "one episode's step rewards");
  const n = rewards.length;
  const out = new Float32Array(n);
  for (let k = 0; k < n - 1; k++) out[k] = rewards[k]! - rewards[k + 1]!;
  if (n > 0) out[n - 1] = rewards[n - 1]!;
  return out;
}

/**
 * Potential-based shaping (Ng et al. 1999): Fₖ = γ·Φ(sₖ₊₁) − Φ(sₖ) for the T steps of an episode, from the
 * potentials `phi` = Φ(s₀), …, Φ(s_T) of every state it visited (T + 1 values, the start included). When the
 * episode `terminated`, the final state's potential counts as 0 (so the optimal policy is unchanged and, for γ = 1,
 * the shaping sums to −Φ(s₀)); a truncated episode keeps Φ(s_T).
 */
export function shapeStepRewards(phi: ArrayLike<number>, gamma: number, terminated = true): Float32Array {
  checkValues('shapeStepRewards', 'phi', phi, 'the potentials of one episode, its first state included');
  if (phi.length === 0) {
    throw new RxgymError('shapeStepRewards: phi is empty; pass T + 1 potentials for an episode of T steps (s0 too)');
  }
  if (typeof gamma !== 'number' || !(gamma >= 0 && gamma <= 1)) {
    throw new RxgymError(`shapeStepRewards: gamma must be a number in [0, 1] (the discount), got ${show(gamma)}`);
  }
  if (typeof terminated !== 'boolean') {
    throw new RxgymError(`shapeStepRewards: terminated must be a boolean, got ${show(terminated)}`);
  }
  const steps = phi.length - 1;
  const out = new Float32Array(steps);
  for (let k = 0; k < steps; k++) {
    const next = terminated && k === steps - 1 ? 0 : phi[k + 1]!;
    out[k] = gamma * next - phi[k]!;
  }
  return out;
}

function checkValues(fn: string, name: string, values: ArrayLike<number>, what: string): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new RxgymError(`${fn}: ${name} must be an array of numbers (${what}), got ${show(values)}`);
  }
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RxgymError(`${fn}: ${name}[${k}] is ${show(v)}; ${what} must be finite numbers`);
    }
  }
}

function show(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v;
}
