import { availableParallelism } from 'node:os';
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
  type TransferListItem,
} from 'node:worker_threads';
import type { EnvCapabilities } from '../capabilities.js';
import type { RenderMode, RgbFrame } from '../env.js';
import { RxgymError } from '../env.js';
import { envRegistry, type EnvRegistry } from '../registry.js';
import type { Space, TypedArray } from '../spaces.js';
import { actionReader, allocObs, isDictLayout, obsLayout, type ArrayKind } from './layout.js';
import {
  checkAutoresetMode,
  checkStepActions,
  endedError,
  failedError,
  resetRequest,
  type SubEnvFailure,
} from './common.js';
import { InfoBatch } from './info.js';
import type { AutoresetMode, VecInfo, VecObs, VectorEnv, VectorStep } from './types.js';
import { allocInfoTable, InfoTableReader, type InfoReply } from './worker-infos.js';
import {
  CAPTURE_FINAL_STATE,
  CMD,
  CTL,
  STATE,
  STATUS,
  type SharedArraySpec,
  type SupervisorInit,
  type WorkerExit,
  type WorkerInit,
  type WorkerReply,
} from './worker-protocol.js';
import { allocShared } from './worker-views.js';
import { workerExecArgv, workerModuleUrl, workerScriptUrl, workerSource } from './worker-modules.js';

/** Options of WorkerVectorEnv. */
export interface WorkerVectorEnvOptions {
  numEnvs: number;
  /** Worker threads (default min(numEnvs, available cores)); envs are split into contiguous blocks. */
  numWorkers?: number;
  autoresetMode?: AutoresetMode;
  /** Env kwargs for every sub-env. */
  kwargs?: Record<string, unknown>;
  /** Episode limit of every sub-env, passed to `make` (default: the registered one; -1: no limit). */
  maxEpisodeSteps?: number;
  /**
   * Module specifiers (absolute paths or file URLs) each worker imports before building envs, for envs registered
   * without a `source` (the id's own registrar, named by its spec's `source`, is always loaded).
   */
  imports?: string[];
  /** The env registry the id is read from in this thread (default: the global one behind `register`/`make`). */
  envs?: EnvRegistry;
  /** How long to wait for a worker to answer (default 120 s) before failing. */
  timeoutMs?: number;
}

interface Slot {
  ctl: Int32Array;
  port: MessagePort;
  infos: InfoTableReader;
  lo: number;
  hi: number;
}

/**
 * N envs spread over worker threads, with observations, rewards, flags, actions and number/boolean infos in
 * SharedArrayBuffers (other infos, and new info keys, cross by message).
 * Same semantics and, for the same seed, the same observations, rewards and flags as SyncVectorEnv; calls are
 * synchronous (the main thread waits on Atomics). Sub-envs are built by id in each worker from compiled JS (dist/):
 * a worker imports the registrar module named by the spec's `source` (plus the modules in `imports`, for envs
 * registered without one) and nothing else of the package. A supervisor thread watches the workers: one that
 * throws, exits or is terminated fails the call waiting on it at once, naming its sub-envs and its error.
 * The returned buffers are reused by the next call: copy what you keep.
 */
