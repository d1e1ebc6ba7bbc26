/**
 * The supervisor thread of a WorkerVectorEnv (run as compiled JS: dist/src/core/vector/worker-supervisor.js). It
 * starts the env workers and listens to their `error` and `exit` events, which the main thread cannot receive: it is
 * blocked on Atomics while it waits for an answer. A worker that throws, exits or is terminated gets its control
 * array's EXITED flag set, with a notify that wakes the waiting main thread, and its error posted on the port.
 */
import { Worker, workerData } from 'node:worker_threads';
import { CTL, type SupervisorInit, type WorkerExit } from './worker-protocol.js';

const init = workerData as SupervisorInit;

/** An error as one line: its name and message, and where it was thrown when the stack says so. */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return `threw ${String(e)}`;
  const at = e.stack
    ?.split('\n')
    .find((l) => l.trimStart().startsWith('at '))
    ?.trim();
  return `threw ${e.name}: ${e.message}${at ? ` (${at})` : ''}`;
}

init.workers.forEach((w, i) => {
  const ctl = new Int32Array(w.ctl);
  const report = (message: string) => {
    // The message goes first, so that a main thread that sees the flag finds it on the port.
    init.port.postMessage({ worker: i, message } satisfies WorkerExit);
    Atomics.store(ctl, CTL.EXITED, 1);
    Atomics.notify(ctl, CTL.STATE);
  };
  let worker: Worker;
  try {
    worker = new Worker(new URL(init.entry), { workerData: w, transferList: [w.port] });
  } catch (e) {
    report(`could not start: ${describe(e)}`);
    return;
  }
  let error: unknown;
  worker.on('error', (e) => {
    error = e;
  });
  worker.on('exit', (code) => report(error === undefined ? `exited with code ${code}` : describe(error)));
});
