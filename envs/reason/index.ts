import { register, type RegisterOptions } from '../../src/core/registry.js';
import { ReasonArith } from './arith.js';
import { ReasonCountdown } from './countdown.js';
import { ReasonProgram } from './program.js';

/** Anything ids can be registered into (an env registry). */
export interface EnvRegistrar { register(opts: RegisterOptions): void }

/**
 * Register the step-wise reasoning envs Reason-Arith-v0, Reason-Countdown-v0 and Reason-Program-v0 into `envs`
 * (default: the global registry). The episode limits cut policies that pad their solution with unnecessary steps.
 */
export function registerReason(envs: EnvRegistrar = { register }): void {
  const family = 'reason';
  envs.register({ id: 'Reason-Arith-v0', entryPoint: (kw) => new ReasonArith(kw), maxEpisodeSteps: 40, family });
  envs.register({ id: 'Reason-Countdown-v0', entryPoint: (kw) => new ReasonCountdown(kw), maxEpisodeSteps: 30,
    family });
  envs.register({ id: 'Reason-Program-v0', entryPoint: (kw) => new ReasonProgram(kw), maxEpisodeSteps: 40, family });
}

export { ReasonArith, ReasonCountdown, ReasonProgram };
export { ReasonEnv, type ReasonObs, type StepKind, type StepRecord } from './base.js';
export * as reasonVocab from './vocab.js';
export { runProgram } from './stack-lang.js';
