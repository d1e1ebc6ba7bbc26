/**
 * What the main thread and the gradient worker of data-parallel PPO (`agent.learnerThreads: 2`,
 * agents/ppo-parallel.ts and agents/ppo-grad-worker.ts) share: the worker's start-up data, its messages, and the
 * layout of the shared memory through which each minibatch's request and answer go.
 */
import type { ContextJSON } from './ppo-spaces.js';

/** What the main thread gives the gradient worker. */
export interface GradWorkerData {
  hp: Record<string, unknown>;
  ctx: ContextJSON;
  /** The main thread's tensor backend: the replica computes with the same kernels. */
  backend: string | undefined;
}

/** The worker's messages (answers go through shared memory; a message only reports a failure outside them). */
export type GradWorkerReply = { type: 'error'; message: string };

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
