import { INVERTED_PENDULUM_XML } from '../assets/inverted-pendulum.js';
import { MujocoEnv, type StepOutcome } from '../mujoco-env.js';
import { noiseParams } from '../params.js';
import { round } from './body-state.js';

/** State of the cart-pole for reward code. */
export interface InvertedPendulumState {
  cart: { x: number; vx: number };
  /** Pole angle from vertical (rad; the episode ends beyond ±0.2) and angular velocity. */
  pole: { angle: number; angularVelocity: number };
  action: number[];
  dt: number;
}

/** Options beyond MUJOCO_PARAMS. */
const PARAMS = noiseParams(0.01);

/**
 * InvertedPendulum-v0 following Gymnasium InvertedPendulum-v5: obs 4 = qpos + qvel, action Box(-3, 3, 1), dt 0.04 s, +1
 * per step while |angle| <= 0.2.
 */
export class InvertedPendulumEnv extends MujocoEnv<InvertedPendulumState> {
  private readonly noise: number;

  constructor(kwargs: Record<string, unknown> = {}) {
    super({ id: 'InvertedPendulum-v0', xml: INVERTED_PENDULUM_XML, frameSkip: 2, obsDim: 4, params: PARAMS }, kwargs);
    this.noise = this.options(PARAMS).resetNoiseScale;
  }

  protected resetModel(): void {
    this.setNoisyState(this.noise, false);
  }

  protected afterStep(): StepOutcome {
    const q = this.qpos,
      v = this.qvel;
    let finite = true;
    for (const x of [q[0]!, q[1]!, v[0]!, v[1]!]) if (!Number.isFinite(x)) finite = false;
    const terminated = !finite || Math.abs(q[1]!) > 0.2;
    return { reward: terminated ? 0 : 1, terminated, info: { reward_survive: terminated ? 0 : 1 } };
  }

  protected observe(): Float32Array {
    const q = this.qpos,
      v = this.qvel;
    return Float32Array.of(q[0]!, q[1]!, v[0]!, v[1]!);
  }

  state(): InvertedPendulumState {
    const q = this.qpos,
      v = this.qvel;
    return {
      cart: { x: round(q[0]!), vx: round(v[0]!) },
      pole: { angle: round(q[1]!), angularVelocity: round(v[1]!) },
      action: Array.from(this.lastAction, round),
      dt: this.dt,
    };
  }

  describeState(): string {
    return `// InvertedPendulum-v0: a cart on a rail (x in [-1, 1] m) carrying a hinged 0.6 m pole that must be kept upright.
// Units: metres, radians, seconds. The episode ends when |pole.angle| > 0.2.
interface State {
  cart: { x: number; vx: number };                     // cart position (m) and velocity (m/s)
  pole: { angle: number; angularVelocity: number };    // angle from vertical (rad), rad/s
  action: number[];                                    // last force command in [-3, 3]
  dt: number;                                          // seconds per env step (${this.dt})
}`;
  }
}
