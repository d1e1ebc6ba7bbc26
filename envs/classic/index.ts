import { register } from '../../src/core/registry.js';
import { CartPoleEnv } from './cartpole.js';

/** Register the classic-control reference envs with Gymnasium's limits and thresholds. */
export function registerClassic(): void {
  register({ id: 'CartPole-v1', entryPoint: (kw) => new CartPoleEnv(kw), maxEpisodeSteps: 500, rewardThreshold: 475, family: 'classic' });
}

export { CartPoleEnv };
