// WorkerFault-v0, an env whose step ends the worker thread it runs in (process.exit(7) at step `exitAt`, default 5),
// for the WorkerVectorEnv fault tests: never step it in the test thread with exitAt reachable. With `throwAt`, the
// sub-env reset with seed `throwSeed` throws an Error at that step instead (safe in any thread). It reaches the
// workers through its spec's `source`, as a user's env module would: a worker imports this module and calls
// `registerWorkerFaults(envs)`; the test thread registers it with its own kernel classes (`faultRegistration(api)`).
import { Box, Discrete } from '../../../dist/src/core/spaces.js';

/** The registration of WorkerFault-v0 built on `api`'s spaces. */
export function faultRegistration(api) {
  class FaultEnv {
    observationSpace = new api.Box(-1, 1, [1], 'float32');
    actionSpace = new api.Discrete(2);
    metadata = { renderModes: [] };
    obs = new Float32Array(1);
    t = 0;

    constructor(kwargs) {
      this.exitAt = Number(kwargs.exitAt ?? 5);
      this.throwAt = kwargs.throwAt === undefined ? undefined : Number(kwargs.throwAt);
      this.throwSeed = kwargs.throwSeed === undefined ? undefined : Number(kwargs.throwSeed);
    }

    reset(opts = {}) {
      if (opts.seed !== undefined) this.seed = opts.seed;
      this.t = 0;
      return { obs: this.obs, info: {} };
    }

    step() {
      if (++this.t >= this.exitAt) process.exit(7);
      if (this.t === this.throwAt && this.seed === this.throwSeed) throw new Error(`fault at step ${this.t}`);
      return { obs: this.obs, reward: 0, terminated: false, truncated: false, info: {} };
    }

    render() {
      return undefined;
    }

    close() {}
  }

  return {
    id: 'WorkerFault-v0',
    entryPoint: (kwargs) => new FaultEnv(kwargs),
    source: { module: import.meta.url, export: 'registerWorkerFaults' },
  };
}

/** The registrar workers call: WorkerFault-v0 on the compiled kernel's spaces. */
export function registerWorkerFaults(envs) {
  envs.register(faultRegistration({ Box, Discrete }));
}
