import { homedir } from 'node:os';
import { join } from 'node:path';
import { LLM_CONFIG_HINT, LlmError } from './errors.js';
import type { LlmOptions } from './types.js';

/** Options after defaults and environment variables are applied. */
export interface ResolvedLlmOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  cacheDir?: string;
  retryBaseMs: number;
  retryMaxMs: number;
  seed: number;
}

/** The model used when neither the options nor RXGYM_LLM_MODEL name one. */
export const DEFAULT_LLM_MODEL = 'gpt-4o-mini';

/** True when a server is configured through the options or the environment. */
export function llmConfigured(opts: LlmOptions = {}, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(opts.baseUrl || env.OPENAI_BASE_URL || env.OPENAI_API_KEY);
}

/** Parse and normalise a base URL; a bare host (`http://h:8000`) gets `/v1`. Throws a config error for non-URLs. */
export function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LlmError(
      'config',
      `LLM base URL "${raw}" is not a URL; expected e.g. http://127.0.0.1:8000/v1 (${LLM_CONFIG_HINT})`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LlmError('config', `LLM base URL "${raw}" must use http or https, not ${url.protocol}`);
  }
  let path = url.pathname.replace(/\/+$/, '');
  if (path === '') path = '/v1';
  return `${url.origin}${path}`;
}

function positiveInt(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min || Math.floor(value) !== value) {
    throw new LlmError('config', `LLM option ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** Apply defaults and environment variables; throws an `LlmError` of kind `config` naming the bad option. */
export function resolveLlmOptions(opts: LlmOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedLlmOptions {
  const apiKey = opts.apiKey ?? env.OPENAI_API_KEY;
  const rawUrl = opts.baseUrl ?? env.OPENAI_BASE_URL ?? (apiKey ? 'https://api.openai.com/v1' : undefined);
  if (!rawUrl) throw new LlmError('config', `no LLM server configured; ${LLM_CONFIG_HINT}`);
  const cacheSetting =
    opts.cacheDir ?? env.RXGYM_LLM_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'rxgym', 'llm');
  return {
    baseUrl: normaliseBaseUrl(rawUrl),
    model: opts.model ?? env.RXGYM_LLM_MODEL ?? DEFAULT_LLM_MODEL,
    apiKey: apiKey || undefined,
    timeoutMs: positiveInt('timeoutMs', opts.timeoutMs, 60_000, 1),
    maxRetries: positiveInt('maxRetries', opts.maxRetries, 4, 0),
    concurrency: positiveInt('concurrency', opts.concurrency, 4, 1),
    cacheDir: cacheSetting === 'off' || cacheSetting === '' ? undefined : cacheSetting,
    retryBaseMs: positiveInt('retryBaseMs', opts.retryBaseMs, 500, 0),
    retryMaxMs: positiveInt('retryMaxMs', opts.retryMaxMs, 10_000, 0),
    seed: positiveInt('seed', opts.seed, 0, 0),
  };
}
