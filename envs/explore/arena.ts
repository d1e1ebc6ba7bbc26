import type { CapableEnv, EnvCapabilities, FrameRequest, FrameSource } from '../../src/core/capabilities.js';
import type { Env, Info, RenderMode, ResetOptions, ResetResult, RgbFrame, StepResult } from '../../src/core/env.js';
import { ARENA_CAMERAS, ArenaFrames } from './arena-frames.js';
import { RxgymError } from '../../src/core/env.js';
import { Rng } from '../../src/core/rng.js';
import { formatValue } from '../../src/core/space-format.js';
import { Box, type TypedArray } from '../../src/core/spaces.js';
import { OPTION_WORDING, defineParams, resolveParams } from '../../src/core/params.js';

const ID = 'Explore-Arena-v0';

/** Options of Explore-Arena-v0. */
const ARENA_PARAMS = defineParams({
  size: { kind: 'number', positive: true, default: 10, doc: 'half-width of the square arena' },
  dt: { kind: 'number', positive: true, default: 0.1, doc: 'seconds per step' },
  damping: { kind: 'number', positive: true, below: 1, default: 0.1, doc: 'fraction of the velocity lost per step' },
  renderMode: { kind: 'enum', values: ['ansi', 'rgb_array'], optional: true, doc: 'how render() draws' },
});

/**
 * A continuous 2-D point mass in an open square arena `[-size, size]^2`, no reward: the action is a
 * force in [-1, 1]^2, velocity decays by `damping` each step, walls stop the mass. Observation
 * (x, y, vx, vy). `info.cell` is the index of the unit grid cell under the mass (`info.numCells` of them).
 * The start is uniform in the central unit square, seeded by `reset({ seed })`.
 */
export class ExploreArena implements Env<TypedArray, TypedArray>, CapableEnv, FrameSource {
  readonly observationSpace: Box;
  readonly actionSpace = new Box(-1, 1, [2]);
  readonly metadata = { renderModes: ['ansi', 'rgb_array'] as RenderMode[], renderFps: 20 };
  readonly renderMode?: RenderMode;
  readonly size: number;
  readonly numCells: number;
  /** The cell is the unit square under the mass: a grid of resolution 1 over (x, y) of the observation. */
  readonly capabilities: EnvCapabilities = {
    exploration: { kind: 'box', key: 'obs', resolution: 1 },
    frames: { cameras: ARENA_CAMERAS },
  };
  private readonly dt: number;
  private readonly damping: number;
  private readonly obs = new Float32Array(4);
  private readonly info: Info = { message: '', success: false, cell: 0, numCells: 0 };
  private rng = new Rng(0);
  private started = false;
  private closed = false;
  private readonly side: number;
  /** Draws `info.frame` after every step once `requestFrames` asked for it. */
  private frames: ArenaFrames | undefined;
  /** Draws `render()` in 'rgb_array' mode. */
  private readonly rgb: ArenaFrames | undefined;

  constructor(kwargs: Record<string, unknown> = {}) {
    const o = resolveParams(ID, kwargs, ARENA_PARAMS, OPTION_WORDING);
    this.size = o.size;
    this.dt = o.dt;
    this.damping = o.damping;
    this.renderMode = o.renderMode;
    if (this.renderMode === 'rgb_array') this.rgb = new ArenaFrames(ID, { width: 128, height: 128 }, this.size);
    this.side = Math.ceil(2 * this.size);
    this.numCells = this.side * this.side;
    this.info.numCells = this.numCells;
    const inf = Number.POSITIVE_INFINITY;
    this.observationSpace = new Box([-this.size, -this.size, -inf, -inf], [this.size, this.size, inf, inf], [4]);
  }

  private cell(): number {
    const cx = Math.min(this.side - 1, Math.floor(this.obs[0]! + this.size));
    const cy = Math.min(this.side - 1, Math.floor(this.obs[1]! + this.size));
    return cy * this.side + cx;
  }

  reset(opts: ResetOptions = {}): ResetResult<TypedArray> {
    if (this.closed) throw new RxgymError(`${ID}: env is closed; create a new one with make()`);
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    this.obs[0] = this.rng.uniform(-0.5, 0.5);
    this.obs[1] = this.rng.uniform(-0.5, 0.5);
    this.obs[2] = 0;
    this.obs[3] = 0;
    this.started = true;
    this.info.cell = this.cell();
    return { obs: this.obs, info: this.info };
  }

  step(action: TypedArray): StepResult<TypedArray> {
    if (this.closed) throw new RxgymError(`${ID}: env is closed; create a new one with make()`);
    if (!this.started) throw new RxgymError(`${ID}: step() called before reset(); call env.reset({ seed }) first`);
    if (action.length !== 2)
      throw new RxgymError(`${ID}: action must have 2 values (force x, y), got ${action.length}`);
    for (let j = 0; j < 2; j++) {
      if (Number.isNaN(Number(action[j]))) {
        const axis = j === 0 ? 'x' : 'y';
        const fix = 'give 2 numbers (force x, y; clipped to [-1, 1])';
        throw new RxgymError(`${ID}: action ${formatValue(action)} has NaN as force ${axis}; ${fix}`);
      }
    }
    for (let j = 0; j < 2; j++) {
      const f = Math.max(-1, Math.min(1, Number(action[j]) || 0));
      let v = (this.obs[2 + j]! + f * this.dt) * (1 - this.damping);
      let p = this.obs[j]! + v * this.dt * 10;
      if (p > this.size) {
        p = this.size;
        v = 0;
      }
      if (p < -this.size) {
        p = -this.size;
        v = 0;
      }
      this.obs[j] = p;
      this.obs[2 + j] = v;
    }
    this.info.cell = this.cell();
    if (this.frames) this.info.frame = this.frames.render(this.obs[0]!, this.obs[1]!);
    return { obs: this.obs, reward: 0, terminated: false, truncated: false, info: this.info };
  }

  /** See FrameSource: from now on every step puts the frame after it in `info.frame` (null stops). */
  requestFrames(req: FrameRequest | null): void {
    this.frames = req ? new ArenaFrames(ID, req, this.size) : undefined;
  }

  render(): string | RgbFrame | undefined {
    if (!this.started) return undefined;
    if (this.rgb) {
      const f = this.rgb.render(this.obs[0]!, this.obs[1]!);
      return { width: f.width, height: f.height, data: f.data.slice() };
    }
    if (this.renderMode !== 'ansi') return undefined;
    const c = this.cell();
    const rows: string[] = [];
    for (let y = 0; y < this.side; y++) {
      let row = '';
      for (let x = 0; x < this.side; x++) row += y * this.side + x === c ? '@' : '.';
      rows.push(row);
    }
    return rows.join('\n');
  }

  /** Ends the env: later `reset()` and `step()` calls throw; calling it again does nothing. */
  close(): void {
    this.closed = true;
  }
}
