import { Observable } from 'rxjs';
import type { TypedArray } from '../core/spaces.js';
import { RxgymError, type Info, type RgbFrame } from '../core/env.js';
import type { VecInfo, VecObs, VectorEnv } from '../core/vector/types.js';
import { allocObsBatch, obsLayout, type ObsBatch, type ObsKeyLayout } from '../core/obs-batch.js';
import type { FrameRequest } from '../core/capabilities.js';
import type { EpisodeSummary, FrameBatch, StepLabelBatch, TransitionBatch } from './batch.js';
import type { Policy } from './policy.js';

/** Options of a rollout. */
export interface RolloutOptions {
  /** Seed of the first `reset` (sub-env i gets seed + i). Default 0. */
  seed?: number;
  /** Collect `state()` before/after every transition (for reward code that reads env state). */
  needsStates?: boolean;
  /** Collect the frame after every transition into `batch.frames` (the env must declare the `frames` capability). */
  frames?: FrameRequest;
  /** Called after every vector step with the step index within the batch (frames for watchers). */
  onStep?: (t: number) => void;
}

/** What a trigger may ask of the next rollout: cut every episode at its end and restart the envs with `reseed`. */
export interface CollectRequest {
  cutAndReseed?: number;
}

function keyArray(obs: VecObs | unknown, key: string): ArrayLike<number> {
  if (typeof obs === 'number') return [obs];
  if (ArrayBuffer.isView(obs)) return obs as unknown as ArrayLike<number>;
  const v = (obs as Record<string, unknown>)[key];
  if (typeof v === 'number') return [v];
  return v as ArrayLike<number>;
}

function masked(infos: VecInfo, key: string, i: number): unknown {
  const mask = infos[`_${key}`] as Uint8Array | undefined;
  const col = infos[key] as ArrayLike<unknown> | undefined;
  if (!col || (mask && !mask[i])) return undefined;
  return col[i];
}

/** Ask every sub-env for frames after each step; an env that cannot render is an error naming the fix. */
function requestFrames(env: VectorEnv, req: FrameRequest): void {
  const cams = env.capabilities.frames?.cameras;
  if (!cams) {
    throw new RxgymError(
      'a reward source needs rendered frames but this env cannot render them (it declares no `frames` capability); ' +
        'use an env that renders (MuJoCo, Dungeon-*, Explore-Arena-v0)',
    );
  }
  if (req.camera !== undefined && !cams.includes(req.camera)) {
    throw new RxgymError(
      `unknown camera "${req.camera}" for frames; this env has ${cams.map((c) => `"${c}"`).join(', ')}`,
    );
  }
  env.call('requestFrames', req);
}

/** Copy one sub-env's frame into row `k` of the batch's frame buffer. */
function copyFrame(frames: FrameBatch, k: number, frame: unknown): void {
  const f = frame as RgbFrame | undefined;
  if (!f || f.width !== frames.width || f.height !== frames.height) {
    const got = f ? `${f.width}x${f.height}` : 'none';
    throw new RxgymError(
      `the env returned frame ${got} after a step where ${frames.width}x${frames.height} was requested`,
    );
  }
  const size = frames.width * frames.height * 3;
  frames.data.set(f.data.subarray(0, size), k * size);
}

/** Row `k` of the step labels: from the terminal step's info where the episode ended, else from sub-env `i`'s. */
function copyStepLabels(l: StepLabelBatch, k: number, infos: VecInfo, i: number, finalInfo: Info | undefined): void {
  const get = (key: string): unknown => (finalInfo ? finalInfo[key] : masked(infos, key, i));
  l.correct[k] = get('stepCorrect') ? 1 : 0;
  l.useful[k] = get('stepUseful') ? 1 : 0;
  l.onTrack[k] = get('onTrack') ? 1 : 0;
  const p = get('problemId');
  l.problem[k] = typeof p === 'number' ? p : -1;
}

