import type { RewardComponentConfig, RewardContext, RewardRegistry } from '../../src/core/reward.js';
import { builtinRegistry } from '../../src/train/builtins.js';
import { buildRewardStack as buildStack, type RewardStack } from '../../rewards/stack.js';

/** The registry the tests compose, as the CLI does: every built-in env, agent and reward source. */
export const testRegistry = builtinRegistry();

/** `buildRewardStack` on the test registry's reward sources (a test may register its own there first). */
export function buildRewardStack(
  configs: RewardComponentConfig[] | undefined,
  ctx: RewardContext,
  sources: RewardRegistry = testRegistry.rewards,
): RewardStack {
  return buildStack(configs, ctx, sources);
}
