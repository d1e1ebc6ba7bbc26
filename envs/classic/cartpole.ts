import type {
  DescribedEnv,
  Env,
  RenderMode,
  ResetOptions,
  ResetResult,
  RgbFrame,
  StepResult,
} from '../../src/core/env.js';
import { RxgymError } from '../../src/core/env.js';
import { Rng } from '../../src/core/rng.js';
import { Box, Discrete, type Space } from '../../src/core/spaces.js';
import { NO_INFO, ReusedStep } from './step-result.js';
import { KWARG_WORDING, defineParams, resolveParams } from '../../src/core/params.js';
import { RENDER_MODE } from './params.js';
import { clear, fillCircle, fillPolygon, newFrame, thickLine } from './raster.js';
import { resetBounds } from './reset-bounds.js';
import { closedError } from './closed.js';

const ID = 'CartPole-v1';
const GRAVITY = 9.8,
  MASSCART = 1.0,
  MASSPOLE = 0.1,
  TOTAL_MASS = MASSPOLE + MASSCART;
const LENGTH = 0.5; // half the pole's length
const POLEMASS_LENGTH = MASSPOLE * LENGTH,
  FORCE_MAG = 10.0,
  TAU = 0.02;
const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360,
  X_THRESHOLD = 2.4;
/** Shared, frozen: CartPole has no per-step info; wrappers that add keys make their own object. */

/** Kwargs of CartPole-v1. */
const PARAMS = defineParams({
  renderMode: RENDER_MODE,
  suttonBartoReward: { kind: 'boolean', default: false, doc: 'Sutton & Barto reward: 0 per step, -1 on failure' },
});

/**
 * Gymnasium's CartPole-v1 (Barto, Sutton & Anderson 1983): push a cart left (0) or right (1) to keep a pole upright.
 * Euler integration at 50 Hz; +1 per step including the one where the pole falls; terminates when |x| > 2.4 or
 * |theta| > 12 degrees. Kwargs: `renderMode` ('ansi' | 'rgb_array'), `suttonBartoReward` (0 per step, -1 on failure).
 * The observation is a Float32Array the env overwrites on the next step/reset (copy it to keep it), and `step`
 * returns one result object it reuses: read or copy its fields before the next call.
 */
export class CartPoleEnv implements DescribedEnv<CartPoleState>, Env<Float32Array, number> {
  readonly observationSpace: Space<Float32Array> = new Box(
    [X_THRESHOLD * 2, Infinity, THETA_THRESHOLD * 2, Infinity].map((v) => -v),
    [X_THRESHOLD * 2, Infinity, THETA_THRESHOLD * 2, Infinity],
    [4],
    'float32',
  ) as Space<Float32Array>;
  readonly actionSpace = new Discrete(2);
  readonly metadata = { renderModes: ['ansi', 'rgb_array'] as RenderMode[], renderFps: 50 };
  readonly renderMode?: RenderMode;
  private readonly suttonBarto: boolean;
  /** x, x_dot, theta, theta_dot in float64, as Gymnasium keeps them. */
  private readonly s = new Float64Array(4);
  private readonly obs = new Float32Array(4);
  private rng?: Rng;
  private closed = false;
  private stepsBeyondTerminated = -1;
  private frame?: RgbFrame;
  /** Reused by every step (no allocation on the hot path); all five fields are rewritten each step. */
  private readonly result = new ReusedStep(this.obs);

  constructor(kwargs: Record<string, unknown> = {}) {
    const o = resolveParams(ID, kwargs, PARAMS, KWARG_WORDING);
    this.renderMode = o.renderMode;
    this.suttonBarto = o.suttonBartoReward;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (this.closed) throw closedError(ID);
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    else this.rng ??= Rng.fromEntropy();
    const [lo, hi] = resetBounds(ID, opts.options, -0.05, 0.05);
    for (let i = 0; i < 4; i++) this.s[i] = this.rng.uniform(lo, hi);
    this.stepsBeyondTerminated = -1;
    this.writeObs();
    return { obs: this.obs, info: NO_INFO };
  }