/**
 * Steps a vector env (autoreset 'same-step') with a policy and fills one reusable `TransitionBatch` of
 * T x N transitions per `collect()`: one batched `policy.act` per step across envs, episode bookkeeping,
 * true successor observations (the final observation where an episode ended), success and message columns.
 */
export class Rollout {
  readonly batch: TransitionBatch;
  readonly numEnvs: number;
  /** Environment steps taken so far (all envs). */
  globalStep = 0;
  private readonly layout: ObsKeyLayout[];
  private readonly cur: Record<string, TypedArray> = {};
  private readonly rowViews: ObsBatch[] = [];
  private readonly epReturn: Float64Array;
  private readonly epLength: Int32Array;
  private readonly epId: Int32Array;
  private curMask: Uint8Array | undefined;
  private curStates: unknown[] | undefined;
  private readonly actionIsInt: boolean;
  private actionDim = 0;

  constructor(
    readonly env: VectorEnv,
    readonly policy: Policy,
    readonly steps: number,
    private readonly opts: RolloutOptions = {},
  ) {
    if (env.autoresetMode !== 'same-step') {
      throw new RxgymError(
        `rollout needs a vector env with autoresetMode 'same-step' (got '${env.autoresetMode}'); build it with ` +
          `makeVec(id, { autoresetMode: 'same-step' })`,
      );
    }
    if (!Number.isInteger(steps) || steps < 1)
      throw new RxgymError(`rollout steps must be a positive integer, got ${steps}`);
    this.numEnvs = env.numEnvs;
    // reward code reads the state after the last step of an episode, which the same-step reset would replace
    if (opts.needsStates) env.captureFinalState?.(true);
    if (opts.frames) requestFrames(env, opts.frames);
    const first = env.reset({ seed: opts.seed ?? 0 });
    this.layout = obsLayout(env.singleObservationSpace, first.obs, this.numEnvs);
    const rows = steps * this.numEnvs;
    const n = this.numEnvs;
    this.actionIsInt = env.singleActionSpace.shape.length === 0; // Discrete
    this.batch = {
      numSteps: steps,
      numEnvs: n,
      obs: allocObsBatch(this.layout, rows),
      nextObs: allocObsBatch(this.layout, rows),
      actions: this.actionIsInt ? new Int32Array(rows) : new Float32Array(0),
      actionDim: 1,
      rewards: new Float32Array(rows),
      terminations: new Uint8Array(rows),
      truncations: new Uint8Array(rows),
      globalStep: 0,
      episodeIds: new Int32Array(rows),
      episodeSteps: new Int32Array(rows),
      episodes: [],
    };
    if (env.capabilities.stepLabels) {
      const rows8 = (): Uint8Array => new Uint8Array(rows);
      this.batch.stepLabels = { correct: rows8(), useful: rows8(), onTrack: rows8(), problem: new Int32Array(rows) };
    }
    if (opts.frames) {
      const { width, height } = opts.frames;
      this.batch.frames = { width, height, count: rows, data: new Uint8Array(rows * width * height * 3) };
    }
    for (let t = 0; t < steps; t++) {
      const view: ObsBatch = {};
      for (const l of this.layout)
        view[l.key] = {
          data: this.batch.obs[l.key]!.data.subarray(t * n * l.dim, (t + 1) * n * l.dim),
          shape: l.shape,
        };
      this.rowViews.push(view);
    }
    for (const l of this.layout) this.cur[l.key] = new l.ctor(n * l.dim);
    this.epReturn = new Float64Array(n);
    this.epLength = new Int32Array(n);
    this.epId = new Int32Array(n);
    this.takeObs(first.obs, first.infos);
  }

  /** Reset every env with `seed` (sub-env i gets seed + i) and start fresh episodes. */
  reset(seed: number): void {
    const r = this.env.reset({ seed });
    this.epReturn.fill(0);
    this.epLength.fill(0);
    for (let i = 0; i < this.numEnvs; i++) this.epId[i]! += 1;
    this.takeObs(r.obs, r.infos);
  }

