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

/** Control words (Int32): the last command's sequence number (main), the last answered one (worker), ... */
export const CTRL_SEQ = 0;
export const CTRL_DONE = 1;
/** ... the command (grad or end), the request's row count, and the byte length of an error text (0: none). */
export const CTRL_CMD = 2;
export const CTRL_COUNT = 3;
export const CTRL_ERROR = 4;
export const CTRL_WORDS = 8;
/** Commands in `CTRL_CMD`: compute a gradient, or end the update (the worker returns to its event loop). */
export const CMD_GRAD = 1;
export const CMD_END = 2;
/** Room for an error text from the worker, UTF-8. */
export const ERROR_BYTES = 4096;

/** Typed views of the shared buffers. */
export function sharedViews(b: SharedFlat): {
  w: Float32Array;
  g: Float32Array;
  ctrl: Int32Array;
  idx: Int32Array;
  adv: Float32Array;
  err: Uint8Array;
} {
  return {
    w: new Float32Array(b.weights),
    g: new Float32Array(b.grad),
    ctrl: new Int32Array(b.ctrl),
    idx: new Int32Array(b.idx),
    adv: new Float32Array(b.adv),
    err: new Uint8Array(b.err),
  };
}
