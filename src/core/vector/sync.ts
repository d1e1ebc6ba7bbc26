import { capabilitiesOf, type EnvCapabilities } from '../capabilities.js';
import type { Env, Info, RenderMode, RgbFrame } from '../env.js';
import { RxgymError } from '../env.js';
import type { Space, TypedArray } from '../spaces.js';
import { actionReader, allocObs, copyObs, obsLayout, obsWriter, type ActionReader, type ObsWriter } from './layout.js';
import { InfoBatch } from './info.js';
import type { AutoresetMode, VecInfo, VecObs, VectorEnv, VectorStep } from './types.js';
import {
  checkAutoresetMode,
  checkStepActions,
  endedError,
  failedError,
  findAttr,
  resetRequest,
  type SubEnvFailure,
  thrownMessage,
} from './common.js';
import { envRegistry, type EnvRegistry } from '../registry.js';
import { WorkerVectorEnv } from './worker.js';

/** Options of the vector env constructors. */
export interface VectorEnvOptions {
  /** When sub-envs restart after an episode ends (default 'next-step', as Gymnasium). */
  autoresetMode?: AutoresetMode;
  /**
   * Internal (WorkerVectorEnv): write into these buffers instead of allocating, e.g. views of SharedArrayBuffers.
   * Their sizes must match numEnvs and the observation layout.
   */
  buffers?: { obs: VecObs; rewards: Float32Array; terminations: Uint8Array; truncations: Uint8Array };
}

/**
 * N envs stepped one after the other in this thread, behind one batched interface with Gymnasium 1.x semantics:
 * - 'next-step': the step after env i ends resets it instead of stepping (its action is ignored; reward 0, flags
 * false).
 * - 'same-step': an env that ends is reset at once; `infos.finalObs[i]`/`infos.finalInfo[i]` hold the last observation
 * and info.
 * - 'disabled': an ended env must be reset with `reset({ options: { resetMask } })` before it is stepped again.
 * The returned `obs`, `rewards`, `terminations`, `truncations` and info columns are reused by the next call: copy what
 * you keep.
 */
