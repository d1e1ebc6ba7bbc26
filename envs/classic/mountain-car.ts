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
import { KWARG_WORDING, defineParams, resolveParams } from '../../src/core/params.js';
import { RENDER_MODE } from './params.js';
import { clear, fillCircle, fillPolygon, newFrame, thickLine } from './raster.js';
import { resetBounds } from './reset-bounds.js';
import { closedError } from './closed.js';
import type { EnvCapabilities, FrameRequest } from '../../src/core/capabilities.js';
import { MOUNTAIN_CAR_CAMERAS, MountainCarFrames } from './mountain-car-frames.js';

const ID = 'MountainCar-v0';
const MIN_POS = -1.2,
  MAX_POS = 0.6,
  MAX_SPEED = 0.07,
  GOAL_POS = 0.5,
  FORCE = 0.001,
  GRAVITY = 0.0025;

/** Kwargs of MountainCar-v0. */
const PARAMS = defineParams({
  renderMode: RENDER_MODE,
  goalVelocity: { kind: 'number', default: 0, doc: 'velocity the car must have at the flag' },
});

/**
 * Gymnasium's MountainCar-v0 (Moore 1990): accelerate left (0), not at all (1) or right (2) to drive an underpowered
 * car
 * up the right hill. -1 per step; terminates when position >= 0.5 and velocity >= `goalVelocity` (kwarg, default 0).
 * The observation [position, velocity] is a Float32Array the env overwrites on the next step/reset,
 * and `step` returns one result object it reuses (read or copy before the next call).
 */
export class MountainCarEnv implements DescribedEnv<MountainCarState>, Env<Float32Array, number> {
  readonly observationSpace = new Box(
    [MIN_POS, -MAX_SPEED],
    [MAX_POS, MAX_SPEED],
    [2],
    'float32',
  ) as Space<Float32Array>;
  readonly actionSpace = new Discrete(3);
  readonly metadata = { renderModes: ['ansi', 'rgb_array'] as RenderMode[], renderFps: 30 };
  readonly renderMode?: RenderMode;
  /** Frames on request (`requestFrames`), for consumers that read pixels (VLM rewards). */
  readonly capabilities: EnvCapabilities = { frames: { cameras: MOUNTAIN_CAR_CAMERAS } };
  private frames: MountainCarFrames | undefined;
  private readonly frameInfo: { frame?: RgbFrame; success?: boolean } = {};
  private readonly goalVelocity: number;
  private position = 0;
  private velocity = 0;
  private readonly obs = new Float32Array(2);
  private rng?: Rng;
  private closed = false;

  constructor(kwargs: Record<string, unknown> = {}) {
    const o = resolveParams(ID, kwargs, PARAMS, KWARG_WORDING);
    this.renderMode = o.renderMode;
    this.goalVelocity = o.goalVelocity;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (this.closed) throw closedError(ID);
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    else this.rng ??= Rng.fromEntropy();
    const [lo, hi] = resetBounds(ID, opts.options, -0.6, -0.4);
    this.position = this.rng.uniform(lo, hi);
    this.velocity = 0;
    this.writeObs();
    return { obs: this.obs, info: NO_INFO };
  }

  step(action: number): StepResult<Float32Array> {
    if (this.closed) throw closedError(ID);
    if (action !== 0 && action !== 1 && action !== 2) {
      throw new RxgymError(
        `${ID}: action ${String(action)} is outside the action space Discrete(3); use 0 (left), 1 (none) or 2 (right)`,
      );
    }
    if (this.rng === undefined)
      throw new RxgymError(`${ID}: step() called before reset(); call env.reset({ seed }) first`);
    let v = this.velocity + (action - 1) * FORCE + Math.cos(3 * this.position) * -GRAVITY;
    v = Math.min(Math.max(v, -MAX_SPEED), MAX_SPEED);
    let p = this.position + v;
    p = Math.min(Math.max(p, MIN_POS), MAX_POS);
    if (p === MIN_POS && v < 0) v = 0;
    this.position = p;
    this.velocity = v;
    const terminated = p >= GOAL_POS && v >= this.goalVelocity;
    this.writeObs();
    const r = this.finish(-1, terminated);
    if (this.frames) {
      this.frameInfo.frame = this.frames.render(p);
      this.frameInfo.success = terminated;
      r.info = this.frameInfo;
    }
    return r;
  }

