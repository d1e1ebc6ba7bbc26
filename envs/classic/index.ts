import { register } from '../../src/core/registry.js';
import { AcrobotEnv } from './acrobot.js';
import { CartPoleEnv } from './cartpole.js';
import { MountainCarEnv } from './mountain-car.js';
import { PendulumEnv } from './pendulum.js';

/** Register the classic-control reference envs with Gymnasium's episode limits and reward thresholds. */
export function registerClassic(): void {
  register({ id: 'CartPole-v1', entryPoint: (kw) => new CartPoleEnv(kw), maxEpisodeSteps: 500, rewardThreshold: 475, family: 'classic' });
  register({ id: 'MountainCar-v0', entryPoint: (kw) => new MountainCarEnv(kw), maxEpisodeSteps: 200, rewardThreshold: -110, family: 'classic' });
  register({ id: 'Pendulum-v1', entryPoint: (kw) => new PendulumEnv(kw), maxEpisodeSteps: 200, family: 'classic' });
  register({ id: 'Acrobot-v1', entryPoint: (kw) => new AcrobotEnv(kw), maxEpisodeSteps: 500, rewardThreshold: -100, family: 'classic' });
}

export { AcrobotEnv, CartPoleEnv, MountainCarEnv, PendulumEnv };
