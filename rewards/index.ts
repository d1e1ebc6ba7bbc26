import { ExtrinsicSource } from './extrinsic.js';
import { registerIntrinsic, registerOni } from './intrinsic/index.js';
import { registerCode } from './code/index.js';
import { registerRewardSource } from './registry.js';

export { buildRewardStack, summarizeComponents, type RewardStack } from './stack.js';
export { registerRewardSource, rewardSourceNames, RewardConfigError, type RewardComponentConfig, type RewardContext } from './registry.js';

/** Registers the extrinsic source. */
function registerExtrinsic(): void {
  registerRewardSource('extrinsic', (cfg) => new ExtrinsicSource(typeof cfg.name === 'string' ? cfg.name : 'extrinsic'), {
    options: [], allowNegativeWeight: true, description: "the env's own reward",
  });
}

/** One registrar per reward family. */
const families: Array<() => void> = [
  registerExtrinsic,
  registerIntrinsic,
  registerOni,
  registerCode,
];

let done = false;
/** Register every reward source family (idempotent). */
export function registerAllSources(): void {
  if (done) return;
  done = true;
  for (const f of families) f();
}
