import { SWIMMER_XML } from '../assets/swimmer.js';
import { MujocoEnv, type StepOutcome } from '../mujoco-env.js';
import { noiseParams } from '../params.js';
import { jointStates, round, type JointState } from './body-state.js';

/** State of the swimmer for reward code. */
export interface SwimmerState {
  /** Front body position (m) in the horizontal plane and heading (rad, 0 = +x). */
  head: { x: number; y: number; heading: number; vx: number; vy: number; turnRate: number };
  joints: Record<string, JointState>;
  action: number[];
  dt: number;
}

/** Options beyond MUJOCO_PARAMS. */
const PARAMS = noiseParams(0.1);

/**
 * Swimmer-v0 following Gymnasium Swimmer-v5: obs 8 = qpos[2:] + qvel, action Box(-1, 1, 2), dt 0.04 s, reward vx -
 * 1e-4|a|^2, never terminates.
 */
export class SwimmerEnv extends MujocoEnv<SwimmerState> {
  private xyBefore: [number, number] = [0, 0];
  private readonly noise: number;

  constructor(kwargs: Record<string, unknown> = {}) {
    super({ id: 'Swimmer-v0', xml: SWIMMER_XML, frameSkip: 4, obsDim: 8, params: PARAMS }, kwargs);
    this.noise = this.options(PARAMS).resetNoiseScale;
  }

  protected resetModel(): void {
    this.setNoisyState(this.noise, false);
  }

  protected override beforeStep(): void {
    const q = this.qpos;
    this.xyBefore = [q[0]!, q[1]!];
  }

  protected afterStep(action: Float64Array): StepOutcome {
    const q = this.qpos;
    const vx = (q[0]! - this.xyBefore[0]) / this.dt,
      vy = (q[1]! - this.xyBefore[1]) / this.dt;
    let ctrl = 0;
    for (const a of action) ctrl += a * a;
    return {
      reward: vx - 1e-4 * ctrl,
      terminated: false,
      info: {
        x_position: q[0]!,
        y_position: q[1]!,
        distance_from_origin: Math.hypot(q[0]! - this.initQpos[0]!, q[1]! - this.initQpos[1]!),
        x_velocity: vx,
        y_velocity: vy,
        reward_forward: vx,
        reward_ctrl: -1e-4 * ctrl,
      },
    };
  }

  protected observe(): Float32Array {
    const q = this.qpos,
      v = this.qvel;
    return Float32Array.of(q[2]!, q[3]!, q[4]!, v[0]!, v[1]!, v[2]!, v[3]!, v[4]!);
  }

  state(): SwimmerState {
    const q = this.qpos,
      v = this.qvel;
    return {
      head: {
        x: round(q[0]!),
        y: round(q[1]!),
        heading: round(q[2]!),
        vx: round(v[0]!),
        vy: round(v[1]!),
        turnRate: round(v[2]!),
      },
      joints: jointStates(this.model, this.data, 3),
      action: Array.from(this.lastAction, round),
      dt: this.dt,
    };
  }

  describeState(): string {
    return `// Swimmer-v0: a three-link snake-like swimmer in a viscous fluid (2 actuated joints); it should swim forward along +x.
// Units: metres, radians, seconds. Motion is in the horizontal x-y plane.
interface JointState { position: number; velocity: number; range: [number, number] | null } // rad, rad/s, limits
interface State {
  head: {
    x: number; y: number;   // position of the front body's frame (m); starts near (0, 0)
    heading: number;         // rotation about z (rad), 0 = facing +x
    vx: number; vy: number;  // velocity (m/s)
    turnRate: number;        // rad/s
  };
  joints: Record<"motor1_rot" | "motor2_rot", JointState>;
  action: number[];          // last action in [-1, 1]^2
  dt: number;                // seconds per env step (${this.dt})
}`;
  }
}