export class SyncVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly autoresetMode: AutoresetMode;
  readonly metadata: { renderModes: RenderMode[]; autoresetMode: AutoresetMode };
  /** The sub-envs, in order. */
  readonly envs: Env<unknown, unknown>[];
  /** What sub-env 0 declares. */
  readonly capabilities: EnvCapabilities;
  private readonly obs: VecObs;
  private readonly rewards: Float32Array;
  private readonly terminations: Uint8Array;
  private readonly truncations: Uint8Array;
  /** 1 where the sub-env's episode ended and it awaits a reset. */
  private readonly ended: Uint8Array;
  private finalState = false;
  private readonly info: InfoBatch;
  private readonly write: ObsWriter;
  private readonly readAction: ActionReader;
  private readonly actionDim: number;
  private readonly result: VectorStep;
  private hasReset = false;
  private closed = false;
  /** The sub-env that threw in step or reset: steps are refused until a reset covers it. */
  private failure: SubEnvFailure | undefined;

  constructor(envFns: Array<() => Env<unknown, unknown>>, options: VectorEnvOptions = {}) {
    if (!Array.isArray(envFns) || envFns.length === 0) {
      throw new RxgymError('SyncVectorEnv: envFns must be a non-empty array of functions that each build one env');
    }
    this.autoresetMode = checkAutoresetMode(options.autoresetMode);
    this.envs = envFns.map((fn, i) => {
      if (typeof fn !== 'function')
        throw new RxgymError(`SyncVectorEnv: envFns[${i}] is not a function; pass () => make(id)`);
      return fn();
    });
    this.numEnvs = this.envs.length;
    const first = this.envs[0]!;
    this.singleObservationSpace = first.observationSpace;
    this.singleActionSpace = first.actionSpace;
    this.capabilities = capabilitiesOf(first);
    const sameObs = JSON.stringify(first.observationSpace.toJSON());
    const sameAct = JSON.stringify(first.actionSpace.toJSON());
    this.envs.forEach((e, i) => {
      if (
        JSON.stringify(e.observationSpace.toJSON()) !== sameObs ||
        JSON.stringify(e.actionSpace.toJSON()) !== sameAct
      ) {
        throw new RxgymError(
          `SyncVectorEnv: sub-env ${i} has different spaces from sub-env 0; all sub-envs must share observation and ` +
            `action spaces`,
        );
      }
    });
    this.metadata = { renderModes: [...first.metadata.renderModes], autoresetMode: this.autoresetMode };
    const layout = obsLayout(this.singleObservationSpace);
    this.obs = options.buffers?.obs ?? allocObs(layout, this.numEnvs);
    this.write = obsWriter(layout, this.obs);
    const ar = actionReader(this.singleActionSpace, this.numEnvs);
    this.readAction = ar.read;
    this.actionDim = ar.dim;
    this.rewards = options.buffers?.rewards ?? new Float32Array(this.numEnvs);
    this.terminations = options.buffers?.terminations ?? new Uint8Array(this.numEnvs);
    this.truncations = options.buffers?.truncations ?? new Uint8Array(this.numEnvs);
    this.ended = new Uint8Array(this.numEnvs);
    this.info = new InfoBatch(this.numEnvs);
    this.result = {
      obs: this.obs,
      rewards: this.rewards,
      terminations: this.terminations,
      truncations: this.truncations,
      infos: this.info.infos,
    };
  }

  /** Reset all sub-envs (or those in `options.resetMask`); `seed` seeds sub-env i with `seed + i`. */
  reset(opts: { seed?: number; options?: Record<string, unknown> } = {}): { obs: VecObs; infos: VecInfo } {
    this.assertOpen();
    const { mask, seed, options } = resetRequest(opts, this.numEnvs, this.autoresetMode);
    if (mask && !this.hasReset)
      throw new RxgymError(
        'vector env reset: the first reset must reset every sub-env; call reset() without resetMask first',
      );
    if (this.failure && (!mask || mask[this.failure.index])) this.failure = undefined;
    this.info.begin();
    let at = -1;
    try {
      for (let i = 0; i < this.numEnvs; i++) {
        if (mask && !mask[i]) continue;
        at = i;
        const r = this.envs[i]!.reset({ seed: seed === undefined ? undefined : seed + i, options });
        this.write(i, r.obs);
        this.info.add(i, r.info);
        this.ended[i] = 0;
      }
    } catch (e) {
      if (at >= 0) this.failure ??= { index: at, during: 'reset', message: thrownMessage(e) };
      throw e;
    }
    this.info.end();
    this.rewards.fill(0);
    this.terminations.fill(0);
    this.truncations.fill(0);
    this.hasReset = true;
    return { obs: this.obs, infos: this.info.infos };
  }

  /** Step every sub-env with its action (`numEnvs` values, or `numEnvs x actionDim` for array action spaces). */
  step(actions: TypedArray | ArrayLike<number>): VectorStep {
    this.assertOpen();
    if (this.failure) throw failedError(this.failure);
    checkStepActions(actions, this.hasReset, this.numEnvs, this.actionDim);
    const mode = this.autoresetMode;
    this.info.begin();
    // The sub-env being stepped (-1 outside a sub-env's own calls): what a throw below is recorded against.
    let at = -1;
    try {
      for (let i = 0; i < this.numEnvs; i++) {
        at = i;
        const env = this.envs[i]!;
        if (this.ended[i]) {
          if (mode === 'next-step') {
            const r = env.reset();
            this.write(i, r.obs);
            this.info.add(i, r.info);
            this.rewards[i] = 0;
            this.terminations[i] = 0;
            this.truncations[i] = 0;
            this.ended[i] = 0;
            continue;
          }
          at = -1;
          throw endedError(i);
        }
        const r = env.step(this.readAction(actions, i));
        this.rewards[i] = r.reward;
        this.terminations[i] = r.terminated ? 1 : 0;
        this.truncations[i] = r.truncated ? 1 : 0;
        if ((r.terminated || r.truncated) && mode === 'same-step') {
          const finalObs = copyObs(r.obs);
          // a copy: envs may reuse their info object, and the reset below would overwrite it
          const finalInfo: Info = { ...r.info };
          if (this.finalState) finalInfo.state = this.stateOf(i);
          const rr = env.reset();
          this.write(i, rr.obs);
          this.info.add(i, rr.info);
          this.info.set(i, 'finalObs', finalObs);
          this.info.set(i, 'finalInfo', finalInfo);
          continue;
        }
        if (r.terminated || r.truncated) this.ended[i] = 1;
        this.write(i, r.obs);
        this.info.add(i, r.info);
      }
    } catch (e) {
      if (at >= 0) this.failure = { index: at, during: 'step', message: thrownMessage(e) };
      throw e;
    }
    this.info.end();
    return this.result;
  }

  /** The sub-env that threw in step or reset, until a reset covers it (the worker thread reports it). */
  get failedSubEnv(): number | undefined {
    return this.failure?.index;
  }

  /** Call `method` (or read the property) on every sub-env, looking through wrappers. */
  call(method: string, ...args: unknown[]): unknown[] {
    this.assertOpen();
    return this.envs.map((e) => {
      const { owner, value } = findAttr(e, method);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).apply(owner, args) : value;
    });
  }

  /** See VectorEnv.captureFinalState: `finalInfo.state` holds the ending sub-env's state() in 'same-step' mode. */
  captureFinalState(on: boolean): void {
    this.finalState = on;
  }

  private stateOf(i: number): unknown {
    const { owner, value } = findAttr(this.envs[i]!, 'state');
    if (typeof value !== 'function')
      throw new RxgymError(`vector env: sub-env ${i} has no state() method, so its final state cannot be captured`);
    return (value as () => unknown).call(owner);
  }

  /** The render output of sub-env `index` (default 0). */
  render(index = 0): string | RgbFrame | undefined {
    this.assertOpen();
    const env = this.envs[index];
    if (!env) throw new RxgymError(`vector env render: index ${index} out of range [0, ${this.numEnvs})`);
    return env.render();
  }

  /** Close every sub-env; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const e of this.envs) e.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new RxgymError('vector env used after close(); build a new one');
  }
}

/** Options of `makeVec`. */
export interface MakeVecOptions {
  /** Number of sub-envs (default 1). */
  numEnvs?: number;
  /** 'sync' (default) steps in this thread; 'worker' spreads the envs over worker threads. */
  vectorization?: 'sync' | 'worker';
  autoresetMode?: AutoresetMode;
  /** Env kwargs, merged over the registered ones for every sub-env. */
  kwargs?: Record<string, unknown>;
  /** Worker threads for 'worker' (default min(numEnvs, available cores)). */
  numWorkers?: number;
  /** Episode limit of every sub-env, passed to `make` (default: the registered one; -1: no limit). */
  maxEpisodeSteps?: number;
  /** The env registry to build from (default: the global one behind `register`/`make`). */
  envs?: EnvRegistry;
}

