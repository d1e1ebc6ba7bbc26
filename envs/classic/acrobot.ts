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
import { GOAL_INFO, NO_INFO, ReusedStep } from './step-result.js';
import { closedError } from './closed.js';
import { KWARG_WORDING, defineParams, resolveParams } from '../../src/core/params.js';
import { RENDER_MODE } from './params.js';
import { fillCircle, newFrame, thickLine } from './raster.js';
import { resetBounds } from './reset-bounds.js';

const ID = 'Acrobot-v1';
const DT = 0.2,
  L1 = 1,
  M1 = 1,
  M2 = 1,
  LC1 = 0.5,
  LC2 = 0.5,
  I1 = 1,
  I2 = 1,
  G = 9.8;
const MAX_VEL_1 = 4 * Math.PI,
  MAX_VEL_2 = 9 * Math.PI;
const TORQUES = [-1, 0, 1] as const;

/** Kwargs of Acrobot-v1. */
const PARAMS = defineParams({ renderMode: RENDER_MODE });

/**
 * Gymnasium's Acrobot-v1 (Sutton 1996, "book" dynamics): two links, torque -1/0/+1 on the joint between them
 * (actions 0/1/2); one RK4 step of 0.2 s. -1 per step, 0 on the step that swings the tip above the bar
 * (-cos(t1) - cos(t1 + t2) > 1), which terminates. The observation [cos t1, sin t1, cos t2, sin t2, dt1, dt2] is a
 * Float32Array the env overwrites on the next step/reset, and `step` returns one result object it reuses.
 */
export class AcrobotEnv implements DescribedEnv<AcrobotState>, Env<Float32Array, number> {
  readonly observationSpace = new Box(
    [-1, -1, -1, -1, -MAX_VEL_1, -MAX_VEL_2],
    [1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2],
    [6],
    'float32',
  ) as Space<Float32Array>;
  readonly actionSpace = new Discrete(3);
  readonly metadata = { renderModes: ['ansi', 'rgb_array'] as RenderMode[], renderFps: 15 };
  readonly renderMode?: RenderMode;
  /** theta1, theta2, dtheta1, dtheta2. */
  private readonly s = new Float64Array(4);
  private readonly obs = new Float32Array(6);
  // RK4 scratch, allocated once.
  private readonly k1 = new Float64Array(4);
  private readonly k2 = new Float64Array(4);
  private readonly k3 = new Float64Array(4);
  private readonly k4 = new Float64Array(4);
  private readonly tmp = new Float64Array(4);
  private rng?: Rng;
  private closed = false;

  constructor(kwargs: Record<string, unknown> = {}) {
    this.renderMode = resolveParams(ID, kwargs, PARAMS, KWARG_WORDING).renderMode;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (this.closed) throw closedError(ID);
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    else this.rng ??= Rng.fromEntropy();
    const [lo, hi] = resetBounds(ID, opts.options, -0.1, 0.1);
    // Gymnasium draws the initial state as float32.
    for (let i = 0; i < 4; i++) this.s[i] = Math.fround(this.rng.uniform(lo, hi));
    this.writeObs();
    return { obs: this.obs, info: NO_INFO };
  }

  step(action: number): StepResult<Float32Array> {
    if (this.closed) throw closedError(ID);
    if (action !== 0 && action !== 1 && action !== 2) {
      throw new RxgymError(
        `${ID}: action ${String(action)} is outside the action space Discrete(3); use 0 (torque -1), 1 (0) or 2 (+1)`,
      );
    }
    if (this.rng === undefined)
      throw new RxgymError(`${ID}: step() called before reset(); call env.reset({ seed }) first`);
    this.rk4(TORQUES[action]);
    const s = this.s;
    s[0] = wrap(s[0]!, -Math.PI, Math.PI);
    s[1] = wrap(s[1]!, -Math.PI, Math.PI);
    s[2] = Math.min(Math.max(s[2]!, -MAX_VEL_1), MAX_VEL_1);
    s[3] = Math.min(Math.max(s[3]!, -MAX_VEL_2), MAX_VEL_2);
    const terminated = -Math.cos(s[0]!) - Math.cos(s[1]! + s[0]!) > 1.0;
    this.writeObs();
    return this.finish(terminated ? 0 : -1, terminated);
  }

  /** Reused by every step (no allocation on the hot path); all five fields are rewritten each step. */
  private readonly result = new ReusedStep(this.obs);

  private finish(reward: number, terminated: boolean): StepResult<Float32Array> {
    return this.result.set(this.obs, reward, terminated, GOAL_INFO[terminated ? 1 : 0]);
  }

