import type { Box, Discrete, RegisterOptions } from '../../../src/index.js';

/** WorkerFault-v0 (step ends the worker thread at kwargs.exitAt, or throws at throwAt) on `api`'s spaces. */
export function faultRegistration(api: { Box: typeof Box; Discrete: typeof Discrete }): RegisterOptions;
/** The registrar workers call. */
export function registerWorkerFaults(envs: { register(opts: RegisterOptions): void }): void;
