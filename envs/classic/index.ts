import { envRegistry, type EnvRegistry } from '../../src/core/registry.js';
import { AcrobotEnv } from './acrobot.js';
import { CartPoleEnv } from './cartpole.js';
import { MountainCarEnv } from './mountain-car.js';
import { PendulumEnv } from './pendulum.js';

/** Where worker threads find this registrar: they import this module and call it with their env registry. */
const source = { module: import.meta.url, export: 'registerClassic' };

/** Register the classic-control reference envs into `envs`, with Gymnasium's episode limits and reward thresholds. */
export function registerClassic(envs: EnvRegistry = envRegistry): void {
  const family = 'classic';
  envs.register({
    id: 'CartPole-v1',
    entryPoint: (kw) => new CartPoleEnv(kw),
    maxEpisodeSteps: 500,
    rewardThreshold: 475,
    family,
    source,
  });
  envs.register({
    id: 'MountainCar-v0',
    entryPoint: (kw) => new MountainCarEnv(kw),
    maxEpisodeSteps: 200,
    rewardThreshold: -110,
    family,
    source,
  });
  envs.register({ id: 'Pendulum-v1', entryPoint: (kw) => new PendulumEnv(kw), maxEpisodeSteps: 200, family, source });
  envs.register({
    id: 'Acrobot-v1',
    entryPoint: (kw) => new AcrobotEnv(kw),
    maxEpisodeSteps: 500,
    rewardThreshold: -100,
    family,
    source,
  });
}

export { AcrobotEnv, CartPoleEnv, MountainCarEnv, PendulumEnv };
