import { describe, expect, it } from 'vitest';
import { Box, Discrete, make, register, RxgymError, SyncVectorEnv, WorkerVectorEnv } from './support/core.js';
import type { VectorEnv } from './support/core.js';
import { faultRegistration } from './support/worker-faults.mjs';

register(faultRegistration({ Box, Discrete }));
// Sub-env 3 (reset with seed 0 + 3) throws at its third step; exitAt is out of reach, so no thread ends.
const kwargs = { throwAt: 3, throwSeed: 3, exitAt: 1e9 };
const refusal = new RegExp(
  '^vector env step: sub-env 3 threw during step \\(fault at step 3\\), so the vector env refuses to step; call reset',
);

/** The in-process and the worker vector env over the same faulty envs (the worker one in two real threads). */
const builds: Array<[string, () => VectorEnv]> = [
  ['SyncVectorEnv', () => new SyncVectorEnv(Array.from({ length: 4 }, () => () => make('WorkerFault-v0', kwargs)))],
  ['WorkerVectorEnv', () => new WorkerVectorEnv('WorkerFault-v0', { numEnvs: 4, numWorkers: 2, kwargs })],
];

describe('a vector env after a sub-env threw', () => {
  for (const [name, build] of builds) {
    it(`${name} refuses further steps, naming the sub-env and its first error, until reset; then steps again`, () => {
      const v = build();
      try {
        const actions = new Int32Array(4);
        v.reset({ seed: 0 });
        v.step(actions);
        v.step(actions);
        expect(() => v.step(actions)).toThrow(/fault at step 3/);
        for (let k = 0; k < 2; k++) {
          let error: unknown;
          try {
            v.step(actions);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(RxgymError);
          expect((error as Error).message).toMatch(refusal);
        }
        v.reset({ seed: 0 });
        expect(() => v.step(actions)).not.toThrow();
        expect(() => v.step(actions)).not.toThrow();
        expect(() => v.step(actions)).toThrow(/fault at step 3/);
        expect(() => v.step(actions)).toThrow(refusal);
      } finally {
        v.close();
      }
      expect(() => v.step(new Int32Array(4))).toThrow(/used after close/);
    });
  }
});
