import type { Info } from '../../../src/core/env.js';
import { MujocoEnv, type StepOutcome } from '../mujoco-env.js';
import { healthParams } from '../params.js';
import { floorContacts, jointStates, round, type JointState } from './body-state.js';

/** State of a planar runner (Hopper, Walker2d, HalfCheetah) for reward code. */
export interface PlanarState {
  /** Torso x (forward, m), z (height, m) and pitch (rad; sign per env, see describeState). */
  torso: { x: number; z: number; pitch: number; vx: number; vz: number; pitchRate: number };
  /** Non-root joints by name. */
  joints: Record<string, JointState>;
  /** Foot geoms touching the floor. */
  footContacts: Record<string, boolean>;
  /** Last action applied (actuator order). */
  action: number[];
  /** Seconds per env step. */
  dt: number;
}

/** Per-env constants of a planar runner, following Gymnasium v5. */
export interface PlanarConfig {
  id: string;
  xml: string;
  frameSkip: number;
  forwardRewardWeight: number;
  ctrlCostWeight: number;
  /** Healthy reward per step (0 = no healthy term). */
  healthyReward: number;
  /** Healthy when z in (lo, hi), pitch in (lo, hi) and |qpos[2:], qvel| < stateRange. */
  healthyZ?: [number, number];
  healthyAngle?: [number, number];
  healthyStateRange?: number;
  resetNoise: number;
  /** HalfCheetah: qvel noise N(0, s); others: U(-s, s). */
  normalVelNoise: boolean;
  /** Clip qvel in the observation (Hopper/Walker: 10). */
  obsVelClip?: number;
  feet: readonly string[];
  summary: string;
  /** What a positive pitch means for this body (its root hinge axis). */
  pitchSign: string;
}

/**
 * A planar runner following Gymnasium v5 (obs = qpos[1:] + qvel, reward = forward velocity + healthy - control cost).
 */
export class PlanarRunnerEnv extends MujocoEnv<PlanarState> {
  private xBefore = 0;
  private readonly terminateWhenUnhealthy: boolean;
  private readonly noise: number;

  constructor(
    protected readonly cfg: PlanarConfig,
    kwargs: Record<string, unknown>,
  ) {
    const params = healthParams(cfg.resetNoise);
    super({ id: cfg.id, xml: cfg.xml, frameSkip: cfg.frameSkip, obsDim: (m) => m.nq - 1 + m.nv, params }, kwargs);
    const o = this.options(params);
    this.terminateWhenUnhealthy = o.terminateWhenUnhealthy;
    this.noise = o.resetNoiseScale;
  }

  protected resetModel(): void {
    this.setNoisyState(this.noise, this.cfg.normalVelNoise);
  }

  protected override beforeStep(): void {
    this.xBefore = this.qpos[0]!;
  }

  /** True when the runner is within Gymnasium's healthy ranges (always true without a healthy range). */
  isHealthy(): boolean {
    const c = this.cfg;
    if (!c.healthyZ) return true;
    const qpos = this.qpos,
      qvel = this.qvel;
    const z = qpos[1]!,
      angle = qpos[2]!;
    if (!(z > c.healthyZ[0] && z < c.healthyZ[1])) return false;
    if (c.healthyAngle && !(angle > c.healthyAngle[0] && angle < c.healthyAngle[1])) return false;
    if (c.healthyStateRange !== undefined) {
      const r = c.healthyStateRange;
      for (let i = 2; i < qpos.length; i++) if (!(Math.abs(qpos[i]!) < r)) return false;
      for (let i = 0; i < qvel.length; i++) if (!(Math.abs(qvel[i]!) < r)) return false;
    }
    return true;
  }

  protected afterStep(action: Float64Array): StepOutcome {
    const c = this.cfg;
    const x = this.qpos[0]!;
    const vx = (x - this.xBefore) / this.dt;
    let ctrl = 0;
    for (const a of action) ctrl += a * a;
    const healthy = this.isHealthy();
    const forward = c.forwardRewardWeight * vx;
    const survive = healthy ? c.healthyReward : 0;
    const ctrlCost = c.ctrlCostWeight * ctrl;
    const info: Info = {
      x_position: x,
      z_distance_from_origin: this.qpos[1]! - this.initQpos[1]!,
      x_velocity: vx,
      reward_forward: forward,
      reward_ctrl: -ctrlCost,
    };
    if (c.healthyZ) info.reward_survive = survive;
    return {
      reward: forward + survive - ctrlCost,
      terminated: c.healthyZ !== undefined && this.terminateWhenUnhealthy && !healthy,
      info,
    };
  }

  protected observe(): Float32Array {
    const qpos = this.qpos,
      qvel = this.qvel;
    const out = new Float32Array(this.observationSpace.size);
    let k = 0;
    for (let i = 1; i < qpos.length; i++) out[k++] = qpos[i]!;
    const clip = this.cfg.obsVelClip ?? Infinity;
    for (let i = 0; i < qvel.length; i++) out[k++] = Math.max(-clip, Math.min(clip, qvel[i]!));
    return out;
  }

  state(): PlanarState {
    const qpos = this.qpos,
      qvel = this.qvel;
    return {
      torso: {
        x: round(qpos[0]!),
        z: round(qpos[1]!),
        pitch: round(qpos[2]!),
        vx: round(qvel[0]!),
        vz: round(qvel[1]!),
        pitchRate: round(qvel[2]!),
      },
      joints: jointStates(this.model, this.data, 3),
      footContacts: floorContacts(this.model, this.data, this.cfg.feet),
      action: Array.from(this.lastAction, round),
      dt: this.dt,
    };
  }

  describeState(): string {
    const joints = Object.keys(jointStates(this.model, this.data, 3))
      .map((j) => `"${j}"`)
      .join(' | ');
    const feet = this.cfg.feet.map((f) => `"${f}"`).join(' | ');
    return `// ${this.cfg.id}: ${this.cfg.summary}
// Units: metres, radians, seconds. x is forward, z is up; the body moves in the x-z plane only.
interface JointState {
  position: number;              // joint angle (rad)
  velocity: number;              // rad/s
  range: [number, number] | null; // limits (rad)
}
interface State {
  torso: {
    x: number;         // forward position of the torso (m); starts near 0
    z: number;         // height of the torso (m)${this.cfg.healthyZ ? `; healthy when ${Number.isFinite(this.cfg.healthyZ[1]) ? `in (${this.cfg.healthyZ.join(', ')})` : `> ${this.cfg.healthyZ[0]}`}` : ''}
    pitch: number;     // torso rotation (rad); 0 = initial posture, ${this.cfg.pitchSign}${this.cfg.healthyAngle ? `; healthy in (${this.cfg.healthyAngle.join(', ')})` : ''}
    vx: number;        // forward velocity (m/s)
    vz: number;        // vertical velocity (m/s)
    pitchRate: number; // rad/s
  };
  joints: Record<${joints}, JointState>;
  footContacts: Record<${feet}, boolean>; // true when that foot geom touches the floor
  action: number[];   // last action, one entry per actuator in [-1, 1]
  dt: number;         // seconds per env step (${this.dt})
}`;
  }
}
