import { Rng } from '../core/rng.js';
import { backoffDelay, sleep } from './backoff.js';
import { DiskCache, requestKey } from './cache.js';
import { resolveLlmOptions, type ResolvedLlmOptions } from './config.js';
import { LLM_CONFIG_HINT, LlmError } from './errors.js';
import { Limiter } from './limiter.js';
import { PostError, postText } from './http.js';
import { httpErrorDetail, parseChatCompletion, parseEmbeddings, parseJsonBody } from './protocol.js';
import type { ChatMessage, ChatOptions, ChatResult, EmbedResult, LlmClient, LlmOptions, LlmStats } from './types.js';

/** HTTP statuses worth another attempt: time-out, rate limit, server-side failures. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function validateMessages(messages: ChatMessage[]): void {
  if (!Array.isArray(messages) || messages.length === 0) throw new LlmError('config', 'chat needs at least one message');
  messages.forEach((m, i) => {
    if (!m || !['system', 'user', 'assistant'].includes(m.role) || typeof m.content !== 'string') {
      throw new LlmError('config', `chat message ${i} must be { role: 'system'|'user'|'assistant', content: string }`);
    }
  });
}

class HttpLlmClient implements LlmClient {
  readonly baseUrl: string;
  readonly model: string;
  private readonly cache?: DiskCache;
  private readonly limiter: Limiter;
  private readonly rng: Rng;
  private readonly counters = { requests: 0, failures: 0, retries: 0, cacheHits: 0, inFlight: 0 };

  constructor(private readonly opts: ResolvedLlmOptions) {
    this.baseUrl = opts.baseUrl;
    this.model = opts.model;
    this.cache = opts.cacheDir ? new DiskCache(opts.cacheDir) : undefined;
    this.limiter = new Limiter(opts.concurrency);
    this.rng = new Rng(opts.seed);
  }

  stats(): LlmStats {
    return { ...this.counters, queued: this.limiter.queued };
  }

  async chat(messages: ChatMessage[], opts: ChatOptions = {}): Promise<ChatResult> {
    validateMessages(messages);
    const n = opts.n ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new LlmError('config', `chat option n must be an integer >= 1, got ${String(opts.n)}`);
    const body: Record<string, unknown> = { model: this.model, messages, n };
    if (opts.temperature !== undefined) body.temperature = opts.temperature;
    if (opts.maxTokens !== undefined) body.max_tokens = opts.maxTokens;
    const { value, cached } = await this.cachedPost('/chat/completions', body, opts.cache ?? true, (json, url) => {
      const texts = parseChatCompletion(json, url);
      if (texts.length < n) {
        throw new LlmError('bad-answer', `LLM server at ${url} returned ${texts.length} completions, asked for n=${n}`, { retryable: true });
      }
      return texts;
    });
    return { texts: value, cached };
  }

  async embed(texts: string[], opts: { model?: string; cache?: boolean } = {}): Promise<EmbedResult> {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new LlmError('config', 'embed needs an array of strings');
    if (texts.length === 0) return { vectors: [], cached: false };
    const body = { model: opts.model ?? this.model, input: texts };
    const { value, cached } = await this.cachedPost('/embeddings', body, opts.cache ?? true, (json, url) =>
      parseEmbeddings(json, url, texts.length),
    );
    return { vectors: value, cached };
  }

  /** Answer from the cache when possible, else POST with retries and store the parsed answer. */
  private async cachedPost<T>(
    path: string,
    body: Record<string, unknown>,
    useCache: boolean,
    parse: (json: unknown, url: string) => T,
  ): Promise<{ value: T; cached: boolean }> {
    const key = requestKey({ url: this.baseUrl + path, body });
    if (this.cache && useCache) {
      const hit = await this.cache.get<T>(key);
      if (hit !== undefined) {
        this.counters.cacheHits++;
        return { value: hit, cached: true };
      }
    }
    this.counters.requests++;
    const value = await this.limiter.run(() => this.postWithRetries(path, body, parse));
    // A cache that cannot be written costs a rerun, never the answer.
    if (this.cache) await this.cache.set(key, value).catch(() => undefined);
    return { value, cached: false };
  }

  private async postWithRetries<T>(path: string, body: unknown, parse: (json: unknown, url: string) => T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.postOnce(path, body, parse);
      } catch (err) {
        this.counters.failures++;
        const llmErr = err instanceof LlmError ? err : new LlmError('bad-answer', String(err), { retryable: true });
        if (!llmErr.retryable || attempt >= this.opts.maxRetries) {
          if (attempt === 0) throw llmErr;
          throw new LlmError(llmErr.kind, `${llmErr.message} (gave up after ${attempt + 1} attempts)`, {
            retryable: false,
            status: llmErr.status,
          });
        }
        this.counters.retries++;
        await sleep(backoffDelay(attempt, this.opts.retryBaseMs, this.opts.retryMaxMs, this.rng));
      }
    }
  }

  private async postOnce<T>(path: string, body: unknown, parse: (json: unknown, url: string) => T): Promise<T> {
    const url = this.baseUrl + path;
    this.counters.inFlight++;
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
      let res: { status: number; text: string };
      try {
        res = await postText(url, headers, JSON.stringify(body), this.opts.timeoutMs);
      } catch (err) {
        const e = err instanceof PostError ? err : new PostError('unreachable', String(err));
        if (e.kind === 'timeout') throw new LlmError('timeout', `LLM server at ${url} did not answer within ${this.opts.timeoutMs} ms`, { retryable: true });
        if (e.kind === 'broken') throw new LlmError('unreachable', `LLM server at ${url} broke off its answer (connection closed)`, { retryable: true });
        throw new LlmError('unreachable', `cannot reach the LLM server at ${url} (${e.message}); ${LLM_CONFIG_HINT}`, { retryable: true });
      }
      const { status, text } = res;
      if (status < 200 || status >= 300) {
        const hint = status === 401 || status === 403 ? ' (check OPENAI_API_KEY)' : status === 404 ? ' (check the base URL and model name)' : '';
        throw new LlmError('http', `LLM server at ${url} answered HTTP ${status}: ${httpErrorDetail(text)}${hint}`, {
          retryable: retryableStatus(status),
          status,
        });
      }
      return parse(parseJsonBody(text, url), url);
    } finally {
      this.counters.inFlight--;
    }
  }
}

/** Create a client; throws an `LlmError` of kind `config` when no server is configured or an option is invalid. */
export function createLlmClient(opts: LlmOptions = {}): LlmClient {
  return new HttpLlmClient(resolveLlmOptions(opts));
}
