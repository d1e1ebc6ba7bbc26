import type { RewardComponentConfig, RewardContext, RewardSource } from '../../../src/core/reward.js';
import { EmbeddedVlmSource } from './embed-source.js';
import { httpEncoderSpec } from './encoder-spec.js';
import { JudgedVlmSource } from './source.js';

/**
 * The source of `encoder: { type: http, url, model, mode }` (an object): the embeddings path, or the judge with the
 * object's server settings as its `http:` block; undefined for an encoder given as a string.
 */
export function httpObjectSource(
  name: string,
  cfg: RewardComponentConfig,
  ctx: RewardContext,
): RewardSource | undefined {
  const spec = httpEncoderSpec(cfg.encoder);
  if (!spec) return undefined;
  if (spec.mode === 'embeddings') return new EmbeddedVlmSource(name, cfg, ctx, spec);
  const http = {
    ...((cfg.http ?? {}) as Record<string, unknown>),
    ...spec.llm,
    perBatch: spec.perBatch,
    trainSteps: spec.trainSteps,
    warnAfter: spec.warnAfter,
  };
  return new JudgedVlmSource(name, { ...cfg, encoder: 'http', http }, ctx);
}
