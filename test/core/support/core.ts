/**
 * The spine's public API straight from src/core, with only the classic envs registered: the same exports as
 * src/index.ts without loading every env family (MuJoCo's WASM loader alone costs seconds per test file).
 */
export * from '../../../src/core/spaces.js';
export * from '../../../src/core/env.js';
export { Rng } from '../../../src/core/rng.js';
export { register, make, specs, spec, parseId, setPassiveChecker } from '../../../src/core/registry.js';
export { Wrapper, unwrap } from '../../../src/core/wrapper.js';
export * from '../../../src/core/wrappers/index.js';
export { SyncVectorEnv, makeVec } from '../../../src/core/vector/sync.js';
export type { VectorEnv, VectorStep, VecObs, VecInfo, AutoresetMode } from '../../../src/core/vector/types.js';
export { WorkerVectorEnv } from '../../../src/core/vector/worker.js';
export { checkEnv } from '../../../src/core/checker/check-env.js';
export { PassiveEnvChecker } from '../../../src/core/checker/passive.js';
import { registerClassic } from '../../../envs/classic/index.js';

registerClassic();
