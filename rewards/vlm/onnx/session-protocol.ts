/** What the ONNX session worker starts with: the flag it raises after each reply. */
export interface SessionInit {
  flag: SharedArrayBuffer;
}

/** Main thread -> worker: load or drop a model, or run one of its graphs. */
export type SessionRequest =
  | { type: 'load'; model: number; dir: string; vision: string; text: string; threads: number }
  | { type: 'unload'; model: number }
  | { type: 'images'; model: number; pixels: Float32Array; count: number; width: number; height: number }
  | { type: 'texts'; model: number; ids: BigInt64Array; mask: BigInt64Array; count: number; length: number };

/** Worker -> main thread, one per request. */
export type SessionReply =
  | { type: 'ready' }
  | { type: 'result'; data: Float32Array; dims: number[] }
  | { type: 'error'; message: string };
