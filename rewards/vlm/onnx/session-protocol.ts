/** What the ONNX session worker starts with. */
export interface SessionInit { dir: string; vision: string; text: string; threads: number; flag: SharedArrayBuffer }

/** Main thread -> worker: pixel values (NCHW) or token ids with their mask. */
export type SessionRequest =
  | { type: 'images'; pixels: Float32Array; count: number; width: number; height: number }
  | { type: 'texts'; ids: BigInt64Array; mask: BigInt64Array; count: number; length: number };

/** Worker -> main thread, one per request (and one when the sessions are loaded). */
export type SessionReply =
  | { type: 'ready'; vision: { inputs: string[]; output: string }; text: { inputs: string[]; output: string } }
  | { type: 'result'; data: Float32Array; dims: number[] }
  | { type: 'error'; message: string };
