/**
 * The gradient worker of data-parallel PPO (`agent.learnerThreads: 2`, agents/ppo-parallel.ts), run as compiled JS.
 * It holds a replica of the PPO networks. A `rows` message gives it the shared buffers (agents/ppo-grad-shared.ts):
 * the rows of the updates (refilled by the main thread before each) and the control words; it then serves minibatch
 * requests from shared memory, waiting on the control word with Atomics, each answered with the flat [loss, aux,
 * gradient], until the main thread ends this loop (new buffers come with the next message, or the agent is disposed).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, setBackendLogger } from '../src/tensor/backend.js';
import { PpoAgent, type PpoHp } from './ppo.js';
import {
  CMD,
  CTRL,
  ERROR_BYTES,
  type GradWorkerData,
  type GradWorkerReply,
  type SharedFlat,
  type SharedViews,
  sharedViews,
} from './ppo-grad-shared.js';
import type { UpdateRows } from './ppo-minibatch.js';
import { contextFromJSON } from './ppo-spaces.js';

type Request = { type: 'rows'; rows: UpdateRows; shared: SharedFlat; seq: number };

const data = workerData as GradWorkerData;
if (data.backend) process.env.RXGYM_BACKEND = data.backend;
// the replica computes on this thread alone: no second wasm thread pool
delete process.env.RXGYM_WASM_THREADS;
setBackendLogger(() => {});
await initBackend();
const agent = new PpoAgent(data.hp as unknown as PpoHp, contextFromJSON(data.ctx));
parentPort!.postMessage({ type: 'ready' } satisfies GradWorkerReply);
let views: SharedViews | undefined;
/** The sequence number of the last command served. */
let served = 0;

/** Serve requests on these buffers until the main thread ends the loop. */
function serve(rows: UpdateRows, v: SharedViews): void {
  const ctrl = v.ctrl;
  for (;;) {
    Atomics.wait(ctrl, CTRL.SEQ, served);
    // the atomic load orders this thread's reads of the request after the main thread's writes
    const seq = Atomics.load(ctrl, CTRL.SEQ);
    if (seq === served) continue;
    served = seq;
    const cmd = ctrl[CTRL.CMD];
    if (cmd !== CMD.END) {
      try {
        const n = ctrl[CTRL.COUNT]!;
        agent.peerGradient(rows, v.idx.subarray(0, n), v.adv.subarray(0, n), v.w, v.g);
      } catch (e) {
        const text = new TextEncoder().encode(e instanceof Error ? e.message : String(e)).subarray(0, ERROR_BYTES);
        v.err.set(text);
        ctrl[CTRL.ERROR] = Math.max(1, text.length);
      }
    }
    Atomics.store(ctrl, CTRL.DONE, seq);
    Atomics.notify(ctrl, CTRL.DONE);
    if (cmd === CMD.END) return;
  }
}

parentPort!.on('message', (m: Request) => {
  try {
    if (views?.buffers !== m.shared) views = sharedViews(m.shared);
    served = m.seq;
    serve(m.rows, views);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    parentPort!.postMessage({ type: 'error', message } satisfies GradWorkerReply);
  }
});
