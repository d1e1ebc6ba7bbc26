/**
 * The worker thread of WorkerVectorEnv (run as compiled JS: dist/src/core/vector/worker-entry.js). It builds envs
 * lo..hi-1
 * by id, steps them as a SyncVectorEnv writing straight into the shared buffers, and answers commands posted through
 * the shared control array. It loads env registration only: the registrar module of the id's spec (its `source`)
 * and the modules listed in `imports`, never the package entry (agents and TensorFlow.js stay out of env workers).
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { capabilitiesOf } from '../capabilities.js';
import { RxgymError } from '../env.js';
import type { EnvRegistry } from '../registry.js';
import type { TypedArray } from '../spaces.js';
import type { SyncVectorEnv } from './sync.js';
import type { VecInfo, VecObs } from './types.js';
import { InfoTableWriter } from './worker-infos.js';
import {
  CAPTURE_FINAL_STATE,
  CMD,
  CTL,
  STATE,
  STATUS,
  type SharedArraySpec,
  type WorkerInit,
  type WorkerReply,
} from './worker-protocol.js';
import { allocTypedOver } from './worker-views.js';
import { isDictLayout } from './layout.js';

const init = workerData as WorkerInit;
const ctl = new Int32Array(init.ctl);
const port = init.port;
const n = init.hi - init.lo;
const infoTable = new InfoTableWriter(init.infos, n);

function sliceOf(spec: SharedArraySpec, size: number): TypedArray {
  return allocTypedOver(spec.kind, spec.sab).subarray(init.lo * size, init.hi * size);
}

function obsViews(): VecObs {
  const l = init.layout;
  if (!isDictLayout(l)) return sliceOf(init.obs as SharedArraySpec, l.size);
  const out: Record<string, TypedArray> = {};
  const specs = init.obs as Record<string, SharedArraySpec>;
  for (const [k, kl] of Object.entries(l)) out[k] = sliceOf(specs[k]!, kl.size);
  return out;
}

function reply(r: WorkerReply): void {
  port.postMessage(r);
  Atomics.store(ctl, CTL.HAS_MSG, 1);
}

/** Numbers and booleans go through the shared table; a message only when there is something else (or a new key). */
function sendInfos(infos: VecInfo): void {
  const rest = infoTable.write(infos);
  if (!rest) return;
  reply({ ok: true, value: rest });
  infoTable.posted();
}

function receive(): unknown {
  return receiveMessageOnPort(port)?.message;
}

/**
 * Return once the main thread has set STATE to REQUEST. No polling before the sleep: with as many workers as cores,
 * a polling worker holds the core the main thread needs to take its answer and send the next request.
 */
function awaitRequest(): void {
  for (;;) {
    // Sleep only on the value just checked: re-reading it for Atomics.wait could read REQUEST, set between the two
    // reads, and then sleep through the one notify that announced it (the worker would never wake).
    const state = Atomics.load(ctl, CTL.STATE);
    if (state === STATE.REQUEST) return;
    Atomics.wait(ctl, CTL.STATE, state);
  }
}

function done(): void {
  Atomics.store(ctl, CTL.STATE, STATE.DONE);
  Atomics.notify(ctl, CTL.STATE);
}

/** Report an error; `local`: the index, in this worker, of the sub-env that threw in a step or reset. */
function fail(e: unknown, local?: number): void {
  Atomics.store(ctl, CTL.STATUS, STATUS.ERROR);
  const message = e instanceof Error ? e.message : String(e);
  reply(local === undefined ? { ok: false, message } : { ok: false, message, subEnv: init.lo + local });
}

/** The default env registry of this thread, with the id's registrar and the `imports` modules loaded into it. */
async function loadRegistry(): Promise<EnvRegistry> {
  const { envRegistry } = await import('../registry.js');
  for (const s of init.sources) {
    const registrar = ((await import(s.module)) as Record<string, unknown>)[s.export];
    if (typeof registrar !== 'function') {
      const what = `exports no function "${s.export}" to register env "${init.id}"`;
      throw new RxgymError(`WorkerVectorEnv: ${s.module} ${what}; check the source given to register()`);
    }
    (registrar as (envs: EnvRegistry) => void)(envRegistry);
  }
  for (const m of init.imports) await import(m);
  if (!envRegistry.has(init.id)) {
    throw new RxgymError(
      `WorkerVectorEnv: env "${init.id}" is not registered in the worker thread; register it with ` +
        "source: { module: import.meta.url, export: '<registrar>' } or list the module that registers it in imports",
    );
  }
  return envRegistry;
}

async function main(): Promise<void> {
  let venv: SyncVectorEnv | undefined;
  let actions: Float64Array | undefined;
  try {
    // Loaded here, not statically, so that a module that fails to load is reported to the main thread (which is
    // blocked waiting on Atomics and would otherwise only see a time-out).
    const envs = await loadRegistry();
    const { SyncVectorEnv } = await import('./sync.js');
    const buffers = {
      obs: obsViews(),
      rewards: new Float32Array(init.rewards).subarray(init.lo, init.hi),
      terminations: new Uint8Array(init.terminations).subarray(init.lo, init.hi),
      truncations: new Uint8Array(init.truncations).subarray(init.lo, init.hi),
    };
    actions = new Float64Array(init.actions).subarray(init.lo * init.actionDim, init.hi * init.actionDim);
    const makeOpts = init.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: init.maxEpisodeSteps };
    const fns = Array.from({ length: n }, () => () => envs.make(init.id, init.kwargs, makeOpts));
    venv = new SyncVectorEnv(fns, { autoresetMode: init.autoresetMode, buffers });
    // Plain JSON: the main thread's vector env exposes them as its own.
    reply({ ok: true, value: { capabilities: capabilitiesOf(venv.envs[0]) } });
  } catch (e) {
    fail(e);
  }
  done();
  if (!venv || !actions) return;
  for (;;) {
    awaitRequest();
    const cmd = Atomics.load(ctl, CTL.CMD);
    try {
      if (cmd === CMD.STEP) sendInfos(venv.step(actions).infos);
      else if (cmd === CMD.RESET) sendInfos(venv.reset(receive() as Parameters<SyncVectorEnv['reset']>[0]).infos);
      else if (cmd === CMD.CALL) {
        const m = receive() as { method: string; args: unknown[] };
        if (m.method === CAPTURE_FINAL_STATE) {
          venv.captureFinalState(m.args[0] === true);
          reply({ ok: true, value: [] });
        } else reply({ ok: true, value: venv.call(m.method, ...m.args) });
      } else if (cmd === CMD.RENDER) {
        const m = receive() as { index: number };
        reply({ ok: true, value: venv.render(m.index) });
      } else if (cmd === CMD.CLOSE) {
        venv.close();
        done();
        port.close();
        return;
      }
    } catch (e) {
      fail(e, cmd === CMD.STEP || cmd === CMD.RESET ? venv.failedSubEnv : undefined);
    }
    done();
  }
}

void main();
