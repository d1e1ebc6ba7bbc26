/** rxgym's public API. */
export * from './core/spaces.js';
export { boundFromJSON, spaceFromJSON } from './core/space-json.js';
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
export type {
  TransitionBatch,
  AnnotatedBatch,
  ObsBatch,
  ObsArray,
  BatchAnnotator,
  RewardComponentValues,
} from './stream/batch.js';
export type { RunEvent, RunEventOf, TrainStats } from './stream/events.js';
export { rollout, Rollout, type RolloutOptions, type CollectRequest } from './stream/rollout.js';
export { annotate, learn, logTo, type EventWriter, type LearnedBatch } from './stream/operators.js';
export type { Policy, PolicyOutput, ActOptions } from './stream/policy.js';
export { initBackend, setBackendLogger } from './tensor/backend.js';
export { startRun, type RunHandle, type RunSummary, type StartRunOptions, type PretrainSummary } from './train/run.js';
export type { RunOptionNames } from './train/run-dir.js';
export { loadScenario, validateScenario, type Scenario } from './train/scenario.js';
export { evaluate, type EvalResult } from './train/evaluate.js';
export { builtinRegistry } from './train/builtins.js';

// The composition root: one registry of envs, agents and reward sources, passed to startRun and the bench runner.
export { EnvRegistry, envRegistry, createRegistry, type Registry } from './core/registry.js';
export { AgentRegistry, defineAgent, type Agent, type AgentContext, type AgentDefinition } from './core/agent.js';
export {
  defineParams,
  resolveParams,
  ScenarioError,
  type ParamSchema,
  type ParamSpec,
  type ParamsOf,
  type ParamWording,
} from './core/params.js';
export {
  RewardRegistry,
  RewardConfigError,
  type RewardSource,
  type RewardEvent,
  type RewardKind,
  type RewardContext,
  type RewardComponentConfig,
  type RewardSourceFactory,
  type RewardSourceInfo,
} from './core/reward.js';
export type { EnvCapabilities, ExplorationCell } from './core/capabilities.js';
export { writeFileAtomic } from './core/atomic.js';
export { ExplorationTracker, explorationFor } from './stream/exploration.js';
export { everySteps } from './stream/operators.js';
export { tensorboardLogger, type TensorboardLogger } from './report/tensorboard.js';
export { clipStepRewards, deltaStepRewards, shapeStepRewards } from '../rewards/process/transforms.js';

// The plug-ins' registrars and builders, for a library user composing a registry of their own.
export { registerAll } from '../envs/index.js';
export { registerAgents } from '../agents/index.js';
export { registerAllSources, buildRewardStack, type RewardStack } from '../rewards/index.js';

// Importing 'rxgym' registers every built-in env family in the default env registry, so `make(id)` works at once.
import { registerAll as registerEnvFamilies } from '../envs/index.js';
registerEnvFamilies();
