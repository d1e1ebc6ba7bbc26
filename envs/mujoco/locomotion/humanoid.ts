import { HUMANOID_XML } from '../assets/humanoid.js';
import { MujocoEnv, type StepOutcome } from '../mujoco-env.js';
import { healthParams } from '../params.js';
import { bodyId, floorContacts, freeTorso, jointStates, massCenter, round } from './body-state.js';
import { describeSpatial, type SpatialState } from './spatial-state.js';

const CONTACT_GEOMS = [
  'right_foot',
  'left_foot',
  'right_shin1',
  'left_shin1',
  'right_hand',
  'left_hand',
  'butt',
  'head',
] as const;
const POINTS = ['head', 'right_hand', 'left_hand', 'right_foot', 'left_foot'] as const;

/** Options beyond MUJOCO_PARAMS. */
const PARAMS = healthParams(1e-2);

/**
 * Humanoid-v0 following Gymnasium Humanoid-v5: obs 348 = qpos[2:] (22) + qvel (23) + cinert[1:] (130)
 * + cvel[1:] (78) + qfrc_actuator[6:] (17) + cfrc_ext[1:] (78); action Box(-0.4, 0.4, 17); dt 0.015 s;
 * reward = 1.25 vx(COM) + 5 (healthy) - 0.1|ctrl|^2 - min(5e-7|cfrc_ext|^2, 10); terminates when z leaves (1, 2).
 */
export class HumanoidEnv extends MujocoEnv<SpatialState> {
  private comXBefore = 0;
  private readonly torso: number;
  private readonly noise: number;
  private readonly terminateWhenUnhealthy: boolean;
  private readonly pointGeoms: number[];

  constructor(kwargs: Record<string, unknown> = {}, id = 'Humanoid-v0') {
    super({ id, xml: HUMANOID_XML, frameSkip: 5, obsDim: 348, needsContactForces: true, params: PARAMS }, kwargs);
    this.torso = bodyId(this.model, 'torso');
    const o = this.options(PARAMS);
    this.noise = o.resetNoiseScale;
    this.terminateWhenUnhealthy = o.terminateWhenUnhealthy;
    this.pointGeoms = POINTS.map((p) => this.mj.mj_name2id(this.model, this.mj.mjtObj.mjOBJ_GEOM.value, p));
  }

  protected resetModel(): void {
    this.setNoisyState(this.noise, false);
  }

  protected override beforeStep(): void {
    this.comXBefore = massCenter(this.model, this.data)[0];
  }

  /** Healthy: torso z = qpos[2] in (1.0, 2.0). */
  isHealthy(): boolean {
    const z = this.qpos[2]!;
    return z > 1.0 && z < 2.0;
  }

  protected afterStep(action: Float64Array): StepOutcome {
    const com = massCenter(this.model, this.data);
    const vx = (com[0] - this.comXBefore) / this.dt;
    let ctrl = 0;
    for (const a of action) ctrl += a * a;
    const cfrc = this.cfrcExt;
    let contact = 0;
    for (let i = 0; i < cfrc.length; i++) contact += cfrc[i]! * cfrc[i]!;
    const contactCost = Math.min(5e-7 * contact, 10);
    const healthy = this.isHealthy();
    const survive = healthy ? 5 : 0;
    const reward = 1.25 * vx + survive - 0.1 * ctrl - contactCost;
    const qpos = this.qpos;
    return {
      reward,
      terminated: this.terminateWhenUnhealthy && !healthy,
      info: {
        x_position: qpos[0]!,
        y_position: qpos[1]!,
        tendon_length: 0,
        distance_from_origin: Math.hypot(qpos[0]! - this.initQpos[0]!, qpos[1]! - this.initQpos[1]!),
        x_velocity: vx,
        reward_forward: 1.25 * vx,
        reward_ctrl: -0.1 * ctrl,
        reward_contact: -contactCost,
        reward_survive: survive,
      },
    };
  }

  protected observe(): Float32Array {
    const d = this.data;
    const out = new Float32Array(348);
    let k = 0;
    const put = (a: Float64Array, from: number): void => {
      for (let i = from; i < a.length; i++) out[k++] = a[i]!;
    };
    put(d.qpos as Float64Array, 2);
    put(d.qvel as Float64Array, 0);
    put(d.cinert as Float64Array, 10);
    put(d.cvel as Float64Array, 6);
    put(d.qfrc_actuator as Float64Array, 6);
    put(d.cfrc_ext as Float64Array, 6);
    return out;
  }

  state(): SpatialState {
    const m = this.model,
      d = this.data;
    const gx = d.geom_xpos as Float64Array;
    const points: Record<string, [number, number, number]> = {};
    POINTS.forEach((p, i) => {
      const g = this.pointGeoms[i]!;
      points[p] = [round(gx[3 * g]!), round(gx[3 * g + 1]!), round(gx[3 * g + 2]!)];
    });
    return {
      torso: freeTorso(d, this.torso),
      com: massCenter(m, d).map(round) as [number, number, number],
      joints: jointStates(m, d, 1),
      footContacts: floorContacts(m, d, CONTACT_GEOMS),
      points,
      action: Array.from(this.lastAction, round),
      dt: this.dt,
    };
  }

  describeState(): string {
    return describeSpatial(
      this.id,
      'a 3-D humanoid (torso, head, waist, pelvis, two legs, two arms; 17 actuators, action in [-0.4, 0.4]); ' +
        'standing height of the torso is about 1.4 m',
      Object.keys(jointStates(this.model, this.data, 1)),
      CONTACT_GEOMS,
      POINTS,
      'healthy in (1.0, 2.0)',
      this.dt,
    );
  }
}
