import type { MessagePort } from 'node:worker_threads';
import type { EnvSource } from '../env.js';
import type { ArrayKind, ObsLayout } from './layout.js';
import type { AutoresetMode } from './types.js';
import type { InfoTable } from './worker-infos.js';

/**
 * Slots of each worker's shared control array (Int32Array over a SharedArrayBuffer). EXITED is set to 1 by the
 * supervisor thread when the worker has stopped (thrown, exited or been terminated), with a notify on STATE.
 */
export const CTL = { STATE: 0, CMD: 1, STATUS: 2, HAS_MSG: 3, EXITED: 4, LENGTH: 5 } as const;
/** Values of CTL.STATE: the main thread sets REQUEST, the worker answers DONE, the main thread returns it to IDLE. */
export const STATE = { IDLE: 0, REQUEST: 1, DONE: 2 } as const;
/** Commands (CTL.CMD). STEP reads actions from shared memory; RESET/CALL/RENDER read their arguments from the port. */
export const CMD = { READY: 0, STEP: 1, RESET: 2, CALL: 3, RENDER: 4, CLOSE: 5 } as const;
/** Values of CTL.STATUS. */
export const STATUS = { OK: 0, ERROR: 1 } as const;

/** A shared buffer and the element kind to view it as. */
export interface SharedArraySpec {
  kind: ArrayKind;
  sab: SharedArrayBuffer;
}

/** What a worker receives as workerData (the port travels in the transfer list). */
export interface WorkerInit {
  id: string;
  kwargs: Record<string, unknown>;
  /** Episode limit passed to `make` (absent: the registered one; -1: none). */
  maxEpisodeSteps?: number;
  autoresetMode: AutoresetMode;
  /** This worker's envs are lo..hi-1 of the batch. */
  lo: number;
  hi: number;
  layout: ObsLayout;
  actionDim: number;
  /** Registrars to import and call with the worker's env registry (the id's own), then modules to import. */
  sources: EnvSource[];
  /** Modules imported before the envs are built (custom registrations through the global `register`). */
  imports: string[];
  obs: SharedArraySpec | Record<string, SharedArraySpec>;
  rewards: SharedArrayBuffer;
  terminations: SharedArrayBuffer;
  truncations: SharedArrayBuffer;
  actions: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
  /** Where the worker writes the number and boolean columns of its infos. */
  infos: InfoTable;
  port: MessagePort;
}

/**
 * A worker's answer on the port: a value, or the message of the error it hit (with the index, among all sub-envs, of
 * the sub-env that threw in a step or reset). After a step or reset the value is the InfoReply that completes its
 * shared info table, and it is posted only when there is one.
 */
export type WorkerReply = { ok: true; value: unknown } | { ok: false; message: string; subEnv?: number };

/** The CALL method name that switches final-state capture on or off in a worker (not an env method). */
export const CAPTURE_FINAL_STATE = '__rxgym_captureFinalState';

/** What the supervisor thread receives as workerData: the env workers to start (ports in the transfer list). */
export interface SupervisorInit {
  /** URL of the env worker script. */
  entry: string;
  workers: WorkerInit[];
  /** Where the supervisor posts a WorkerExit for each worker that stops. */
  port: MessagePort;
}

/** A worker that stopped: its index among the env workers and what stopped it (its error, or its exit code). */
export interface WorkerExit {
  worker: number;
  message: string;
}