  /** See FrameSource: from now on every step puts the frame after it in `info.frame` (null stops). */
  requestFrames(req: FrameRequest | null): void {
    this.frames = req ? new MountainCarFrames(ID, req) : undefined;
  }

  /** Reused by every step (no allocation on the hot path); all five fields are rewritten each step. */
  private readonly result = new ReusedStep(this.obs);

  private finish(reward: number, terminated: boolean): StepResult<Float32Array> {
    return this.result.set(this.obs, reward, terminated, GOAL_INFO[terminated ? 1 : 0]);
  }

  render(): string | RgbFrame | undefined {
    if (this.renderMode === 'ansi') return this.ansi();
    if (this.renderMode === 'rgb_array') return this.rgb();
    return undefined;
  }

  /** The physical state as plain JSON, for reward code. */
  state(): MountainCarState {
    return { position: this.position, velocity: this.velocity, goalPosition: GOAL_POS };
  }

  /** A .d.ts-style description of `state()` for prompts. */
  describeState(): string {
    return `// MountainCar-v0: an underpowered car in a valley (height = sin(3 * position)); actions accelerate left (0), none (1), right (2).
// It must rock back and forth to build momentum; the episode succeeds when position >= 0.5 (the flag on the right hill).
interface State {
  position: number;       // in [-1.2, 0.6]; the valley bottom is near -0.52
  velocity: number;       // in [-0.07, 0.07], positive = moving right
  goalPosition: number;   // 0.5
}`;
  }

  /** Ends the env: later `reset()` and `step()` calls throw; calling it again does nothing. */
  close(): void {
    this.closed = true;
  }

  private writeObs(): void {
    this.obs[0] = this.position;
    this.obs[1] = this.velocity;
  }

  private ansi(): string {
    const w = 48;
    const col = (x: number) => Math.round(((x - MIN_POS) / (MAX_POS - MIN_POS)) * (w - 1));
    const car = col(this.position),
      flag = col(GOAL_POS);
    const line = Array.from({ length: w }, (_, i) => (i === car ? 'C' : i === flag ? 'F' : '_')).join('');
    return `${line}\npos=${this.position.toFixed(4)} vel=${this.velocity.toFixed(4)}`;
  }

  private rgb(): RgbFrame {
    const W = 600,
      H = 400,
      scale = W / (MAX_POS - MIN_POS);
    const f = newFrame(W, H, [255, 255, 255]);
    clear(f, [255, 255, 255]);
    const height = (x: number) => Math.sin(3 * x) * 0.45 + 0.55;
    const px = (x: number) => (x - MIN_POS) * scale,
      py = (y: number) => H - y * scale;
    for (let k = 0; k < 99; k++) {
      const a = MIN_POS + (k / 99) * (MAX_POS - MIN_POS),
        b = MIN_POS + ((k + 1) / 99) * (MAX_POS - MIN_POS);
      thickLine(f, px(a), py(height(a)), px(b), py(height(b)), 2, [0, 0, 0]);
    }
    const ang = Math.cos(3 * this.position),
      ca = Math.cos(ang),
      sa = Math.sin(ang);
    const bx = px(this.position),
      by = height(this.position) * scale + 10;
    const corner = (l: number, t: number): [number, number] => [bx + l * ca - t * sa, H - (by + l * sa + t * ca)];
    fillPolygon(f, [corner(-20, 0), corner(-20, 20), corner(20, 20), corner(20, 0)], [0, 0, 0]);
    for (const l of [10, -10]) {
      const [wx, wy] = corner(l, 0);
      fillCircle(f, wx, wy, 8, [128, 128, 128]);
    }
    const fx = px(GOAL_POS),
      fy1 = height(GOAL_POS) * scale,
      fy2 = fy1 + 50;
    thickLine(f, fx, H - fy1, fx, H - fy2, 1, [0, 0, 0]);
    fillPolygon(
      f,
      [
        [fx, H - fy2],
        [fx, H - fy2 + 10],
        [fx + 25, H - fy2 + 5],
      ],
      [204, 204, 0],
    );
    return f;
  }
}

/** MountainCar's state for reward code. */
export interface MountainCarState {
  position: number;
  velocity: number;
  goalPosition: number;
}
