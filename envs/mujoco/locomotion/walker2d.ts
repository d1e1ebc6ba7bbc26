import { WALKER2D_XML } from '../assets/walker2d.js';
import { PlanarRunnerEnv, type PlanarConfig } from './planar.js';

/** Gymnasium Walker2d-v5 constants. */
export const WALKER2D: PlanarConfig = {
  id: 'Walker2d-v0',
  xml: WALKER2D_XML,
  frameSkip: 4,
  forwardRewardWeight: 1,
  ctrlCostWeight: 1e-3,
  healthyReward: 1,
  healthyZ: [0.8, 2.0],
  healthyAngle: [-1, 1],
  resetNoise: 5e-3,
  normalVelNoise: false,
  obsVelClip: 10,
  feet: ['foot_geom', 'foot_left_geom'],
  pitchSign: 'positive = leaning backward',
  summary: 'a planar biped (torso and two 3-segment legs; 6 actuators) that should walk forward without falling',
};

/** Walker2d-v0: obs 17 (qpos[1:] + clip(qvel, ±10)), action Box(-1, 1, 6), dt 0.008 s. */
export class Walker2dEnv extends PlanarRunnerEnv {
  constructor(kwargs: Record<string, unknown> = {}, id = 'Walker2d-v0') {
    super({ ...WALKER2D, id }, kwargs);
  }
}