  private takeObs(obs: VecObs, infos: VecInfo): void {
    for (const l of this.layout) this.cur[l.key]!.set(keyArray(obs, l.key));
    const m = infos.actionMask as unknown[] | undefined;
    if (m) {
      const n = this.numEnvs;
      const width = (m.find((x) => x != null) as ArrayLike<number> | undefined)?.length ?? 0;
      if (!this.curMask || this.curMask.length !== n * width) this.curMask = new Uint8Array(n * width);
      for (let i = 0; i < n; i++) {
        const row = masked(infos, 'actionMask', i) as ArrayLike<number> | undefined;
        for (let a = 0; a < width; a++) this.curMask[i * width + a] = row ? (row[a] ? 1 : 0) : 1;
      }
    }
    if (this.opts.needsStates) this.curStates = this.env.call('state');
  }

  /** Counters a checkpoint must carry so that a resumed rollout continues the same numbering. */
  getState(): { globalStep: number; episodeIds: number[] } {
    return { globalStep: this.globalStep, episodeIds: [...this.epId] };
  }

  /** Restore `getState()` (after `reset`). */
  setState(s: { globalStep: number; episodeIds: number[] }): void {
    this.globalStep = s.globalStep;
    if (s.episodeIds.length === this.numEnvs) this.epId.set(s.episodeIds);
  }

  /** Take `steps` steps of every env and return the (reused) batch. */
  collect(req: CollectRequest = {}): TransitionBatch {
    const b = this.batch;
    const n = this.numEnvs;
    const T = this.steps;
    b.globalStep = this.globalStep;
    const episodes: EpisodeSummary[] = [];
    b.episodes = episodes;
    for (let t = 0; t < T; t++) {
      const base = t * n;
      for (const l of this.layout) b.obs[l.key]!.data.set(this.cur[l.key]!, base * l.dim);
      const mask = this.curMask;
      if (mask) {
        const width = mask.length / n;
        if (!b.actionMasks) b.actionMasks = new Uint8Array(T * n * width);
        b.actionMasks.set(mask, base * width);
      }
      const out = this.policy.act(this.rowViews[t]!, n, mask ? { actionMask: mask } : undefined);
      this.storeActions(out.actions, out.extras, t);
      if (this.opts.needsStates) {
        if (!b.prevStates) {
          b.prevStates = new Array(T * n);
          b.nextStates = new Array(T * n);
        }
        for (let i = 0; i < n; i++) b.prevStates[base + i] = this.curStates![i];
      }
      const res = this.env.step(out.envActions ?? out.actions);
      const infos = res.infos;
      this.takeObs(res.obs, infos);
      if (this.opts.needsStates) for (let i = 0; i < n; i++) b.nextStates![base + i] = this.curStates![i];
      const hasMsg = infos.message !== undefined || infos.finalInfo !== undefined;
      for (let i = 0; i < n; i++) {
        const k = base + i;
        const r = res.rewards[i]!;
        const term = res.terminations[i]!;
        const trunc = res.truncations[i]!;
        b.rewards[k] = r;
        b.terminations[k] = term;
        b.truncations[k] = trunc;
        b.episodeIds[k] = this.epId[i]!;
        b.episodeSteps[k] = this.epLength[i]!;
        this.epReturn[i]! += r;
        this.epLength[i]! += 1;
        const done = term || trunc;
        const finalInfo = done ? (masked(infos, 'finalInfo', i) as Info | undefined) : undefined;
        const finalObs = done ? masked(infos, 'finalObs', i) : undefined;
        for (const l of this.layout) {
          const src =
            finalObs !== undefined ? keyArray(finalObs, l.key) : this.cur[l.key]!.subarray(i * l.dim, (i + 1) * l.dim);
          b.nextObs[l.key]!.data.set(src, k * l.dim);
        }
        if (done && this.opts.needsStates && finalInfo?.state !== undefined) b.nextStates![k] = finalInfo.state;
        if (b.frames) copyFrame(b.frames, k, done ? finalInfo?.frame : masked(infos, 'frame', i));
        if (b.stepLabels) copyStepLabels(b.stepLabels, k, infos, i, finalInfo);
        const success = done ? finalInfo?.success : masked(infos, 'success', i);
        if (success !== undefined) {
          if (!b.success) b.success = new Uint8Array(T * n);
          b.success[k] = success ? 1 : 0;
        } else if (b.success) b.success[k] = 0;
        if (hasMsg) {
          const msg = done ? finalInfo?.message : masked(infos, 'message', i);
          if (typeof msg === 'string' || b.messages) {
            if (!b.messages) b.messages = new Array<string>(T * n).fill('');
            b.messages[k] = typeof msg === 'string' ? msg : '';
          }
        } else if (b.messages) b.messages[k] = '';
        if (done) {
          episodes.push({
            envIndex: i,
            return: this.epReturn[i]!,
            length: this.epLength[i]!,
            ...(success !== undefined ? { success: !!success } : {}),
          });
          this.epReturn[i] = 0;
          this.epLength[i] = 0;
          this.epId[i]! += 1;
        }
      }
      this.globalStep += n;
      this.opts.onStep?.(t);
    }
    if (req.cutAndReseed !== undefined) {
      // Unfinished episodes end here as truncations (bootstrapped from the value of their last observation).
      const last = (T - 1) * n;
      for (let i = 0; i < n; i++) if (!b.terminations[last + i]) b.truncations[last + i] = 1;
      this.reset(req.cutAndReseed);
    }
    return b;
  }

