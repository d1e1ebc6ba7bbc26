/**
 * What the main thread and the gradient worker of data-parallel PPO (`agent.learnerThreads: 2`,
 * agents/ppo-parallel.ts and agents/ppo-grad-worker.ts) share: the worker's start-up data, its messages, and the
 * layout of the shared memory through which each minibatch's request and answer go.
 */
import type { ObsArray, ObsBatch } from '../src/core/obs-batch.js';
import type { UpdateRows } from './ppo-minibatch.js';
import type { ContextJSON } from './ppo-spaces.js';

/** What the main thread gives the gradient worker. */
export interface GradWorkerData {
  hp: Record<string, unknown>;
  ctx: ContextJSON;
  /** The main thread's tensor backend: the replica computes with the same kernels. */
  backend: string | undefined;
}

/**
 * The worker's messages: it has built its replica (`ready`), or a failure outside a request (answers go through
 * shared memory).
 */
export type GradWorkerReply = { type: 'ready' } | { type: 'error'; message: string };

/** The shared buffers: weights (main writes), gradient (worker writes), control words, a request's rows. */
export interface SharedFlat {
  weights: SharedArrayBuffer;
  grad: SharedArrayBuffer;
  ctrl: SharedArrayBuffer;
  idx: SharedArrayBuffer;
  adv: SharedArrayBuffer;
  err: SharedArrayBuffer;
}

/**
 * Control words (Int32): SEQ the last command's sequence number (main thread), DONE the last answered one (worker),
 * CMD the command, COUNT the request's row count, ERROR the byte length of an error text (0: none); WORDS in all.
 */
export const CTRL = { SEQ: 0, DONE: 1, CMD: 2, COUNT: 3, ERROR: 4, WORDS: 8 } as const;
/** Commands in `CTRL.CMD`: compute a gradient, or end the update (the worker returns to its event loop). */
export const CMD = { GRAD: 1, END: 2 } as const;
/** Room for an error text from the worker, UTF-8. */
export const ERROR_BYTES = 4096;

/** The shared buffers and their typed views. */
export interface SharedViews {
  buffers: SharedFlat;
  w: Float32Array;
  g: Float32Array;
  ctrl: Int32Array;
  idx: Int32Array;
  adv: Float32Array;
  err: Uint8Array;
}

/** Typed views of the shared buffers `b`. */
export function sharedViews(b: SharedFlat): SharedViews {
  return {
    buffers: b,
    w: new Float32Array(b.weights),
    g: new Float32Array(b.grad),
    ctrl: new Int32Array(b.ctrl),
    idx: new Int32Array(b.idx),
    adv: new Float32Array(b.adv),
    err: new Uint8Array(b.err),
  };
}

/** New shared buffers for `weightCount` weights (and the six loss values) and up to `rows` rows a request. */
export function allocShared(weightCount: number, rows: number): SharedViews {
  return sharedViews({
    weights: new SharedArrayBuffer(4 * weightCount),
    grad: new SharedArrayBuffer(4 * (weightCount + 6)),
    ctrl: new SharedArrayBuffer(4 * CTRL.WORDS),
    idx: new SharedArrayBuffer(4 * rows),
    adv: new SharedArrayBuffer(4 * rows),
    err: new SharedArrayBuffer(ERROR_BYTES),
  });
}

type RowArray = UpdateRows['actions'] | Uint8Array | ObsArray['data'];

/** A typed array of the same type and length as `a`, over a new SharedArrayBuffer. */
function sharedLike<T extends RowArray>(a: T): T {
  const ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  return new ctor(new SharedArrayBuffer(a.byteLength));
}

/**
 * An update's rows in shared memory, shaped like `rows` (same keys, array types and lengths): posted to the worker
 * once, refilled by `fillRows` for each update, so the rollout is not cloned through a message every update (no
 * measurable difference in steps/s on KeyRoom-S5; it saves a copy on each side).
 */
export function sharedRowsLike(rows: UpdateRows): UpdateRows {
  const obs: ObsBatch = {};
  for (const [k, v] of Object.entries(rows.obs)) obs[k] = { data: sharedLike(v.data), shape: v.shape };
  return {
    obs,
    actions: sharedLike(rows.actions),
    actionMasks: rows.actionMasks && sharedLike(rows.actionMasks),
    logProb: sharedLike(rows.logProb),
    value: sharedLike(rows.value),
    returns: sharedLike(rows.returns),
  };
}

const sameArray = (a: RowArray | undefined, b: RowArray | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a.constructor === b.constructor && a.length === b.length;

/** True when `rows` fits the shared `dst` as it is (same keys, shapes, array types and lengths). */
export function sameRowsLayout(dst: UpdateRows, rows: UpdateRows): boolean {
  const keys = Object.keys(rows.obs);
  return (
    keys.length === Object.keys(dst.obs).length &&
    keys.every((k) => {
      const d = dst.obs[k];
      return d !== undefined && sameArray(d.data, rows.obs[k]!.data) && d.shape.join() === rows.obs[k]!.shape.join();
    }) &&
    sameArray(dst.actions, rows.actions) &&
    sameArray(dst.actionMasks, rows.actionMasks) &&
    sameArray(dst.logProb, rows.logProb) &&
    sameArray(dst.value, rows.value) &&
    sameArray(dst.returns, rows.returns)
  );
}

/** `src` into `dst`, two arrays of the same type and length (a union of array types to TypeScript). */
const copy = (dst: RowArray, src: RowArray): void => (dst as Float32Array).set(src as Float32Array);

/** Copy `rows` into the shared `dst` (of the same layout, `sameRowsLayout`). */
export function fillRows(dst: UpdateRows, rows: UpdateRows): void {
  for (const [k, v] of Object.entries(rows.obs)) copy(dst.obs[k]!.data, v.data);
  copy(dst.actions, rows.actions);
  if (rows.actionMasks) copy(dst.actionMasks!, rows.actionMasks);
  copy(dst.logProb, rows.logProb);
  copy(dst.value, rows.value);
  copy(dst.returns, rows.returns);
}
