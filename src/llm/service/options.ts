import { defineParams, resolveParams } from '../../core/params.js';
import type { ParamWording } from '../../core/param-wording.js';
import { RewardConfigError } from '../../core/reward.js';
import type { QueueChatSettings } from './queue-chat.js';

/** How a reward component reaches the shared annotation service: its Redis and the request settings. */
export type AnnotationServiceRequestSettings = Omit<QueueChatSettings, 'maxQueue' | 'order'>;

const WORDING: ParamWording = {
  noun: 'option',
  verb: 'must be',
  error: (path, detail) => new RewardConfigError(path, detail),
};

const int = (min: number, d: number, doc: string) => ({ kind: 'number', integer: true, min, default: d, doc }) as const;

/** The options of a judge's `annotator: { queue, ... }` (the VLM frame judge, the process-reward step judge). */
export function annotationServiceParams(promptVersion: string) {
  return defineParams({
    queue: { kind: 'string', nonEmpty: true, required: true, doc: 'the Redis URL: redis://host:6379 or rediss://' },
    promptVersion: { kind: 'string', nonEmpty: true, default: promptVersion, doc: 'names the prompt (cache keys)' },
    attempts: int(1, 5, "tries of a request at the service (the service's retries, with backoff)"),
    backoffMs: { kind: 'number', min: 0, default: 1000, doc: 'delay before the first retry, doubled for each further' },
    maxInFlight: int(1, 256, "this trainer's requests in Redis at once"),
  });
}

/**
 * The annotation service a component's `annotator` value names (`{ queue: redis://..., ... }`), checked, with
 * `promptVersion` as the default prompt version; undefined when the value is absent. Errors name `annotator.<key>`.
 */
export function annotationServiceOption(
  value: unknown,
  promptVersion: string,
): AnnotationServiceRequestSettings | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RewardConfigError('annotator', 'must be an object like { queue: "redis://127.0.0.1:6379" }');
  }
  const s = resolveParams(
    'annotator',
    value as Record<string, unknown>,
    annotationServiceParams(promptVersion),
    WORDING,
  );
  if (!/^rediss?:\/\//.test(s.queue)) {
    throw new RewardConfigError('annotator.queue', `must be a redis:// or rediss:// URL, got "${s.queue}"`);
  }
  const { queue: url, attempts, backoffMs, maxInFlight } = s;
  return { url, promptVersion: s.promptVersion, attempts, backoffMs, maxInFlight };
}
