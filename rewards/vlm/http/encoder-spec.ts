import { RewardConfigError } from '../../../src/core/reward.js';
import type { LlmOptions } from '../../../src/llm/types.js';

/** Keys of an `encoder: { type: http, ... }` object. */
const KEYS = [
  'type',
  'mode',
  'url',
  'model',
  'apiKey',
  'timeoutMs',
  'concurrency',
  'perBatch',
  'trainSteps',
  'warnAfter',
];

/** An http encoder given as an object: the server, and whether it judges frames or embeds them. */
export interface HttpEncoderSpec {
  mode: 'judge' | 'embeddings';
  llm: LlmOptions;
  /** Frames asked per batch, label-model steps per batch, answers without a label before the warning. */
  perBatch: number;
  trainSteps: number;
  warnAfter: number;
}

/**
 * Read `encoder: { type: http, url, model, mode: judge | embeddings, ... }` (or `http:embeddings`, the server of the
 * `llm:` block or OPENAI_BASE_URL); undefined for any other encoder value. Errors name the key.
 */
export function httpEncoderSpec(encoder: unknown): HttpEncoderSpec | undefined {
  if (encoder === 'http:embeddings') return httpEncoderSpec({ type: 'http', mode: 'embeddings' });
  if (encoder === null || typeof encoder !== 'object' || Array.isArray(encoder)) return undefined;
  const e = encoder as Record<string, unknown>;
  if (e.type !== 'http')
    throw new RewardConfigError(
      'encoder.type',
      `an encoder object must be { type: http, url, model, mode: judge | embeddings }, got type ` +
        `${JSON.stringify(e.type)}`,
    );
  for (const k of Object.keys(e))
    if (!KEYS.includes(k)) throw new RewardConfigError(`encoder.${k}`, `unknown key; use ${KEYS.join(', ')}`);
  const mode = e.mode ?? 'judge';
  if (mode !== 'judge' && mode !== 'embeddings')
    throw new RewardConfigError(
      'encoder.mode',
      `must be "judge" (a vision chat model scores frames) or "embeddings" (an image+text embeddings endpoint), ` +
        `got ${JSON.stringify(e.mode)}`,
    );
  for (const k of ['url', 'model', 'apiKey'])
    if (e[k] !== undefined && (typeof e[k] !== 'string' || e[k] === ''))
      throw new RewardConfigError(`encoder.${k}`, `must be a non-empty string, got ${JSON.stringify(e[k])}`);
  const int = (k: string, d: number, min: number): number => {
    const v = e[k] ?? d;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      throw new RewardConfigError(`encoder.${k}`, `must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    return v;
  };
  const llm: LlmOptions = {
    ...(e.url !== undefined ? { baseUrl: e.url as string } : {}),
    ...(e.model !== undefined ? { model: e.model as string } : {}),
    ...(e.apiKey !== undefined ? { apiKey: e.apiKey as string } : {}),
    ...(e.timeoutMs !== undefined ? { timeoutMs: int('timeoutMs', 0, 1) } : {}),
    ...(e.concurrency !== undefined ? { concurrency: int('concurrency', 0, 1) } : {}),
  };
  return {
    mode,
    llm,
    perBatch: int('perBatch', 16, 0),
    trainSteps: int('trainSteps', 8, 0),
    warnAfter: int('warnAfter', 64, 1),
  };
}
