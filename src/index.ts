/** rxgym's public API. */
export * from './core/spaces.js';
export * from './core/env.js';
export { Rng, type RngState } from './core/rng.js';
export { register, make, specs, spec, parseId, type RegisterOptions, type MakeOptions } from './core/registry.js';
export { Wrapper, unwrap } from './core/wrapper.js';
export { TimeLimit } from './core/wrappers/time-limit.js';
export { OrderEnforcing } from './core/wrappers/order-enforcing.js';
export { SyncVectorEnv, makeVec, type VectorEnvOptions, type MakeVecOptions } from './core/vector/sync.js';
export type { VectorEnv, VectorStep, VecObs, VecInfo, AutoresetMode } from './core/vector/types.js';
export { WorkerVectorEnv, type WorkerVectorEnvOptions } from './core/vector/worker.js';
export * from './core/wrappers/index.js';
export { checkEnv, type CheckFinding, type CheckEnvOptions } from './core/checker/check-env.js';
export { PassiveEnvChecker } from './core/checker/passive.js';
export { setPassiveChecker } from './core/registry.js';
export { setWarningHandler, type WarningHandler } from './core/warn.js';
export { RunningMeanStd } from './core/running-stats.js';
export type { TransitionBatch, AnnotatedBatch, ObsBatch, ObsArray, BatchAnnotator, RewardComponentValues } from './stream/batch.js';
export type { RunEvent, RunEventOf, TrainStats } from './stream/events.js';
export { rollout, Rollout, type RolloutOptions, type CollectRequest } from './stream/rollout.js';
export { annotate, learn, logTo, type EventWriter, type LearnedBatch } from './stream/operators.js';
export type { Policy, PolicyOutput, ActOptions } from './stream/policy.js';
export { initBackend, setBackendLogger } from './tensor/backend.js';
export { startRun, setRewardStackFactory, type RunHandle, type RunSummary, type StartRunOptions } from './train/run.js';
export { loadScenario, validateScenario, type Scenario } from './train/scenario.js';
export { registerAgent, agentTypes, type Agent, type AgentContext, type AgentDefinition } from './core/agent.js';
export { evaluate, type EvalResult } from './train/evaluate.js';

// The package entry, like src/cli, is a wiring point: importing 'rxgym' registers every env family.
import { registerAll } from '../envs/index.js';
registerAll();
export { registerAll };

// Agents register the same way (ppo, dqn, sac, random).
import { registerAgents } from '../agents/index.js';
registerAgents();
export { registerAgents };
