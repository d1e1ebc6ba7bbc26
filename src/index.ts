/** rxgym's public API. */
export * from './core/spaces.js';
export * from './core/env.js';
export { Rng, type RngState } from './core/rng.js';
export { register, make, specs, spec, parseId, type RegisterOptions, type MakeOptions } from './core/registry.js';
export { Wrapper, unwrap } from './core/wrapper.js';
export { TimeLimit } from './core/wrappers/time-limit.js';
export { OrderEnforcing } from './core/wrappers/order-enforcing.js';
export { SyncVectorEnv, makeVec, type VectorEnvOptions, type MakeVecOptions } from './core/vector.js';
export type { VectorEnv, VectorStep, VecObs, VecInfo, AutoresetMode } from './core/vector-types.js';
export * from './core/wrappers/index.js';
export { checkEnv, type CheckFinding, type CheckEnvOptions } from './core/checker/check-env.js';
export { PassiveEnvChecker } from './core/checker/passive.js';
export { setPassiveChecker } from './core/registry.js';
export { setWarningHandler, type WarningHandler } from './core/warn.js';
export { RunningMeanStd } from './core/running-stats.js';
export type { TransitionBatch, AnnotatedBatch, ObsBatch, ObsArray, BatchAnnotator, RewardComponentValues } from './stream/batch.js';
export type { RunEvent, RunEventOf, TrainStats } from './stream/events.js';

// The package entry, like src/cli, is a wiring point: importing 'rxgym' registers every env family.
import { registerAll } from '../envs/index.js';
registerAll();
export { registerAll };
