import { createHash, randomBytes } from 'node:crypto';
import type { ChatMessage } from '../types.js';

/** The key prefix of rxgym's queues and keys in Redis. */
export const QUEUE_PREFIX = 'rxgym';

/** The BullMQ queue of annotation requests (served by `rxgym annotator`). */
export const ANNOTATION_QUEUE = 'annotate';

/** The sampling options of a request (they change the answer, so they are part of its content). */
export interface AnnotationOptions {
  temperature?: number;
  maxTokens?: number;
  n?: number;
}

/** What an annotation job carries. */
export interface AnnotationJobData {
  /** Names the prompt template (and its parser), so that a changed prompt never reads old labels. */
  promptVersion: string;
  /** The content hash of `messages` and `options` (see `annotationContent`). */
  content: string;
  messages: ChatMessage[];
  options: AnnotationOptions;
  /** Ask the model again even if the label cache holds an answer (an off-format answer is asked again). */
  fresh: boolean;
}

/** What a finished annotation job returns. */
export interface AnnotationJobResult {
  texts: string[];
  /** True when the label cache answered. */
  cached: boolean;
  /** The model that answered. */
  model: string;
}

/** The content hash of a request: its messages and sampling options. */
export function annotationContent(messages: readonly ChatMessage[], options: AnnotationOptions): string {
  const o = { temperature: options.temperature, maxTokens: options.maxTokens, n: options.n ?? 1 };
  return createHash('sha256')
    .update(JSON.stringify({ messages, options: o }))
    .digest('hex');
}

/**
 * The job id of a request: the same prompt version and content give the same id, so that the same request from any
 * number of trainers is one job (BullMQ ignores a second add). A fresh request gets an id of its own.
 */
export function annotationJobId(promptVersion: string, content: string, fresh: boolean): string {
  const id = createHash('sha256').update(`${promptVersion}\n${content}`).digest('hex').slice(0, 40);
  return fresh ? `ann-${id}-${randomBytes(6).toString('hex')}` : `ann-${id}`;
}

/** The Redis key of a cached answer: model, prompt version and content. */
export function labelCacheKey(model: string, promptVersion: string, content: string): string {
  return `${QUEUE_PREFIX}:labels:${model}:${promptVersion}:${content}`;
}

/**
 * A failed job's reason as the service writes it, `[kind status] message`, so that the client counts failures by
 * kind as it counts its own HTTP failures.
 */
export function annotationFailure(kind: string, message: string, status?: number): string {
  return `[${kind}${status !== undefined ? ` ${status}` : ''}] ${message}`;
}

/** The kind and status of a failed job's reason (`unknown` when it is not one of ours, e.g. a stalled job). */
export function parseAnnotationFailure(reason: string): { kind: string; status?: number; message: string } {
  const m = /^\[([a-z-]+)(?: (\d+))?\] (.*)$/s.exec(reason);
  if (!m) return { kind: 'unknown', message: reason };
  return { kind: m[1]!, ...(m[2] ? { status: Number(m[2]) } : {}), message: m[3]! };
}
