import type { ResolvedLlmOptions } from './config.js';
import type { LlmErrorKind } from './errors.js';
import type { ChatMessage, LlmStats } from './types.js';
import type { MessagePort } from 'node:worker_threads';
import type { QueueChatSettings } from './service/queue-chat.js';

/** One chat call to run off the training thread. */
export interface ChatJob {
  /** The caller's id, echoed in the result. */
  id: number;
  messages: ChatMessage[];
  options?: { temperature?: number; maxTokens?: number; n?: number; cache?: boolean };
}

/**
 * Why a job has no answer: the client's error kinds, `dropped` (pushed out of the full queue) or `worker` (the
 * worker thread stopped).
 */
export type ChatJobErrorKind = LlmErrorKind | 'dropped' | 'worker';

/** The outcome of a job: the completions, or the error after the client's own retries. */
export type ChatJobResult =
  | { id: number; texts: string[]; cached: boolean }
  | { id: number; error: { kind: ChatJobErrorKind; message: string; status?: number } };

/** Counters of the off-thread queue: the client's, and the jobs waiting and running. */
export interface ChatQueueStats extends LlmStats {
  /** Jobs waiting in the queue. */
  waiting: number;
  /** Jobs whose chat call is running. */
  running: number;
}

/** What the worker is started with: a client of `llm`, or of the annotation service at `queue`. */
export interface TransportInit {
  llm?: ResolvedLlmOptions;
  queue?: QueueChatSettings;
  maxQueue: number;
  concurrency: number;
  order: 'newest' | 'oldest';
  port: MessagePort;
}

/** Parent -> worker. */
export type TransportRequest = { type: 'submit'; jobs: ChatJob[] } | { type: 'close' };

/** Worker -> parent: results as they come, and the counters after every change. */
export type TransportReply =
  | { type: 'result'; result: ChatJobResult; stats: ChatQueueStats }
  | { type: 'stats'; stats: ChatQueueStats };
