import { RewardConfigError, type RewardComponentConfig, type RewardRegistry } from '../../src/core/reward.js';
import { VlmSource, vlmInfo } from './source.js';
import { JudgedVlmSource } from './http/source.js';
import { httpObjectSource } from './http/choose.js';

export { GoalBaselineReward } from './goal-baseline.js';
export type { ImageTextEncoder } from './encoder.js';

const nameOf = (cfg: RewardComponentConfig): string => (typeof cfg.name === 'string' ? cfg.name : 'vlm');

/** Registers `source: vlm` (VLM-RM zero-shot rewards from rendered frames and a goal sentence). */
export function registerVlm(sources: RewardRegistry): void {
  sources.register(
    'vlm',
    (cfg, ctx) => {
      const viaHttp = httpObjectSource(nameOf(cfg), cfg, ctx);
      if (viaHttp) return viaHttp;
      if (cfg.encoder === 'http') return new JudgedVlmSource(nameOf(cfg), cfg, ctx);
      if (cfg.annotator !== undefined)
        throw new RewardConfigError('annotator', 'only the judge (encoder: http) asks an annotation service');
      return new VlmSource(nameOf(cfg), cfg, ctx);
    },
    vlmInfo,
  );
}