const MAKEVEC_KEYS = new Set([
  'numEnvs',
  'vectorization',
  'autoresetMode',
  'kwargs',
  'numWorkers',
  'maxEpisodeSteps',
  'envs',
]);

/** Build `numEnvs` copies of a registered env as one vector env (each sub-env built by `make(id, kwargs)`). */
export function makeVec(id: string, opts: MakeVecOptions = {}): VectorEnv {
  for (const k of Object.keys(opts)) {
    if (!MAKEVEC_KEYS.has(k))
      throw new RxgymError(`makeVec: unknown option "${k}"; known options: ${[...MAKEVEC_KEYS].join(', ')}`);
  }
  const numEnvs = opts.numEnvs ?? 1;
  if (!Number.isInteger(numEnvs) || numEnvs < 1)
    throw new RxgymError(`makeVec: numEnvs must be a positive integer, got ${String(numEnvs)}`);
  const kwargs = opts.kwargs ?? {};
  const maxEpisodeSteps = opts.maxEpisodeSteps;
  if (
    maxEpisodeSteps !== undefined &&
    maxEpisodeSteps !== -1 &&
    !(Number.isInteger(maxEpisodeSteps) && maxEpisodeSteps > 0)
  ) {
    throw new RxgymError(
      `makeVec: maxEpisodeSteps must be a positive integer or -1 (no limit), got ${String(maxEpisodeSteps)}`,
    );
  }
  const envs = opts.envs ?? envRegistry;
  envs.spec(id);
  const vectorization = opts.vectorization ?? 'sync';
  if (vectorization === 'sync') {
    if (opts.numWorkers !== undefined)
      throw new RxgymError("makeVec: numWorkers applies only to vectorization 'worker'");
    const makeOpts = maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps };
    const fns = Array.from({ length: numEnvs }, () => () => envs.make(id, kwargs, makeOpts));
    return new SyncVectorEnv(fns, { autoresetMode: opts.autoresetMode });
  }
  if (vectorization === 'worker') {
    const { numWorkers, autoresetMode } = opts;
    return new WorkerVectorEnv(id, { numEnvs, numWorkers, autoresetMode, kwargs, maxEpisodeSteps, envs });
  }
  throw new RxgymError(`makeVec: unknown vectorization ${JSON.stringify(vectorization)}; use 'sync' or 'worker'`);
}

export type { Info };
