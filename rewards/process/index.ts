import type { RewardRegistry } from '../../src/core/reward.js';
import { ORM_PARAMS, PRM_PARAMS } from './options.js';
import { createOrm } from './orm.js';
import { createPrm } from './prm.js';

export { clipStepRewards, deltaStepRewards, shapeStepRewards } from './transforms.js';
export { TRANSFORMS, type TransformName } from './step-transform.js';
export { LagrangeMultiplier, type ConstraintKind, type ConstraintSpec } from './constraints.js';
export { OraclePrm, LearnedPrm } from './prm.js';
export { LlmPrm } from './llm-prm.js';
export { OutcomeRewardModel } from './orm.js';

/** Register the process reward sources: `prm` (oracle, learned, llm step scores) and `orm` (learned outcome model). */
export function registerProcess(sources: RewardRegistry): void {
  sources.register('prm', createPrm, {
    options: Object.keys(PRM_PARAMS),
    description: 'process reward model: a score per reasoning step (oracle, learned from completions, LLM judge)',
  });
  sources.register('orm', createOrm, {
    options: Object.keys(ORM_PARAMS),
    description: 'learned outcome reward model: its estimate of the outcome at the end of each episode',
  });
}
