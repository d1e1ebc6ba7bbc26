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
import { Box, type Space } from '../../src/core/spaces.js';
import { NO_INFO, ReusedStep } from './step-result.js';
import { closedError } from './closed.js';
import { KWARG_WORDING, defineParams, resolveParams } from '../../src/core/params.js';
import { RENDER_MODE } from './params.js';
import { fillCircle, newFrame, thickLine } from './raster.js';

const ID = 'Pendulum-v1';
const MAX_SPEED = 8,
  MAX_TORQUE = 2,
  DT = 0.05,
  M = 1,
  L = 1;

/** Angle wrapped into [-pi, pi) with Python's floored modulo, as Gymnasium's `angle_normalize`. */
export function angleNormalize(x: number): number {
  const t = 2 * Math.PI;
  return ((((x + Math.PI) % t) + t) % t) - Math.PI;
}

/** Kwargs of Pendulum-v1. */
const PARAMS = defineParams({
  renderMode: RENDER_MODE,
  g: { kind: 'number', default: 10, doc: 'gravity (m/s^2)' },
});

/**
 * Gymnasium's Pendulum-v1: swing a pendulum up with a torque in [-2, 2]. Reward -(theta^2 + 0.1 thetadot^2 + 0.001 u^2)
 * with theta normalised to [-pi, pi); never terminates (TimeLimit 200 truncates). Kwargs: `g` (default 10),
 * `renderMode`.
 * The observation [cos theta, sin theta, thetadot] is a Float32Array the env overwrites on the next step/reset,
 * and `step` returns one result object it reuses (read or copy before the next call).
 */
export class PendulumEnv implements DescribedEnv<PendulumState>, Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box([-1, -1, -MAX_SPEED], [1, 1, MAX_SPEED], [3], 'float32') as Space<Float32Array>;
  readonly actionSpace = new Box(-MAX_TORQUE, MAX_TORQUE, [1], 'float32') as Space<Float32Array>;
  readonly metadata = { renderModes: ['ansi', 'rgb_array'] as RenderMode[], renderFps: 30 };
  readonly renderMode?: RenderMode;
  private readonly g: number;
  private theta = 0;
  private thetaDot = 0;
  private lastU: number | undefined;
  private readonly obs = new Float32Array(3);
  private rng?: Rng;
  private closed = false;

  constructor(kwargs: Record<string, unknown> = {}) {
    const o = resolveParams(ID, kwargs, PARAMS, KWARG_WORDING);
    this.renderMode = o.renderMode;
    this.g = o.g;
  }

  /** `options.xInit`/`options.yInit` set the symmetric reset range of theta and thetadot (defaults pi and 1). */
  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (this.closed) throw closedError(ID);
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    else this.rng ??= Rng.fromEntropy();
    const x = opts.options?.xInit ?? Math.PI,
      y = opts.options?.yInit ?? 1;
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
      throw new RxgymError(`${ID}: reset options xInit/yInit must be finite numbers`);
    }
    this.theta = this.rng.uniform(-x, x);
    this.thetaDot = this.rng.uniform(-y, y);
    this.lastU = undefined;
    this.writeObs();
    return { obs: this.obs, info: NO_INFO };
  }

  step(action: Float32Array): StepResult<Float32Array> {
    if (this.closed) throw closedError(ID);
    const a = action as ArrayLike<number> | number;
    const raw = typeof a === 'number' ? a : a != null && a.length === 1 ? a[0]! : NaN;
    if (Number.isNaN(raw)) {
      throw new RxgymError(`${ID}: action must be a Float32Array of one torque in [-2, 2], got ${describe(action)}`);
    }
    if (this.rng === undefined)
      throw new RxgymError(`${ID}: step() called before reset(); call env.reset({ seed }) first`);
    // Gymnasium clips the torque rather than rejecting it; so do we (ClipAction exists for agents that want it
    // explicit).
    const u = Math.min(Math.max(Math.fround(raw), -MAX_TORQUE), MAX_TORQUE);
    this.lastU = u;
    const th = this.theta,
      thDot = this.thetaDot;
    const costs = angleNormalize(th) ** 2 + 0.1 * thDot * thDot + 0.001 * u * u;
    let newThDot = thDot + (((3 * this.g) / (2 * L)) * Math.sin(th) + (3.0 / (M * L * L)) * u) * DT;
    newThDot = Math.min(Math.max(newThDot, -MAX_SPEED), MAX_SPEED);
    this.theta = th + newThDot * DT;
    this.thetaDot = newThDot;
    this.writeObs();
    return this.finish(-costs, false);
  }

  /** Reused by every step (no allocation on the hot path); all five fields are rewritten each step. */
  private readonly result = new ReusedStep(this.obs);

  private finish(reward: number, terminated: boolean): StepResult<Float32Array> {
    return this.result.set(this.obs, reward, terminated);
  }

  render(): string | RgbFrame | undefined {
    if (this.renderMode === 'ansi') {
      return (
        `theta=${angleNormalize(this.theta).toFixed(3)} thetadot=${this.thetaDot.toFixed(3)} ` +
        `u=${this.lastU === undefined ? '-' : this.lastU.toFixed(3)}`
      );
    }
    if (this.renderMode === 'rgb_array') {
      const S = 500,
        scale = S / 4.4,
        c = S / 2;
      const f = newFrame(S, S, [255, 255, 255]);
      const ex = c + Math.sin(this.theta) * scale,
        ey = c - Math.cos(this.theta) * scale;
      thickLine(f, c, c, ex, ey, 0.2 * scale, [204, 77, 77]);
      fillCircle(f, ex, ey, 0.1 * scale, [204, 77, 77]);
      fillCircle(f, c, c, 0.05 * scale, [0, 0, 0]);
      return f;
    }
    return undefined;
  }

  /** The physical state as plain JSON, for reward code. */
  state(): PendulumState {
    return { angle: angleNormalize(this.theta), angularVelocity: this.thetaDot, torque: this.lastU ?? 0 };
  }

  /** A .d.ts-style description of `state()` for prompts. */
  describeState(): string {
    return `// Pendulum-v1: a 1 m pendulum on a motorised hinge; the action is a torque in [-2, 2] N m. The goal is to swing it up and hold it upright.
interface State {
  angle: number;            // from upright, in [-pi, pi) rad (0 = upright, +-pi = hanging down)
  angularVelocity: number;  // rad/s, in [-8, 8]
  torque: number;           // the last torque applied (0 before the first step)
}`;
  }

  /** Ends the env: later `reset()` and `step()` calls throw; calling it again does nothing. */
  close(): void {
    this.closed = true;
  }

  private writeObs(): void {
    this.obs[0] = Math.cos(this.theta);
    this.obs[1] = Math.sin(this.theta);
    this.obs[2] = this.thetaDot;
  }
}

function describe(x: unknown): string {
  return ArrayBuffer.isView(x)
    ? `${x.constructor.name}(${(x as Float32Array).length})`
    : (JSON.stringify(x) ?? String(x));
}

/** Pendulum's state for reward code. */
export interface PendulumState {
  angle: number;
  angularVelocity: number;
  torque: number;
}
