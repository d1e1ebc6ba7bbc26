import { Rng } from '../core/rng.js';
import { backoffDelay, sleep } from './backoff.js';
import { DiskCache, requestKey } from './cache.js';
import { resolveLlmOptions, type ResolvedLlmOptions } from './config.js';
import { LLM_CONFIG_HINT, LlmError } from './errors.js';
import { Limiter } from './limiter.js';
import { PostError, postText } from './http.js';
import { httpErrorDetail, parseChatCompletion, parseEmbeddings, parseJsonBody } from './protocol.js';
import type {
  ChatMessage,
  ChatOptions,
  ChatResult,
  EmbedOptions,
  EmbedResult,
  LlmClient,
  LlmErrorCounts,
  LlmOptions,
  LlmStats,
  RetryInfo,
} from './types.js';

/** HTTP statuses worth another attempt: time-out, rate limit, server-side failures. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function isParts(c: unknown): boolean {
  return (
    Array.isArray(c) &&
    c.every(
      (p: { type?: unknown; text?: unknown; image_url?: { url?: unknown } }) =>
        (p?.type === 'text' && typeof p.text === 'string') ||
        (p?.type === 'image_url' && typeof p.image_url?.url === 'string'),
    )
  );
}

function validateMessages(messages: ChatMessage[]): void {
  if (!Array.isArray(messages) || messages.length === 0)
    throw new LlmError('config', 'chat needs at least one message');
  messages.forEach((m, i) => {
    if (
      !m ||
      !['system', 'user', 'assistant'].includes(m.role) ||
      !(typeof m.content === 'string' || isParts(m.content))
    ) {
      throw new LlmError(
        'config',
        `chat message ${i} must be { role: 'system'|'user'|'assistant', content: string or content parts }`,
      );
    }
  });
}

function asLlmError(err: unknown): LlmError {
  return err instanceof LlmError ? err : new LlmError('bad-answer', String(err), { retryable: true });
}

/** What one network call needs besides its body. */
interface CallContext {
  signal: AbortSignal;
  onRetry?: (info: RetryInfo) => void;
}

/** Turns a parsed JSON answer into the call's value; throws an LlmError when the answer is off-format. */
type Parse<T> = (json: unknown, url: string) => T;

class HttpLlmClient implements LlmClient {
  readonly baseUrl: string;
  readonly model: string;
  private readonly cache?: DiskCache;
  private readonly limiter: Limiter;
  private readonly rng: Rng;
  private readonly closer = new AbortController();
  private readonly counters = { requests: 0, failures: 0, retries: 0, cacheHits: 0, inFlight: 0 };
  private readonly errors: LlmErrorCounts = { unreachable: 0, http: 0, timeout: 0, badAnswer: 0 };
  private readonly statuses: Record<string, number> = {};
  private lastError?: string;
  private ignoresN = false;

  constructor(private readonly opts: ResolvedLlmOptions) {
    this.baseUrl = opts.baseUrl;
    this.model = opts.model;
    this.cache = opts.cacheDir ? new DiskCache(opts.cacheDir) : undefined;
    this.limiter = new Limiter(opts.concurrency);
    this.rng = new Rng(opts.seed);
  }

  stats(): LlmStats {
    return {
      ...this.counters,
      queued: this.limiter.queued,
      errors: { ...this.errors },
      statuses: { ...this.statuses },
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      ignoresN: this.ignoresN,
    };
  }

  close(): void {
    this.closer.abort();
  }

  async chat(messages: ChatMessage[], opts: ChatOptions = {}): Promise<ChatResult> {
    validateMessages(messages);
    const n = opts.n ?? 1;
    if (!Number.isInteger(n) || n < 1)
      throw new LlmError('config', `chat option n must be an integer >= 1, got ${String(opts.n)}`);
    const ctx = this.context(opts);
    const path = '/chat/completions';
    const body: Record<string, unknown> = { model: this.model, messages, n };
    if (opts.temperature !== undefined) body.temperature = opts.temperature;
    if (opts.maxTokens !== undefined) body.max_tokens = opts.maxTokens;
    const key = requestKey({ url: this.baseUrl + path, body });
    if (this.cache && (opts.cache ?? true)) {
      const hit = await this.cache.get<string[]>(key);
      if (Array.isArray(hit) && hit.length >= n) {
        this.counters.cacheHits++;
        return { texts: hit.slice(0, n), cached: true };
      }
    }
    const parse = (json: unknown, url: string): string[] => parseChatCompletion(json, url);
    let texts: string[] = [];
    if (n === 1 || !this.ignoresN) {
      texts = await this.request(path, body, parse, ctx);
      if (texts.length < n) this.ignoresN = true;
    }
    const errors: LlmError[] = [];
    if (texts.length < n) {
      // llama.cpp and Ollama answer with one choice whatever `n` says: the missing samples are separate requests.
      const single = { ...body, n: 1 };
      const rest = Array.from({ length: n - texts.length }, () => this.request(path, single, parse, ctx));
      const settled = await Promise.allSettled(rest);
      for (const s of settled) {
        if (s.status === 'fulfilled') texts.push(...s.value.slice(0, 1));
        else errors.push(asLlmError(s.reason));
      }
      if (texts.length === 0) throw errors[0]!;
    }
    texts = texts.slice(0, n);
    // A cache that cannot be written costs a rerun, never the answer; an incomplete answer is not stored.
    if (this.cache && errors.length === 0) await this.cache.set(key, texts).catch(() => undefined);
    return errors.length ? { texts, cached: false, errors } : { texts, cached: false };
  }

