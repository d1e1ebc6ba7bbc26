import type { Box, Discrete, RegisterOptions, Rng, RxgymError } from '../../../src/index.js';

/** Register InfoToy-v0 with this rxgym API (src/core in the test thread, dist/ in the workers). */
export function registerInfoToy(api: {
  Box: typeof Box;
  Discrete: typeof Discrete;
  Rng: typeof Rng;
  RxgymError: typeof RxgymError;
  register: (opts: RegisterOptions) => void;
}): void;
