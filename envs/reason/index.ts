import { envRegistry, type EnvRegistry } from '../../src/core/registry.js';
import { ReasonArith } from './arith.js';
import { ReasonCountdown } from './countdown.js';
import { ReasonProgram } from './program.js';

/** Where worker threads find this registrar: they import this module and call it with their env registry. */
const source = { module: import.meta.url, export: 'registerReason' };

/**
 * Register the step-wise reasoning envs Reason-Arith-v0, Reason-Countdown-v0 and Reason-Program-v0 into `envs`
 * (default: the global registry behind `make`). The episode limits cut policies that pad their solutions with
 * unnecessary steps (truncated: no outcome reward).
 */
export function registerReason(envs: EnvRegistry = envRegistry): void {
  const family = 'reason';
  envs.register({
    id: 'Reason-Arith-v0',
    entryPoint: (kw) => new ReasonArith(kw),
    maxEpisodeSteps: 40,
    family,
    source,
  });
  envs.register({
    id: 'Reason-Countdown-v0',
    entryPoint: (kw) => new ReasonCountdown(kw),
    maxEpisodeSteps: 30,
    family,
    source,
  });
  envs.register({
    id: 'Reason-Program-v0',
    entryPoint: (kw) => new ReasonProgram(kw),
    maxEpisodeSteps: 40,
    family,
    source,
  });
}

export { ReasonArith, ReasonCountdown, ReasonProgram };
export { ReasonEnv, type ReasonObs, type StepKind, type StepRecord } from './base.js';
export * as reasonVocab from './vocab.js';
export { runProgram } from './stack-lang.js';