  async embed(texts: string[], opts: EmbedOptions = {}): Promise<EmbedResult> {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string'))
      throw new LlmError('config', 'embed needs an array of strings');
    if (texts.length === 0) return { vectors: [], cached: false };
    const ctx = this.context(opts);
    const path = '/embeddings';
    const body = { model: opts.model ?? this.model, input: texts };
    const key = requestKey({ url: this.baseUrl + path, body });
    if (this.cache && (opts.cache ?? true)) {
      const hit = await this.cache.get<number[][]>(key);
      if (hit !== undefined) {
        this.counters.cacheHits++;
        return { vectors: hit, cached: true };
      }
    }
    const vectors = await this.request(path, body, (json, url) => parseEmbeddings(json, url, texts.length), ctx);
    if (this.cache) await this.cache.set(key, vectors).catch(() => undefined);
    return { vectors, cached: false };
  }

  /** The cancellation signal of one call (the client's own, joined with the caller's) and its retry hook. */
  private context(opts: { signal?: AbortSignal; onRetry?: (info: RetryInfo) => void }): CallContext {
    if (this.closer.signal.aborted) throw new LlmError('cancelled', `the LLM client for ${this.baseUrl} is closed`);
    const signal = opts.signal ? AbortSignal.any([this.closer.signal, opts.signal]) : this.closer.signal;
    return { signal, onRetry: opts.onRetry };
  }

  /** One network call: a concurrency slot, then POST with retries. */
  private request<T>(path: string, body: unknown, parse: Parse<T>, ctx: CallContext): Promise<T> {
    this.counters.requests++;
    return this.limiter.run(() => this.postWithRetries(path, body, parse, ctx));
  }

  private count(err: LlmError): void {
    this.counters.failures++;
    this.lastError = err.message;
    if (err.kind === 'unreachable') this.errors.unreachable++;
    else if (err.kind === 'timeout') this.errors.timeout++;
    else if (err.kind === 'http') {
      this.errors.http++;
      const s = String(err.status ?? 0);
      this.statuses[s] = (this.statuses[s] ?? 0) + 1;
    } else this.errors.badAnswer++;
  }

  private async postWithRetries<T>(path: string, body: unknown, parse: Parse<T>, ctx: CallContext): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (ctx.signal.aborted) throw new LlmError('cancelled', `LLM request to ${this.baseUrl + path} cancelled`);
      try {
        return await this.postOnce(path, body, parse, ctx.signal);
      } catch (err) {
        const llmErr = asLlmError(err);
        if (llmErr.kind === 'cancelled') throw llmErr;
        this.count(llmErr);
        if (!llmErr.retryable || attempt >= this.opts.maxRetries) {
          if (attempt === 0) throw llmErr;
          throw new LlmError(llmErr.kind, `${llmErr.message} (gave up after ${attempt + 1} attempts)`, {
            retryable: false,
            status: llmErr.status,
          });
        }
        this.counters.retries++;
        const delayMs = backoffDelay(attempt, this.opts.retryBaseMs, this.opts.retryMaxMs, this.rng);
        ctx.onRetry?.({ attempt: attempt + 1, error: llmErr, delayMs });
        await sleep(delayMs, ctx.signal);
      }
    }
  }

  private async postOnce<T>(path: string, body: unknown, parse: Parse<T>, signal: AbortSignal): Promise<T> {
    const url = this.baseUrl + path;
    this.counters.inFlight++;
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
      let res: { status: number; text: string };
      try {
        res = await postText(url, headers, JSON.stringify(body), this.opts.timeoutMs, signal);
      } catch (err) {
        const e = err instanceof PostError ? err : new PostError('unreachable', String(err));
        if (e.kind === 'cancelled') throw new LlmError('cancelled', `LLM request to ${url} cancelled`);
        if (e.kind === 'timeout')
          throw new LlmError('timeout', `LLM server at ${url} did not answer within ${this.opts.timeoutMs} ms`, {
            retryable: true,
          });
        if (e.kind === 'broken')
          throw new LlmError('unreachable', `LLM server at ${url} broke off its answer (connection closed)`, {
            retryable: true,
          });
        throw new LlmError('unreachable', `cannot reach the LLM server at ${url} (${e.message}); ${LLM_CONFIG_HINT}`, {
          retryable: true,
        });
      }
      const { status, text } = res;
      if (status < 200 || status >= 300) {
        const hint =
          status === 401 || status === 403
            ? ' (check OPENAI_API_KEY)'
            : status === 404
              ? ' (check the base URL and model name)'
              : '';
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

/** A client from options already resolved (an off-thread worker gets them from its parent, environment included). */
export function clientFromResolved(opts: ResolvedLlmOptions): LlmClient {
  return new HttpLlmClient(opts);
}
