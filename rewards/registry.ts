/** The reward-source contract lives in the kernel (src/core/reward.ts); this module re-exports it for the plug-ins. */
export {
  RewardConfigError,
  RewardRegistry,
  type NormalizeMode,
  type RewardComponentConfig,
  type RewardContext,
  type RewardLlmOptions,
  type RewardSourceEntry,
  type RewardSourceFactory,
  type RewardSourceInfo,
} from '../src/core/reward.js';
