import type { RewardRegistry } from '../src/core/reward.js';
import { ExtrinsicSource } from './extrinsic.js';
import { registerIntrinsic, registerOni } from './intrinsic/index.js';
import { registerCode } from './code/index.js';
import { registerVlm } from './vlm/index.js';
import { registerProcess } from './process/index.js';

export { buildRewardStack, summarizeComponents, type RewardStack } from './stack.js';
export {
  RewardConfigError,
  RewardRegistry,
  type RewardComponentConfig,
  type RewardContext,
} from '../src/core/reward.js';

/** Registers the extrinsic source. */
function registerExtrinsic(sources: RewardRegistry): void {
  sources.register('extrinsic', (cfg) => new ExtrinsicSource(typeof cfg.name === 'string' ? cfg.name : 'extrinsic'), {
    options: [],
    allowNegativeWeight: true,
    description: "the env's own reward",
  });
}

/** One registrar per reward family. */
const families: Array<(sources: RewardRegistry) => void> = [
  registerExtrinsic,
  registerIntrinsic,
  registerOni,
  registerCode,
  registerVlm,
  registerProcess,
];

/** Register every built-in reward source family into `sources`. */
export function registerAllSources(sources: RewardRegistry): void {
  for (const f of families) f(sources);
}