  render(): string | RgbFrame | undefined {
    const s = this.s;
    if (this.renderMode === 'ansi') {
      const tip = -Math.cos(s[0]!) - Math.cos(s[1]! + s[0]!);
      return `theta1=${s[0]!.toFixed(3)} theta2=${s[1]!.toFixed(3)} tip height=${tip.toFixed(3)} (goal > 1)`;
    }
    if (this.renderMode === 'rgb_array') {
      const S = 500,
        bound = L1 + 1 + 0.2,
        scale = S / (bound * 2),
        c = S / 2;
      const f = newFrame(S, S, [255, 255, 255]);
      thickLine(f, 0, c - 1 * scale, S, c - 1 * scale, 1, [0, 0, 0]);
      const x1 = c + Math.sin(s[0]!) * scale,
        y1 = c + Math.cos(s[0]!) * scale;
      const x2 = x1 + Math.sin(s[0]! + s[1]!) * scale,
        y2 = y1 + Math.cos(s[0]! + s[1]!) * scale;
      thickLine(f, c, c, x1, y1, 0.2 * scale, [0, 204, 204]);
      thickLine(f, x1, y1, x2, y2, 0.2 * scale, [0, 204, 204]);
      fillCircle(f, c, c, 0.1 * scale, [204, 204, 0]);
      fillCircle(f, x1, y1, 0.1 * scale, [204, 204, 0]);
      return f;
    }
    return undefined;
  }

  /** The physical state as plain JSON, for reward code. */
  state(): AcrobotState {
    const s = this.s;
    return {
      theta1: s[0]!,
      theta2: s[1]!,
      angularVelocity1: s[2]!,
      angularVelocity2: s[3]!,
      tipHeight: -Math.cos(s[0]!) - Math.cos(s[0]! + s[1]!),
    };
  }

  /** A .d.ts-style description of `state()` for prompts. */
  describeState(): string {
    return `// Acrobot-v1: two 1 m links hanging from a fixed joint; only the middle joint is driven (torque -1, 0, +1 for actions 0, 1, 2).
// The episode succeeds when the free end swings above the bar: tipHeight > 1 (tipHeight is -2 hanging straight down).
interface State {
  theta1: number;            // first link's angle from hanging down (rad, in [-pi, pi])
  theta2: number;            // second link's angle relative to the first (rad, in [-pi, pi])
  angularVelocity1: number;  // rad/s, in [-4 pi, 4 pi]
  angularVelocity2: number;  // rad/s, in [-9 pi, 9 pi]
  tipHeight: number;         // -cos(theta1) - cos(theta1 + theta2), in [-2, 2]
}`;
  }

  /** Ends the env: later `reset()` and `step()` calls throw; calling it again does nothing. */
  close(): void {
    this.closed = true;
  }

  private writeObs(): void {
    const s = this.s,
      o = this.obs;
    o[0] = Math.cos(s[0]!);
    o[1] = Math.sin(s[0]!);
    o[2] = Math.cos(s[1]!);
    o[3] = Math.sin(s[1]!);
    o[4] = s[2]!;
    o[5] = s[3]!;
  }

  /** One classic RK4 step of length DT with the torque held constant. */
  private rk4(a: number): void {
    const s = this.s,
      t = this.tmp,
      h = DT / 2;
    dsdt(s, a, this.k1);
    for (let i = 0; i < 4; i++) t[i] = s[i]! + h * this.k1[i]!;
    dsdt(t, a, this.k2);
    for (let i = 0; i < 4; i++) t[i] = s[i]! + h * this.k2[i]!;
    dsdt(t, a, this.k3);
    for (let i = 0; i < 4; i++) t[i] = s[i]! + DT * this.k3[i]!;
    dsdt(t, a, this.k4);
    for (let i = 0; i < 4; i++)
      s[i] = s[i]! + (DT / 6) * (this.k1[i]! + 2 * this.k2[i]! + 2 * this.k3[i]! + this.k4[i]!);
  }
}

/** The equations of motion ("book" variant) written into `out`: d/dt of (theta1, theta2, dtheta1, dtheta2). */
function dsdt(s: Float64Array, a: number, out: Float64Array): void {
  const th1 = s[0]!,
    th2 = s[1]!,
    dth1 = s[2]!,
    dth2 = s[3]!;
  const d1 = M1 * LC1 ** 2 + M2 * (L1 ** 2 + LC2 ** 2 + 2 * L1 * LC2 * Math.cos(th2)) + I1 + I2;
  const d2 = M2 * (LC2 ** 2 + L1 * LC2 * Math.cos(th2)) + I2;
  const phi2 = M2 * LC2 * G * Math.cos(th1 + th2 - Math.PI / 2);
  const phi1 =
    -M2 * L1 * LC2 * dth2 ** 2 * Math.sin(th2) -
    2 * M2 * L1 * LC2 * dth2 * dth1 * Math.sin(th2) +
    (M1 * LC1 + M2 * L1) * G * Math.cos(th1 - Math.PI / 2) +
    phi2;
  const ddth2 =
    (a + (d2 / d1) * phi1 - M2 * L1 * LC2 * dth1 ** 2 * Math.sin(th2) - phi2) / (M2 * LC2 ** 2 + I2 - d2 ** 2 / d1);
  const ddth1 = -(d2 * ddth2 + phi1) / d1;
  out[0] = dth1;
  out[1] = dth2;
  out[2] = ddth1;
  out[3] = ddth2;
}

function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x -= diff;
  while (x < m) x += diff;
  return x;
}

/** Acrobot's state for reward code. */
export interface AcrobotState {
  theta1: number;
  theta2: number;
  angularVelocity1: number;
  angularVelocity2: number;
  tipHeight: number;
}
