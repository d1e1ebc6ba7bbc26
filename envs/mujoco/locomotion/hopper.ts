import { HOPPER_XML } from '../assets/hopper.js';
import { PlanarRunnerEnv, type PlanarConfig } from './planar.js';

/** Gymnasium Hopper-v5 constants. */
export const HOPPER: PlanarConfig = {
  id: 'Hopper-v0',
  xml: HOPPER_XML,
  frameSkip: 4,
  forwardRewardWeight: 1,
  ctrlCostWeight: 1e-3,
  healthyReward: 1,
  healthyZ: [0.7, Infinity],
  healthyAngle: [-0.2, 0.2],
  healthyStateRange: 100,
  resetNoise: 5e-3,
  normalVelNoise: false,
  obsVelClip: 10,
  feet: ['foot_geom'],
  pitchSign: 'positive = leaning backward',
  summary: 'a one-legged planar hopper (torso, thigh, leg, foot; 3 actuators) that should hop forward without falling',
};

/** Hopper-v0: obs 11 (qpos[1:] + clip(qvel, ±10)), action Box(-1, 1, 3), dt 0.008 s. */
export class HopperEnv extends PlanarRunnerEnv {
  constructor(kwargs: Record<string, unknown> = {}, id = 'Hopper-v0') {
    super({ ...HOPPER, id }, kwargs);
  }
}
