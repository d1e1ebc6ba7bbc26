import type { MjData, MjModel } from '@mujoco/mujoco';
import {
  type CapableEnv,
  checkFrameSize,
  type EnvCapabilities,
  type FrameRequest,
  type FrameSource,
} from '../../src/core/capabilities.js';
import type {
  DescribedEnv,
  Env,
  EnvSpec,
  Info,
  RenderMode,
  ResetOptions,
  ResetResult,
  RgbFrame,
  StepResult,
} from '../../src/core/env.js';
import { RxgymError } from '../../src/core/env.js';
import { Rng } from '../../src/core/rng.js';
import { Box, type TypedArray } from '../../src/core/spaces.js';
import { compileModel, createData, deleteData, mujoco, type Mujoco } from './loader.js';
import { OPTION_WORDING, pickParams, resolveParams, type ParamSchema, type ParamsOf } from '../../src/core/params.js';
import { MUJOCO_PARAMS, type MujocoCommonKwargs } from './params.js';
import { cameraNames, RayRenderer, resolveCamera } from './renderer.js';

/** What a concrete MuJoCo env tells the base class. */
export interface MujocoEnvConfig {
  /** Env id, for messages. */
  id: string;
  /** The MJCF model. */
  xml: string;
  /** Physics steps per env step. */
  frameSkip: number;
  /** Length of the flat observation vector (or a function of the compiled model). */
  obsDim: number | ((model: MjModel) => number);
  /** Call mj_rnePostConstraint after stepping (needed when cfrc_ext is observed or rewarded). */
  needsContactForces?: boolean;
  /** Options this env accepts beyond MUJOCO_PARAMS (the env reads them with `options(schema)`). */
  params?: ParamSchema;
  /** The action box; default: the actuators' ctrlrange. */
  actionLow?: number;
  actionHigh?: number;
  /** Action length when actions are not actuator controls (then `applyAction` maps them; ctrl is not copied). */
  actionDim?: number;
}

/** Result of the env-specific part of a step. */
export interface StepOutcome {
  reward: number;
  terminated: boolean;
  info: Info;
}

/**
 * Base of every rxgym MuJoCo env: owns one MjModel + MjData, applies the action as ctrl, runs
 * `mj_step` frameSkip times, optionally `mj_rnePostConstraint`, validates actions, seeds reset noise
 * through `Rng`, renders with the ray caster, and frees everything in `close()` (idempotent).
 */
