/**
 * The learner thread of asynchronous PPO (agents/ppo-async.ts), run as compiled JS. It holds the PPO agent that
 * learns: each `learn` message is one update, answered with its statistics and the new weights (transferred).
 * `save`, `load` and `loadWeights` answer on the synchronous port the main thread blocks on.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { AgentContext } from '../src/core/agent.js';
import {
  Box,
  Dict,
  Discrete,
  MultiBinary,
  MultiDiscrete,
  type Space,
  type SpaceJSON,
  Tuple,
} from '../src/core/spaces.js';
import type { AnnotatedBatch } from '../src/stream/batch.js';
import { initBackend, setBackendLogger } from '../src/tensor/backend.js';
import { PpoAgent, type PpoHp } from './ppo.js';

/** What the main thread gives the learner. */
export interface LearnerData {
  hp: PpoHp;
  ctx: Omit<AgentContext, 'observationSpace' | 'actionSpace'> & { observationSpace: SpaceJSON; actionSpace: SpaceJSON };
  /** Int32 flag the main thread waits on for synchronous requests (0: waiting, 1: answered). */
  flag: SharedArrayBuffer;
  /** The port synchronous answers are posted on. */
  syncPort: MessagePort;
}

/** A space rebuilt from its JSON description (structured-cloned, so infinite bounds survive). */
function spaceFromJSON(j: SpaceJSON): Space<unknown> {
  switch (j.type) {
    case 'Discrete':
      return new Discrete(j.n, j.start);
    case 'Box':
      return new Box(Float64Array.from(j.low), Float64Array.from(j.high), j.shape, j.dtype);
    case 'MultiBinary':
      return new MultiBinary(j.shape);
    case 'MultiDiscrete':
      return new MultiDiscrete(j.nvec, j.start);
    case 'Dict': {
      const spaces: Record<string, Space<unknown>> = {};
      for (const [k, v] of Object.entries(j.spaces)) spaces[k] = spaceFromJSON(v);
      return new Dict(spaces);
    }
    case 'Tuple':
      return new Tuple(j.spaces.map(spaceFromJSON));
    default:
      throw new Error(`the learner thread cannot rebuild a ${j.type} space`);
  }
}

const data = workerData as LearnerData;
setBackendLogger(() => {});
await initBackend();
const ctx: AgentContext = {
  ...data.ctx,
  observationSpace: spaceFromJSON(data.ctx.observationSpace),
  actionSpace: spaceFromJSON(data.ctx.actionSpace),
};
const agent = new PpoAgent(data.hp, ctx);
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
