/**
 * Options of the LLM client; unset fields fall back to OPENAI_BASE_URL / OPENAI_API_KEY / RXGYM_LLM_MODEL /
 * RXGYM_LLM_CACHE.
 */
export interface LlmOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8000/v1` (a bare host gets `/v1` appended). */
  baseUrl?: string;
  /** Model name sent with every request. */
  model?: string;
  /** Bearer token; optional for local servers. */
  apiKey?: string;
  /** Time limit of one HTTP attempt, in ms (default 60000). */
  timeoutMs?: number;
  /** Retries after the first attempt for retryable failures (default 4). */
  maxRetries?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Directory of the on-disk answer cache; `'off'` disables it (default RXGYM_LLM_CACHE or ~/.cache/rxgym/llm). */
  cacheDir?: string;
  /** First retry delay in ms; doubles per retry, capped at `retryMaxMs` (default 500). */
  retryBaseMs?: number;
  /** Upper bound of one retry delay in ms (default 10000). */
  retryMaxMs?: number;
  /** Seed of the Rng that draws the backoff jitter (default 0). */
  seed?: number;
}

/** One chat message; a user message may mix text and images (OpenAI's content parts, for vision models). */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ChatContentPart[];
}

/** A part of a multi-part message: text, or an image given as a URL (e.g. `data:image/png;base64,...`). */
export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** Per-call options of `chat`. */
export interface ChatOptions {
  temperature?: number;
  maxTokens?: number;
  /**
   * Number of completions to sample (OpenAI `n`). Servers that ignore `n` (llama.cpp, Ollama answer with one choice)
   * get the missing samples as separate requests, and from then on only separate requests.
   */
  n?: number;
  /** Set false to bypass the cache for this call (the answer is still written to it). */
  cache?: boolean;
  /** Called before each retry, with the failure and the delay before the next attempt (progress for the CLI). */
  onRetry?: (info: RetryInfo) => void;
  /** Aborting cancels the call: sockets are closed and no retry follows. */
  signal?: AbortSignal;
}

/** A failed attempt that will be retried. */
export interface RetryInfo {
  attempt: number;
  error: Error & { kind: string };
  delayMs: number;
}

/**
 * What `chat` resolves to: one text per completion, and whether it came from the cache. With `n > 1` against a server
 * that ignores `n`, samples whose separate request failed are missing from `texts` and their errors are in `errors`.
 */
export interface ChatResult {
  texts: string[];
  cached: boolean;
  errors?: Array<Error & { kind: string }>;
}

/** Per-call options of `embed`. */
export interface EmbedOptions {
  model?: string;
  cache?: boolean;
  signal?: AbortSignal;
}

/** What `embed` resolves to: one vector per input text. */
export interface EmbedResult {
  vectors: number[][];
  cached: boolean;
}

/** Failed HTTP attempts by kind. */
export interface LlmErrorCounts {
  /** Connection refused, reset or broken off. */
  unreachable: number;
  /** Non-2xx answers (see `statuses`). */
  http: number;
  /** No complete answer within the time limit. */
  timeout: number;
  /** HTTP 200 with a body that is not an OpenAI answer (not JSON, no choices, too few embeddings). */
  badAnswer: number;
}

/** Counters of a client since it was created. */
export interface LlmStats {
  /** Calls that went to the network (cache misses). */
  requests: number;
  /** Failed HTTP attempts (unreachable, time-out, HTTP error, malformed answer), retried or not. */
  failures: number;
  /** `failures` by kind. */
  errors: LlmErrorCounts;
  /** HTTP error answers by status code. */
  statuses: Record<string, number>;
  /** The message of the latest failed attempt. */
  lastError?: string;
  /** True once the server answered a request for n > 1 samples with fewer choices (it ignores `n`). */
  ignoresN: boolean;
  /** Attempts repeated after a retryable failure. */
  retries: number;
  /** Calls answered from the on-disk cache. */
  cacheHits: number;
  /** HTTP attempts running now. */
  inFlight: number;
  /** Calls waiting for a concurrency slot now. */
  queued: number;
}

/** An OpenAI-compatible chat/embedding client. */
export interface LlmClient {
  /** The resolved base URL (ends without a slash). */
  readonly baseUrl: string;
  /** The resolved model name. */
  readonly model: string;
  /** POST /chat/completions; rejects with an `LlmError` after retries are exhausted. */
  chat(messages: ChatMessage[], opts?: ChatOptions): Promise<ChatResult>;
  /** POST /embeddings; rejects with an `LlmError` after retries are exhausted. */
  embed(texts: string[], opts?: EmbedOptions): Promise<EmbedResult>;
  /** A snapshot of the counters. */
  stats(): LlmStats;
  /** Cancel every call in flight (sockets closed, no more retries) and refuse new ones; safe to call twice. */
  close(): void;
}