export abstract class MujocoEnv<S = unknown>
  implements Env<TypedArray, TypedArray>, DescribedEnv<S>, CapableEnv, FrameSource
{
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  spec?: EnvSpec;
  readonly metadata: { renderModes: RenderMode[]; renderFps: number };
  readonly renderMode?: RenderMode;
  /** Simulated seconds per env step (timestep x frameSkip). */
  readonly dt: number;
  /** The MJCF text this env was compiled from. */
  readonly mjcf: string;
  protected readonly mj: Mujoco;
  protected readonly id: string;
  protected readonly frameSkip: number;
  protected rng: Rng;
  protected readonly initQpos: Float64Array;
  protected readonly initQvel: Float64Array;
  protected readonly lastAction: Float64Array;
  private _model: MjModel | undefined;
  private _data: MjData | undefined;
  private renderer: RayRenderer | undefined;
  /** Renders `info.frame` after every step once `requestFrames` asked for it. */
  private frames: { renderer: RayRenderer; frame: RgbFrame } | undefined;
  /** Renders frames from the model's cameras (its default first) or the free camera. */
  readonly capabilities: EnvCapabilities;
  private readonly needsRne: boolean;
  private readonly clip: boolean;
  private readonly directCtrl: boolean;

  constructor(
    cfg: MujocoEnvConfig,
    protected readonly kwargs: Record<string, unknown> & MujocoCommonKwargs,
  ) {
    // every key and value is checked before the model compiles; each part then reads its own options
    resolveParams(cfg.id, kwargs, { ...MUJOCO_PARAMS, ...cfg.params }, OPTION_WORDING);
    this.mj = mujoco();
    this.id = cfg.id;
    const o = this.options(MUJOCO_PARAMS);
    this.frameSkip = cfg.frameSkip;
    this.mjcf = cfg.xml;
    this.needsRne = cfg.needsContactForces ?? false;
    this.clip = o.clipActions;
    this.rng = new Rng(o.seed);
    const model = compileModel(cfg.xml, cfg.id);
    this._model = model;
    try {
      this._data = createData(model, cfg.id);
      this.renderMode = o.renderMode;
      const camera = resolveCamera(model, cfg.id, o.camera);
      if (this.renderMode === 'rgb_array') this.renderer = new RayRenderer(model, o.width, o.height, camera);
    } catch (err) {
      this.close();
      throw err;
    }
    this.capabilities = { frames: { cameras: cameraNames(model, cfg.id) } };
    this.dt = model.opt.timestep * cfg.frameSkip;
    this.metadata = { renderModes: ['rgb_array'], renderFps: Math.round(1 / this.dt) };
    this.initQpos = Float64Array.from(this.data.qpos as Float64Array);
    this.initQvel = Float64Array.from(this.data.qvel as Float64Array);
    const nu = cfg.actionDim ?? model.nu;
    this.directCtrl = cfg.actionDim === undefined;
    const range = model.actuator_ctrlrange as Float64Array;
    const low = new Float64Array(nu),
      high = new Float64Array(nu);
    for (let i = 0; i < nu; i++) {
      low[i] = cfg.actionLow ?? Math.round(range[2 * i]! * 1e6) / 1e6;
      high[i] = cfg.actionHigh ?? Math.round(range[2 * i + 1]! * 1e6) / 1e6;
    }
    this.actionSpace = new Box(low, high, [nu], 'float32');
    this.observationSpace = new Box(
      -Infinity,
      Infinity,
      [typeof cfg.obsDim === 'number' ? cfg.obsDim : cfg.obsDim(model)],
      'float32',
    );
    this.lastAction = new Float64Array(nu);
  }

  /** This env's options of `schema` (checked with the others at construction), typed. */
  protected options<P extends ParamSchema>(schema: P): ParamsOf<P> {
    return resolveParams(this.id, pickParams(this.kwargs, schema), schema, OPTION_WORDING);
  }

  /** The compiled model (throws after close). */
  get model(): MjModel {
    if (!this._model) throw new RxgymError(`${this.id}: env is closed; create a new one with make()`);
    return this._model;
  }

  /**
   * Cached typed views over MjData arrays. A view detaches (length 0) when the WASM heap grows (any
   * allocation, e.g. another env's MjData), so each accessor re-reads the view exactly then.
   */
  private views: Record<string, Float64Array> = {};
  private view(name: 'qpos' | 'qvel' | 'ctrl' | 'xpos' | 'cfrc_ext'): Float64Array {
    const v = this.views[name];
    if (v !== undefined && v.length > 0) return v;
    const fresh = this.data[name] as Float64Array;
    this.views[name] = fresh;
    return fresh;
  }
  /** Joint positions (live view). */
  protected get qpos(): Float64Array {
    return this.view('qpos');
  }
  /** Joint velocities (live view). */
  protected get qvel(): Float64Array {
    return this.view('qvel');
  }
  /** Body positions, 3 per body (live view). */
  protected get xpos(): Float64Array {
    return this.view('xpos');
  }
  /** External contact wrenches, 6 per body (live view; valid after mj_rnePostConstraint). */
  protected get cfrcExt(): Float64Array {
    return this.view('cfrc_ext');
  }

  /** The simulation data (throws after close). */
  get data(): MjData {
    if (!this._data) throw new RxgymError(`${this.id}: env is closed; create a new one with make()`);
    return this._data;
  }

  reset(opts: ResetOptions = {}): ResetResult<TypedArray> {
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    const m = this.model,
      d = this.data;
    this.mj.mj_resetData(m, d);
    this.lastAction.fill(0);
    this.resetModel(opts.options ?? {});
    this.mj.mj_forward(m, d);
    if (this.needsRne) this.mj.mj_rnePostConstraint(m, d);
    this.afterReset();
    return { obs: this.observe(), info: this.resetInfo() };
  }

  step(action: TypedArray): StepResult<TypedArray> {
    const m = this.model,
      d = this.data;
    this.readAction(action);
    this.beforeStep();
    if (this.directCtrl) this.view('ctrl').set(this.lastAction);
    this.applyAction(this.lastAction);
    for (let i = 0; i < this.frameSkip; i++) this.mj.mj_step(m, d);
    if (this.needsRne) this.mj.mj_rnePostConstraint(m, d);
    const out = this.afterStep(this.lastAction);
    if (this.frames) out.info.frame = this.frames.renderer.render(d, this.frames.frame);
    return { obs: this.observe(), reward: out.reward, terminated: out.terminated, truncated: false, info: out.info };
  }

  render(): RgbFrame | undefined {
    if (!this.renderer) {
      throw new RxgymError(
        `${this.id}: render() needs renderMode 'rgb_array' at construction, e.g. make('${this.id}', { renderMode: ` +
          `'rgb_array' })`,
      );
    }
    return this.renderer.render(this.data);
  }

  /** See FrameSource: from now on every step puts the frame after it in `info.frame` (null stops). */
  requestFrames(req: FrameRequest | null): void {
    this.frames?.renderer.dispose();
    this.frames = undefined;
    if (!req) return;
    const { width, height } = req;
    checkFrameSize(this.id, req);
    const renderer = new RayRenderer(this.model, width, height, resolveCamera(this.model, this.id, req.camera));
    this.frames = { renderer, frame: { width, height, data: new Uint8Array(width * height * 3) } };
  }

  close(): void {
    this.frames?.renderer.dispose();
    this.frames = undefined;
    this.renderer?.dispose();
    this.renderer = undefined;
    if (this._data) deleteData(this._data);
    this._data = undefined;
    this.views = {};
    this._model?.delete();
    this._model = undefined;
  }

  /** The env's compact plain-JSON state for reward code. */
  abstract state(): S;
  /** The .d.ts-style description of `state()`. */
  abstract describeState(): string;
  /** The observation vector of the current state. */
  protected abstract observe(): Float32Array;
  /** Place the model in its initial state (qpos/qvel + noise); runs after mj_resetData, before mj_forward. */
  protected abstract resetModel(options: Record<string, unknown>): void;
  /** Env-specific reward, termination and info after the physics steps. */
  protected abstract afterStep(action: Float64Array): StepOutcome;
  /** Hook before physics (e.g. remember the x position). */
  protected beforeStep(): void {}
  /** Hook after reset's mj_forward. */
  protected afterReset(): void {}
  /** Hook to act on the action beyond ctrl (e.g. mocap). */
  protected applyAction(_action: Float64Array): void {}
  /** Info returned by reset. */
  protected resetInfo(): Info {
    return {};
  }

  /** Set qpos = init + U(-s, s) and qvel = init + U(-s, s) (or N(0, s) when `normalVel`). */
  protected setNoisyState(scale: number, normalVel = false): void {
    const qpos = this.qpos,
      qvel = this.qvel;
    for (let i = 0; i < qpos.length; i++) qpos[i] = this.initQpos[i]! + this.rng.uniform(-scale, scale);
    for (let i = 0; i < qvel.length; i++)
      qvel[i] = this.initQvel[i]! + (normalVel ? scale * this.rng.normal() : this.rng.uniform(-scale, scale));
  }

  private readAction(action: unknown): void {
    const n = this.lastAction.length;
    if (action === null || typeof action !== 'object' || typeof (action as ArrayLike<number>).length !== 'number') {
      throw new RxgymError(
        `${this.id}: action must be a Float32Array (or number[]) of length ${n}, got ${typeof action}`,
      );
    }
    const a = action as ArrayLike<number>;
    if (a.length !== n) throw new RxgymError(`${this.id}: action has length ${a.length}, the action space needs ${n}`);
    const lo = this.actionSpace.low,
      hi = this.actionSpace.high;
    for (let i = 0; i < n; i++) {
      const v = a[i]!;
      if (typeof v !== 'number' || Number.isNaN(v))
        throw new RxgymError(`${this.id}: action[${i}] is ${String(v)}; actions must be finite numbers`);
      if (v < lo[i]! - 1e-6 || v > hi[i]! + 1e-6) {
        if (!this.clip) {
          throw new RxgymError(
            `${this.id}: action[${i}] = ${v} is outside [${lo[i]}, ${hi[i]}]; clip it (or make the env with { ` +
              `clipActions: true })`,
          );
        }
        this.lastAction[i] = Math.min(hi[i]!, Math.max(lo[i]!, v));
      } else this.lastAction[i] = Math.min(hi[i]!, Math.max(lo[i]!, v));
    }
  }
}