  private storeActions(
    actions: Int32Array | Float32Array,
    extras: Record<string, Float32Array> | undefined,
    t: number,
  ): void {
    const b = this.batch;
    const n = this.numEnvs;
    const rows = this.steps * n;
    if (!this.actionIsInt && this.actionDim === 0) {
      this.actionDim = actions.length / n;
      b.actionDim = this.actionDim;
      b.actions = new Float32Array(rows * this.actionDim);
    }
    const dim = this.actionIsInt ? 1 : this.actionDim;
    b.actions.set(actions, t * n * dim);
    if (extras) {
      if (!b.extras) b.extras = {};
      for (const key in extras) {
        const v = extras[key]!;
        let dst = b.extras[key];
        if (!dst) dst = b.extras[key] = new Float32Array(rows * (v.length / n));
        dst.set(v, t * v.length);
      }
    }
  }

  /** One batch per value of `trigger$` (the consumer paces the rollout); completes when the trigger does. */
  batches(trigger$: Observable<CollectRequest | void>): Observable<TransitionBatch> {
    return new Observable<TransitionBatch>((sub) => {
      const s = trigger$.subscribe({
        next: (req) => {
          try {
            sub.next(this.collect(req ? req : {}));
          } catch (e) {
            sub.error(e);
          }
        },
        error: (e) => sub.error(e),
        complete: () => sub.complete(),
      });
      return () => s.unsubscribe();
    });
  }
}

/**
 * The rollout operator: emits one `TransitionBatch` (T = `steps`, N = numEnvs; typed arrays reused between
 * emissions) per rollout, `count` times (default unbounded, stops when unsubscribed), synchronously — process
 * each batch before the next arrives, or pace it with `new Rollout(...).batches(trigger$)`.
 */
export function rollout(
  vecEnv: VectorEnv,
  policy: Policy,
  steps: number,
  opts: RolloutOptions & { count?: number } = {},
): Observable<TransitionBatch> {
  return new Observable<TransitionBatch>((sub) => {
    const r = new Rollout(vecEnv, policy, steps, opts);
    const count = opts.count ?? Infinity;
    for (let k = 0; k < count && !sub.closed; k++) sub.next(r.collect());
    sub.complete();
  });
}