  step(action: number): StepResult<Float32Array> {
    if (this.closed) throw closedError(ID);
    if (action !== 0 && action !== 1) {
      throw new RxgymError(
        `${ID}: action ${String(action)} is outside the action space Discrete(2); use 0 (push left) or 1 (push right)`,
      );
    }
    if (this.rng === undefined)
      throw new RxgymError(`${ID}: step() called before reset(); call env.reset({ seed }) first`);
    const s = this.s;
    let x = s[0]!,
      xDot = s[1]!,
      theta = s[2]!,
      thetaDot = s[3]!;
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const cos = Math.cos(theta),
      sin = Math.sin(theta);
    const temp = (force + POLEMASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
    const thetaAcc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - (MASSPOLE * cos * cos) / TOTAL_MASS));
    const xAcc = temp - (POLEMASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
    x += TAU * xDot;
    xDot += TAU * xAcc;
    theta += TAU * thetaDot;
    thetaDot += TAU * thetaAcc;
    s[0] = x;
    s[1] = xDot;
    s[2] = theta;
    s[3] = thetaDot;
    const terminated = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
    let reward: number;
    if (!terminated) reward = this.suttonBarto ? 0 : 1;
    else if (this.stepsBeyondTerminated < 0) {
      this.stepsBeyondTerminated = 0;
      reward = this.suttonBarto ? -1 : 1;
    } else {
      // Stepping a terminated episode: Gymnasium warns and pays nothing; we do the same without the console noise.
      this.stepsBeyondTerminated++;
      reward = this.suttonBarto ? -1 : 0;
    }
    this.writeObs();
    return this.result.set(this.obs, reward, terminated);
  }

  render(): string | RgbFrame | undefined {
    if (this.renderMode === 'ansi') return this.ansi();
    if (this.renderMode === 'rgb_array') return this.rgb();
    return undefined;
  }

  /** The physical state as plain JSON, for reward code. */
  state(): CartPoleState {
    const s = this.s;
    return { cart: { x: s[0]!, velocity: s[1]! }, pole: { angle: s[2]!, angularVelocity: s[3]! } };
  }

  /** A .d.ts-style description of `state()` for prompts. */
  describeState(): string {
    return `// CartPole-v1: a cart on a 1-D track (|x| <= 2.4 m) carrying a 1 m pole hinged at its top; actions push left (0) or right (1) with 10 N.
// Units: metres, radians, seconds; 0.02 s per step. The episode fails when |pole.angle| > 0.2095 rad (12 degrees) or |cart.x| > 2.4.
interface State {
  cart: { x: number; velocity: number };              // position (m, 0 = centre), velocity (m/s)
  pole: { angle: number; angularVelocity: number };   // angle from upright (rad, positive = leaning right), rad/s
}`;
  }

  /** Ends the env: later `reset()` and `step()` calls throw; calling it again does nothing. */
  close(): void {
    this.frame = undefined;
    this.closed = true;
  }

  private writeObs(): void {
    for (let i = 0; i < 4; i++) this.obs[i] = this.s[i]!;
  }

  private ansi(): string {
    const w = 49;
    const cart = Math.round(((this.s[0]! + X_THRESHOLD) / (2 * X_THRESHOLD)) * (w - 1));
    const track = Array.from({ length: w }, (_, i) => (i === cart ? '#' : '-')).join('');
    const th = this.s[2]!;
    const pole = th > 0.035 ? '/' : th < -0.035 ? '\\' : '|';
    const top = ' '.repeat(Math.max(0, Math.min(w - 1, cart))) + pole;
    return `${top}\n${track}\nx=${this.s[0]!.toFixed(3)} theta=${th.toFixed(3)}`;
  }

  private rgb(): RgbFrame {
    const W = 600,
      H = 400;
    const f = (this.frame ??= newFrame(W, H, [255, 255, 255]));
    clear(f, [255, 255, 255]);
    const scale = W / (X_THRESHOLD * 2);
    const poleLen = scale * (2 * LENGTH),
      cartW = 50,
      cartH = 30,
      cartY = H - 100;
    const cx = this.s[0]! * scale + W / 2;
    thickLine(f, 0, cartY, W, cartY, 1, [0, 0, 0]);
    fillPolygon(
      f,
      [
        [cx - cartW / 2, cartY - cartH / 2],
        [cx + cartW / 2, cartY - cartH / 2],
        [cx + cartW / 2, cartY + cartH / 2],
        [cx - cartW / 2, cartY + cartH / 2],
      ],
      [0, 0, 0],
    );
    const axleY = cartY - cartH / 4,
      th = this.s[2]!;
    thickLine(f, cx, axleY, cx + Math.sin(th) * poleLen, axleY - Math.cos(th) * poleLen, 10, [202, 152, 101]);
    fillCircle(f, cx, axleY, 5, [129, 132, 203]);
    return { width: W, height: H, data: f.data.slice() };
  }
}

/** CartPole's state for reward code. */
export interface CartPoleState {
  cart: { x: number; velocity: number };
  pole: { angle: number; angularVelocity: number };
}
