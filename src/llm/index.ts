/**
 * The OpenAI-compatible LLM client: chat and embeddings with time-outs, retries, a concurrency limit and a disk cache.
 */
export { createLlmClient } from './client.js';
export {
  resolveLlmOptions,
  llmConfigured,
  normaliseBaseUrl,
  DEFAULT_LLM_MODEL,
  type ResolvedLlmOptions,
} from './config.js';
export { LlmError, LLM_CONFIG_HINT, type LlmErrorKind } from './errors.js';
export { describeFailures, errorsSince } from './report.js';
export { OffThreadChat, type OffThreadChatOptions, type AnnotationServiceSettings } from './transport.js';
export type { ChatJob, ChatJobResult, ChatJobErrorKind, ChatQueueStats } from './transport-protocol.js';
export type {
  LlmOptions,
  LlmClient,
  LlmStats,
  LlmErrorCounts,
  ChatMessage,
  ChatOptions,
  ChatResult,
  EmbedResult,
  RetryInfo,
} from './types.js';
