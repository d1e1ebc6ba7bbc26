import { ANT_XML } from '../assets/ant.js';
import { MujocoEnv, type StepOutcome } from '../mujoco-env.js';
import { healthParams } from '../params.js';
import { bodyId, floorContacts, freeTorso, jointStates, massCenter, round } from './body-state.js';
import { describeSpatial, type SpatialState } from './spatial-state.js';

const FEET = [
  'front_left_leg_ankle_geom',
  'front_right_leg_ankle_geom',
  'back_leg_ankle_geom',
  'right_back_leg_ankle_geom',
] as const;

/** Options beyond MUJOCO_PARAMS. */
const PARAMS = healthParams(0.1);

/**
 * Ant-v0 following Gymnasium Ant-v5: obs 105 = qpos[2:] (13) + qvel (14) + clip(cfrc_ext[1:], ±1) (78),
 * action Box(-1, 1, 8), dt 0.05 s; reward = vx + 1 (healthy) - 0.5|a|^2 - 5e-4|clip(cfrc_ext)|^2;
 * terminates when the torso z leaves [0.2, 1.0] or the state is not finite.
 */
export class AntEnv extends MujocoEnv<SpatialState> {
  private xyBefore: [number, number] = [0, 0];
  private readonly torso: number;
  private readonly noise: number;
  private readonly terminateWhenUnhealthy: boolean;
  protected readonly healthyZ: [number, number] = [0.2, 1.0];

  constructor(kwargs: Record<string, unknown> = {}, id = 'Ant-v0') {
    super({ id, xml: ANT_XML, frameSkip: 5, obsDim: 105, needsContactForces: true, params: PARAMS }, kwargs);
    this.torso = bodyId(this.model, 'torso');
    const o = this.options(PARAMS);
    this.noise = o.resetNoiseScale;
    this.terminateWhenUnhealthy = o.terminateWhenUnhealthy;
  }

  protected resetModel(): void {
    this.setNoisyState(this.noise, true);
  }

  protected override beforeStep(): void {
    const xpos = this.xpos;
    this.xyBefore = [xpos[3 * this.torso]!, xpos[3 * this.torso + 1]!];
  }

  /** Healthy: finite state and torso z in [0.2, 1.0]. */
  isHealthy(): boolean {
    const qpos = this.qpos,
      qvel = this.qvel;
    for (const v of qpos) if (!Number.isFinite(v)) return false;
    for (const v of qvel) if (!Number.isFinite(v)) return false;
    return qpos[2]! >= this.healthyZ[0] && qpos[2]! <= this.healthyZ[1];
  }

  protected afterStep(action: Float64Array): StepOutcome {
    const xpos = this.xpos;
    const x = xpos[3 * this.torso]!,
      y = xpos[3 * this.torso + 1]!;
    const vx = (x - this.xyBefore[0]) / this.dt,
      vy = (y - this.xyBefore[1]) / this.dt;
    let ctrl = 0;
    for (const a of action) ctrl += a * a;
    const cfrc = this.cfrcExt;
    let contact = 0;
    for (let i = 6; i < cfrc.length; i++) {
      const c = Math.max(-1, Math.min(1, cfrc[i]!));
      contact += c * c;
    }
    const healthy = this.isHealthy();
    const survive = healthy ? 1 : 0;
    const reward = vx + survive - 0.5 * ctrl - 5e-4 * contact;
    return {
      reward,
      terminated: this.terminateWhenUnhealthy && !healthy,
      info: {
        x_position: x,
        y_position: y,
        distance_from_origin: Math.hypot(x - this.initQpos[0]!, y - this.initQpos[1]!),
        x_velocity: vx,
        y_velocity: vy,
        reward_forward: vx,
        reward_ctrl: -0.5 * ctrl,
        reward_contact: -5e-4 * contact,
        reward_survive: survive,
      },
    };
  }

  protected observe(): Float32Array {
    const qpos = this.qpos,
      qvel = this.qvel,
      cfrc = this.cfrcExt;
    const out = new Float32Array(105);
    let k = 0;
    for (let i = 2; i < qpos.length; i++) out[k++] = qpos[i]!;
    for (let i = 0; i < qvel.length; i++) out[k++] = qvel[i]!;
    for (let i = 6; i < cfrc.length; i++) out[k++] = Math.max(-1, Math.min(1, cfrc[i]!));
    return out;
  }

  state(): SpatialState {
    const m = this.model,
      d = this.data;
    return {
      torso: freeTorso(d, this.torso),
      com: massCenter(m, d).map(round) as [number, number, number],
      joints: jointStates(m, d, 1),
      footContacts: floorContacts(m, d, FEET),
      points: {},
      action: Array.from(this.lastAction, round),
      dt: this.dt,
    };
  }

  describeState(): string {
    return describeSpatial(
      this.id,
      'a four-legged ant (sphere torso, 4 legs with a hip and an ankle each; 8 actuators)',
      Object.keys(jointStates(this.model, this.data, 1)),
      FEET,
      [],
      'healthy in [0.2, 1.0]',
      this.dt,
    );
  }
}
