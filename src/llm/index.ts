/** The OpenAI-compatible LLM client: chat and embeddings with time-outs, retries, a concurrency limit and a disk cache. */
export { createLlmClient } from './client.js';
export { resolveLlmOptions, llmConfigured, normaliseBaseUrl, DEFAULT_LLM_MODEL, type ResolvedLlmOptions } from './config.js';
export { LlmError, LLM_CONFIG_HINT, type LlmErrorKind } from './errors.js';
export type { LlmOptions, LlmClient, LlmStats, ChatMessage, ChatOptions, ChatResult, EmbedResult } from './types.js';