export class WorkerVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly numWorkers: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly autoresetMode: AutoresetMode;
  readonly metadata: { renderModes: RenderMode[]; autoresetMode: AutoresetMode };
  /** What the sub-envs declare, as the workers sent it at start. */
  readonly capabilities: EnvCapabilities = {};
  private readonly slots: Slot[] = [];
  private supervisor: Worker | undefined;
  /** Where the supervisor reports stopped workers; `exits` keeps the reports read so far, by worker index. */
  private readonly exitPort: MessagePort;
  private readonly exits = new Map<number, string>();
  private readonly obs: VecObs;
  private readonly rewards: Float32Array;
  private readonly terminations: Uint8Array;
  private readonly truncations: Uint8Array;
  private readonly actions: Float64Array;
  private readonly actionDim: number;
  private readonly ended: Uint8Array;
  private readonly info: InfoBatch;
  private readonly result: VectorStep;
  private readonly timeoutMs: number;
  private hasReset = false;
  private closed = false;
  /** The sub-env that threw in step or reset: steps are refused until a reset covers it (as SyncVectorEnv). */
  private failure: SubEnvFailure | undefined;

  constructor(
    readonly id: string,
    opts: WorkerVectorEnvOptions,
  ) {
    const numEnvs = opts?.numEnvs;
    if (!Number.isInteger(numEnvs) || numEnvs < 1)
      throw new RxgymError(`WorkerVectorEnv: numEnvs must be a positive integer, got ${String(numEnvs)}`);
    this.numEnvs = numEnvs;
    const numWorkers = opts.numWorkers ?? Math.min(numEnvs, availableParallelism());
    if (!Number.isInteger(numWorkers) || numWorkers < 1 || numWorkers > numEnvs) {
      throw new RxgymError(
        `WorkerVectorEnv: numWorkers must be an integer in [1, numEnvs=${numEnvs}], got ${String(numWorkers)}`,
      );
    }
    this.numWorkers = numWorkers;
    this.autoresetMode = checkAutoresetMode(opts.autoresetMode);
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    const kwargs = opts.kwargs ?? {};
    const maxEpisodeSteps = opts.maxEpisodeSteps;
    const envs = opts.envs ?? envRegistry;
    const source = envs.spec(id).source;
    const imports = (opts.imports ?? []).map(workerModuleUrl);
    if (!source && imports.length === 0) {
      throw new RxgymError(
        `WorkerVectorEnv: env "${id}" was registered without a source, so worker threads cannot register it; pass ` +
          "source: { module: import.meta.url, export: '<its registrar>' } to register(), or list its module in imports",
      );
    }
    const sources = source ? [workerSource(source)] : [];
    // Build one env here for the spaces (and to fail fast, with the registry's message, on a bad id, kwargs or limit).
    const probe = envs.make(id, kwargs, maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps });
    this.singleObservationSpace = probe.observationSpace;
    this.singleActionSpace = probe.actionSpace;
    this.metadata = { renderModes: [...probe.metadata.renderModes], autoresetMode: this.autoresetMode };
    probe.close();

    const layout = obsLayout(this.singleObservationSpace);
    const sabs = new Map<TypedArray, SharedArrayBuffer>();
    const alloc = (kind: ArrayKind, n: number) => {
      const a = allocShared(kind, n);
      sabs.set(a, a.buffer as SharedArrayBuffer);
      return a;
    };
    this.obs = allocObs(layout, numEnvs, alloc);
    const spec = (a: TypedArray, kind: ArrayKind): SharedArraySpec => ({ kind, sab: sabs.get(a)! });
    const obsSpecs: WorkerInit['obs'] = isDictLayout(layout)
      ? Object.fromEntries(
          Object.entries(layout).map(([k, l]) => [k, spec((this.obs as Record<string, TypedArray>)[k]!, l.kind)]),
        )
      : spec(this.obs as TypedArray, layout.kind);
    this.actionDim = actionReader(this.singleActionSpace, 1).dim;
    this.rewards = alloc('float32', numEnvs) as Float32Array;
    this.terminations = alloc('uint8', numEnvs) as Uint8Array;
    this.truncations = alloc('uint8', numEnvs) as Uint8Array;
    this.actions = alloc('float64', numEnvs * this.actionDim) as Float64Array;
    this.ended = new Uint8Array(numEnvs);
    this.info = new InfoBatch(numEnvs);
    this.result = {
      obs: this.obs,
      rewards: this.rewards,
      terminations: this.terminations,
      truncations: this.truncations,
      infos: this.info.infos,
    };

    const entry = workerScriptUrl('worker-entry').href;
    const supervisorUrl = workerScriptUrl('worker-supervisor');
    const exits = new MessageChannel();
    this.exitPort = exits.port1;
    const inits: WorkerInit[] = [];
    try {
      for (let w = 0; w < numWorkers; w++) {
        const lo = Math.floor((w * numEnvs) / numWorkers),
          hi = Math.floor(((w + 1) * numEnvs) / numWorkers);
        const ctl = new Int32Array(new SharedArrayBuffer(CTL.LENGTH * 4));
        const { port1, port2 } = new MessageChannel();
        const infos = allocInfoTable(hi - lo);
        const init: WorkerInit = {
          id,
          kwargs,
          maxEpisodeSteps,
          autoresetMode: this.autoresetMode,
          lo,
          hi,
          layout,
          actionDim: this.actionDim,
          sources,
          imports,
          obs: obsSpecs,
          rewards: sabs.get(this.rewards)!,
          terminations: sabs.get(this.terminations)!,
          truncations: sabs.get(this.truncations)!,
          actions: sabs.get(this.actions)!,
          ctl: ctl.buffer as SharedArrayBuffer,
          infos,
          port: port2,
        };
        inits.push(init);
        this.slots.push({ ctl, port: port1, infos: new InfoTableReader(infos, hi - lo), lo, hi });
      }
      const data: SupervisorInit = { entry, workers: inits, port: exits.port2 };
      const transferList = [exits.port2, ...inits.map((i) => i.port)];
      this.supervisor = startWorker(supervisorUrl, { workerData: data, transferList });
      this.supervisor.unref();
      // The workers signal once their envs are built (sending their capabilities); collect() raises the first error.
      const started = this.collect(this.slots, 'start') as Array<{ capabilities: EnvCapabilities }>;
      this.capabilities = started[0]?.capabilities ?? {};
    } catch (e) {
      this.terminateAll();
      throw e;
    }
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
    const active: Slot[] = [];
    for (const s of this.slots) {
      let local: Uint8Array | undefined;
      if (mask) {
        local = mask.slice(s.lo, s.hi);
        if (!local.some((v) => v === 1)) continue;
      }
      s.port.postMessage({
        seed: seed === undefined ? undefined : seed + s.lo,
        options: local ? { ...(options ?? {}), resetMask: local } : options,
      });
      active.push(s);
    }
    this.info.begin();
    this.dispatch(active, CMD.RESET);
    this.collect(active, 'reset');
    this.info.end();
    for (let i = 0; i < this.numEnvs; i++) if (!mask || mask[i]) this.ended[i] = 0;
    this.hasReset = true;
    return { obs: this.obs, infos: this.info.infos };
  }

  /** Step every sub-env with its action (`numEnvs` values, or `numEnvs x actionDim` for array action spaces). */
  step(actions: TypedArray | ArrayLike<number>): VectorStep {
    this.assertOpen();
    if (this.failure) throw failedError(this.failure);
    checkStepActions(actions, this.hasReset, this.numEnvs, this.actionDim);
    if (this.autoresetMode === 'disabled') {
      for (let i = 0; i < this.numEnvs; i++) {
        if (this.ended[i]) throw endedError(i);
      }
    }
    for (let k = 0; k < actions.length; k++) this.actions[k] = actions[k]!;
    this.info.begin();
    this.dispatch(this.slots, CMD.STEP);
    this.collect(this.slots, 'step');
    this.info.end();
    if (this.autoresetMode === 'disabled') {
      for (let i = 0; i < this.numEnvs; i++) this.ended[i] = this.terminations[i]! | this.truncations[i]!;
    }
    return this.result;
  }

  /** Call `method` (or read the property) on every sub-env; arguments and results cross threads by structured clone. */
  call(method: string, ...args: unknown[]): unknown[] {
    this.assertOpen();
    for (const s of this.slots) s.port.postMessage({ method, args });
    this.dispatch(this.slots, CMD.CALL);
    return this.collect(this.slots, 'call').flatMap((v) => v as unknown[]);
  }

  /** See VectorEnv.captureFinalState: each worker's vector env puts the ending env's state() into finalInfo.state. */
  captureFinalState(on: boolean): void {
    this.assertOpen();
    for (const s of this.slots) s.port.postMessage({ method: CAPTURE_FINAL_STATE, args: [on] });
    this.dispatch(this.slots, CMD.CALL);
    this.collect(this.slots, 'call');
  }

  /** The render output of sub-env `index` (default 0). */
  render(index = 0): string | RgbFrame | undefined {
    this.assertOpen();
    const s = this.slots.find((x) => index >= x.lo && index < x.hi);
    if (!Number.isInteger(index) || !s)
      throw new RxgymError(`vector env render: index ${index} out of range [0, ${this.numEnvs})`);
    s.port.postMessage({ index: index - s.lo });
    this.dispatch([s], CMD.RENDER);
    return this.collect([s], 'render')[0] as string | RgbFrame | undefined;
  }

  /** Close the sub-envs and stop the workers; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // A worker that already stopped has nothing left to close.
    const alive = this.slots.filter((s) => !Atomics.load(s.ctl, CTL.EXITED));
    try {
      this.dispatch(alive, CMD.CLOSE);
      this.collect(alive, 'close');
    } finally {
      this.terminateAll();
    }
  }

  private dispatch(slots: Slot[], cmd: number): void {
    for (const s of slots) {
      Atomics.store(s.ctl, CTL.CMD, cmd);
      Atomics.store(s.ctl, CTL.STATUS, STATUS.OK);
      Atomics.store(s.ctl, CTL.HAS_MSG, 0);
      Atomics.store(s.ctl, CTL.STATE, STATE.REQUEST);
      Atomics.notify(s.ctl, CTL.STATE);
    }
  }

  /**
   * Wait for every slot, merge infos, return the reply values; throws the first worker error after all have answered.
   */
  private collect(slots: Slot[], what: string): unknown[] {
    const values: unknown[] = [];
    let error: string | undefined;
    for (const s of slots) {
      this.awaitDone(s, what);
      Atomics.store(s.ctl, CTL.STATE, STATE.IDLE);
      let reply: WorkerReply | undefined;
      if (Atomics.load(s.ctl, CTL.HAS_MSG)) {
        reply = receiveMessageOnPort(s.port)?.message as WorkerReply | undefined;
        if (!reply) {
          error ??= `worker for envs ${s.lo}..${s.hi - 1} signalled a reply that did not arrive`;
          continue;
        }
        if (!reply.ok) {
          error ??= reply.message;
          if (reply.subEnv !== undefined && (what === 'step' || what === 'reset'))
            this.failure ??= { index: reply.subEnv, during: what, message: reply.message };
          continue;
        }
      }
      const value = reply?.ok ? reply.value : undefined;
      if (what === 'step' || what === 'reset') s.infos.merge(this.info, s.lo, value as InfoReply | undefined);
      else if (reply) values.push(value);
    }
    if (error !== undefined) {
      if (what === 'start') {
        this.closed = true;
        this.terminateAll();
      }
      throw new RxgymError(error);
    }
    return values;
  }

  /** Wait until the worker of `s` has answered (STATE DONE), or fail after timeoutMs. */
  private awaitDone(s: Slot, what: string): void {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      // Sleep only on the value just checked (re-reading it could read DONE and sleep through its notify).
      const state = Atomics.load(s.ctl, CTL.STATE);
      if (state === STATE.DONE) return;
      if (Atomics.load(s.ctl, CTL.EXITED)) {
        this.closed = true;
        this.terminateAll();
        const why = this.exitOf(this.slots.indexOf(s));
        throw new RxgymError(
          `WorkerVectorEnv(${this.id}): the worker thread of sub-envs ${s.lo}..${s.hi - 1} stopped during ${what}: ` +
            `${why}; the other workers were stopped, build a new vector env`,
        );
      }
      if (Date.now() > deadline) {
        this.closed = true;
        this.terminateAll();
        throw new RxgymError(
          `WorkerVectorEnv(${this.id}): worker for envs ${s.lo}..${s.hi - 1} did not answer ${what} within ` +
            `${this.timeoutMs} ms; the workers were stopped`,
        );
      }
      Atomics.wait(s.ctl, CTL.STATE, state, 50);
    }
  }

  /** What the supervisor reported for worker `w` (its error, or its exit code). */
  private exitOf(w: number): string {
    for (;;) {
      const known = this.exits.get(w);
      if (known !== undefined) return known;
      const m = receiveMessageOnPort(this.exitPort)?.message as WorkerExit | undefined;
      if (!m) return 'it stopped without a report';
      this.exits.set(m.worker, m.message);
    }
  }

  private terminateAll(): void {
    for (const s of this.slots) s.port.close();
    this.exitPort.close();
    // Terminating the supervisor also ends the env workers it started.
    void this.supervisor?.terminate();
  }

  private assertOpen(): void {
    if (this.closed) throw new RxgymError('vector env used after close(); build a new one');
  }
}

/**
 * Start a worker with exec flags it accepts: the parent's, without those only the main thread may have (see
 * workerExecArgv), or none when Node rejects what is left (V8 and process-wide flags given explicitly).
 */
function startWorker(url: URL, opts: { workerData: unknown; transferList: TransferListItem[] }): Worker {
  const execArgv = workerExecArgv();
  try {
    return new Worker(url, { ...opts, execArgv });
  } catch (e) {
    if (execArgv === undefined || (e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    return new Worker(url, { ...opts, execArgv: [] });
  }
}
