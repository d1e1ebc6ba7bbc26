/**
 * The learner thread of asynchronous PPO (agents/ppo-async.ts), run as compiled JS. It holds the PPO agent that
 * learns: each `learn` message is one update, answered with its statistics and the new weights (transferred).
 * `save`, `load` and `loadWeights` answer on the synchronous port the main thread blocks on.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { AnnotatedBatch } from '../src/stream/batch.js';
import { initBackend, setBackendLogger } from '../src/tensor/backend.js';
import { PpoAgent, type PpoHp } from './ppo.js';
import { type ContextJSON, contextFromJSON } from './ppo-spaces.js';

/** What the main thread gives the learner. */
export interface LearnerData {
  hp: PpoHp;
  ctx: ContextJSON;
  /** Int32 flag the main thread waits on for synchronous requests (0: waiting, 1: answered). */
  flag: SharedArrayBuffer;
  /** The port synchronous answers are posted on. */
  syncPort: MessagePort;
}

const data = workerData as LearnerData;
setBackendLogger(() => {});
await initBackend();
const agent = new PpoAgent(data.hp, contextFromJSON(data.ctx));
const flag = new Int32Array(data.flag);
let version = 0;

/** Answer a synchronous request: the reply on the sync port, then wake the main thread. */
function answer(reply: { ok: true } | { ok: false; error: string }): void {
  data.syncPort.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

type Request = { type: 'learn'; batch: AnnotatedBatch } | { type: 'save' | 'load' | 'loadWeights'; dir: string };

parentPort!.on('message', (m: Request) => {
  if (m.type === 'learn') {
    try {
      const stats = agent.learn(m.batch);
      version += 1;
      const weights = agent.weights();
      const buffers = weights.map((w) => w.data.buffer as ArrayBuffer);
      parentPort!.postMessage({ type: 'learned', stats, version, weights }, buffers);
    } catch (e) {
      parentPort!.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
    return;
  }
  try {
    agent[m.type](m.dir);
    answer({ ok: true });
  } catch (e) {
    answer({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
parentPort!.postMessage({ type: 'ready' });
