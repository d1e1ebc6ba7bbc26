import { RxgymError } from '../core/env.js';

/** What went wrong talking to an LLM server (`cancelled`: the client was closed or the caller aborted). */
export type LlmErrorKind = 'config' | 'unreachable' | 'timeout' | 'http' | 'bad-answer' | 'cancelled';

/** An LLM failure; `retryable` says whether another attempt may succeed. */
export class LlmError extends RxgymError {
  readonly kind: LlmErrorKind;
  readonly retryable: boolean;
  /** HTTP status, for `http` errors. */
  readonly status?: number;

  constructor(kind: LlmErrorKind, message: string, opts: { retryable?: boolean; status?: number } = {}) {
    super(message);
    this.name = 'LlmError';
    this.kind = kind;
    this.retryable = opts.retryable ?? false;
    this.status = opts.status;
  }
}

/** How to point rxgym at a server, appended to configuration and connection errors. */
export const LLM_CONFIG_HINT =
  'point rxgym at an OpenAI-compatible server with --llm-url <url> (or OPENAI_BASE_URL=http://host:port/v1), ' +
  'and --llm-model / RXGYM_LLM_MODEL, OPENAI_API_KEY if it needs a key';
