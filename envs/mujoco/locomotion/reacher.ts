import { REACHER_XML } from '../assets/reacher.js';
import { MujocoEnv, type StepOutcome } from '../mujoco-env.js';
import { bodyId, round } from './body-state.js';

/** State of the reacher for reward code. */
export interface ReacherState {
  /** Arm joint angles (rad) and velocities. */
  arm: { shoulder: number; elbow: number; shoulderVel: number; elbowVel: number };
  fingertip: [number, number, number];
  target: [number, number, number];
  /** Euclidean fingertip-target distance (m). */
  distance: number;
  action: number[];
  dt: number;
}

/**
 * Reacher-v0 following Gymnasium Reacher-v5: obs 10, action Box(-1, 1, 2), dt 0.02 s, reward -|tip - target| - |a|^2,
 * 50 steps.
 */
export class ReacherEnv extends MujocoEnv<ReacherState> {
  private readonly tip: number;
  private readonly target: number;

  constructor(kwargs: Record<string, unknown> = {}) {
    super({ id: 'Reacher-v0', xml: REACHER_XML, frameSkip: 2, obsDim: 10 }, kwargs);
    this.tip = bodyId(this.model, 'fingertip');
    this.target = bodyId(this.model, 'target');
  }

  protected resetModel(): void {
    const q = this.qpos,
      v = this.qvel;
    for (let i = 0; i < 2; i++) q[i] = this.initQpos[i]! + this.rng.uniform(-0.1, 0.1);
    let gx = 0,
      gy = 0;
    do {
      gx = this.rng.uniform(-0.2, 0.2);
      gy = this.rng.uniform(-0.2, 0.2);
    } while (Math.hypot(gx, gy) >= 0.2);
    q[2] = gx;
    q[3] = gy;
    for (let i = 0; i < 2; i++) v[i] = this.initQvel[i]! + this.rng.uniform(-0.005, 0.005);
    v[2] = 0;
    v[3] = 0;
  }

  private delta(): [number, number, number] {
    const x = this.xpos,
      a = 3 * this.tip,
      b = 3 * this.target;
    return [x[a]! - x[b]!, x[a + 1]! - x[b + 1]!, x[a + 2]! - x[b + 2]!];
  }

  protected afterStep(action: Float64Array): StepOutcome {
    const dist = Math.hypot(...this.delta());
    let ctrl = 0;
    for (const a of action) ctrl += a * a;
    return {
      reward: -dist - ctrl,
      terminated: false,
      info: { reward_dist: -dist, reward_ctrl: -ctrl, success: dist < 0.01 },
    };
  }

  protected observe(): Float32Array {
    const q = this.qpos,
      v = this.qvel;
    const d = this.delta();
    return Float32Array.of(
      Math.cos(q[0]!),
      Math.cos(q[1]!),
      Math.sin(q[0]!),
      Math.sin(q[1]!),
      q[2]!,
      q[3]!,
      v[0]!,
      v[1]!,
      d[0],
      d[1],
    );
  }

  state(): ReacherState {
    const q = this.qpos,
      v = this.qvel,
      x = this.xpos;
    const p = (b: number): [number, number, number] => [round(x[3 * b]!), round(x[3 * b + 1]!), round(x[3 * b + 2]!)];
    return {
      arm: { shoulder: round(q[0]!), elbow: round(q[1]!), shoulderVel: round(v[0]!), elbowVel: round(v[1]!) },
      fingertip: p(this.tip),
      target: p(this.target),
      distance: round(Math.hypot(...this.delta())),
      action: Array.from(this.lastAction, round),
      dt: this.dt,
    };
  }

  describeState(): string {
    return `// Reacher-v0: a two-link planar arm (0.1 m + 0.11 m to the fingertip) that should bring its fingertip onto a target.
// Units: metres, radians, seconds. The arm moves in the horizontal x-y plane around the origin.
type Vec3 = [number, number, number];
interface State {
  arm: { shoulder: number; elbow: number; shoulderVel: number; elbowVel: number }; // joint angles (rad), rad/s; elbow in [-3, 3]
  fingertip: Vec3;   // fingertip position (m)
  target: Vec3;      // target position (m), fixed during the episode
  distance: number;  // |fingertip - target| (m); success below 0.01
  action: number[];  // last torques in [-1, 1]^2
  dt: number;        // seconds per env step (${this.dt})
}`;
  }
}
