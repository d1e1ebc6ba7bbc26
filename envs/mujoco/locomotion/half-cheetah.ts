import { HALF_CHEETAH_XML } from '../assets/half-cheetah.js';
import { PlanarRunnerEnv, type PlanarConfig } from './planar.js';

/** Gymnasium HalfCheetah-v5 constants. */
export const HALF_CHEETAH: PlanarConfig = {
  id: 'HalfCheetah-v0',
  xml: HALF_CHEETAH_XML,
  frameSkip: 5,
  forwardRewardWeight: 1,
  ctrlCostWeight: 0.1,
  healthyReward: 0,
  resetNoise: 0.1,
  normalVelNoise: true,
  feet: ['bfoot', 'ffoot'],
  pitchSign: 'positive = nose down (head lower than tail)',
  summary:
    'a planar two-legged cheetah (torso, head, back and front legs; 6 actuators) that should run forward; it never ' +
    'falls over terminally',
};

/** HalfCheetah-v0: obs 17 (qpos[1:] + qvel), action Box(-1, 1, 6), dt 0.05 s, never terminates. */
export class HalfCheetahEnv extends PlanarRunnerEnv {
  constructor(kwargs: Record<string, unknown> = {}, id = 'HalfCheetah-v0') {
    super({ ...HALF_CHEETAH, id }, kwargs);
  }
}
