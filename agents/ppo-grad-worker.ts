/**
 * The gradient worker of data-parallel PPO (`agent.learnerThreads: 2`, agents/ppo-parallel.ts), run as compiled JS.
 * It holds a replica of the PPO networks: `rows` gives it the rollout of the coming update, each `grad` message the
 * weights (shared memory) and one half-minibatch (row indices, normalised advantages), answered with the flat
 * [loss, aux, gradient] (shared memory too).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, setBackendLogger } from '../src/tensor/backend.js';
import { PpoAgent, type PpoHp } from './ppo.js';
import type { UpdateRows } from './ppo-minibatch.js';
import { type ContextJSON, contextFromJSON } from './ppo-spaces.js';

/** What the main thread gives the gradient worker. */
export interface GradWorkerData {
  hp: Record<string, unknown>;
  ctx: ContextJSON;
  /** The main thread's tensor backend: the replica computes with the same kernels. */
  backend: string | undefined;
}

/** The worker's answers. */
export type GradWorkerReply = { type: 'grad'; seq: number } | { type: 'error'; message: string };

/** The flat arrays both threads see: the weights (written by the main thread), the gradient and its sequence. */
export interface SharedFlat {
  weights: SharedArrayBuffer;
  grad: SharedArrayBuffer;
  seq: SharedArrayBuffer;
}

type Request =
  | { type: 'rows'; rows: UpdateRows }
  | { type: 'grad'; idx: Int32Array; adv: Float32Array; shared: SharedFlat; seq: number };

const data = workerData as GradWorkerData;
if (data.backend) process.env.RXGYM_BACKEND = data.backend;
setBackendLogger(() => {});
await initBackend();
const agent = new PpoAgent(data.hp as unknown as PpoHp, contextFromJSON(data.ctx));
let rows: UpdateRows | undefined;
let views: { src: SharedFlat; w: Float32Array; g: Float32Array; seq: Int32Array } | undefined;

parentPort!.on('message', (m: Request) => {
  try {
    if (m.type === 'rows') {
      rows = m.rows;
      return;
    }
    if (!rows) throw new Error('a gradient was asked for before the rollout rows');
    if (views?.src !== m.shared) {
      const sh = m.shared;
      views = { src: sh, w: new Float32Array(sh.weights), g: new Float32Array(sh.grad), seq: new Int32Array(sh.seq) };
    }
    // the main thread wrote the weights before posting; the atomic read orders this thread's reads after it
    Atomics.load(views.seq, 0);
    agent.peerGradient(rows, m.idx, m.adv, views.w, views.g);
    Atomics.store(views.seq, 0, m.seq);
    parentPort!.postMessage({ type: 'grad', seq: m.seq } satisfies GradWorkerReply);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    parentPort!.postMessage({ type: 'error', message } satisfies GradWorkerReply);
  }
});
