/**
 * The gradient worker of data-parallel PPO (`agent.learnerThreads: 2`, agents/ppo-parallel.ts), run as compiled JS.
 * It holds a replica of the PPO networks: `rows` gives it the rollout of the coming update, each `grad` message the
 * weights and one half-minibatch (row indices, normalised advantages), answered with the flat [loss, aux, gradient].
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
export type GradWorkerReply = { type: 'grad'; data: Float32Array } | { type: 'error'; message: string };

type Request =
  | { type: 'rows'; rows: UpdateRows }
  | { type: 'grad'; idx: Int32Array; adv: Float32Array; weights: Float32Array };

const data = workerData as GradWorkerData;
if (data.backend) process.env.RXGYM_BACKEND = data.backend;
setBackendLogger(() => {});
await initBackend();
const agent = new PpoAgent(data.hp as unknown as PpoHp, contextFromJSON(data.ctx));
let rows: UpdateRows | undefined;

parentPort!.on('message', (m: Request) => {
  try {
    if (m.type === 'rows') {
      rows = m.rows;
      return;
    }
    if (!rows) throw new Error('a gradient was asked for before the rollout rows');
    const g = agent.peerGradient(rows, m.idx, m.adv, m.weights);
    parentPort!.postMessage({ type: 'grad', data: g } satisfies GradWorkerReply, [g.buffer as ArrayBuffer]);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    parentPort!.postMessage({ type: 'error', message } satisfies GradWorkerReply);
  }
});
