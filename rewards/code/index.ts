/** LLM-written reward code: the sandbox, the `code` reward source, generation and refinement. */
import type { RewardRegistry } from '../../src/core/reward.js';
import { CODE_SOURCE_INFO, createCodeSource } from './source.js';

export { RewardSandbox, type SandboxOptions, type RewardBatchInput, type RewardBatchResult } from './sandbox.js';
export { RewardCodeError, type RewardCodeErrorKind } from './errors.js';
export { CodeRewardSource, createCodeSource, type OnErrorPolicy, type CodeSourceOptions } from './source.js';
export { TransitionStatus } from './runtime.js';

/** Registers the `code` reward source. */
export function registerCode(sources: RewardRegistry): void {
  sources.register('code', createCodeSource, CODE_SOURCE_INFO);
}
