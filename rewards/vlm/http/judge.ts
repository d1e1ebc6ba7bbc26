import { PNG } from 'pngjs';
import { OffThreadChat, type AnnotationServiceSettings } from '../../../src/llm/transport.js';
import type { ChatJobResult, ChatQueueStats } from '../../../src/llm/transport-protocol.js';
import type { LlmOptions } from '../../../src/llm/types.js';
import type { FrameBatch } from '../../../src/stream/batch.js';

/** Counters of the judge, shown like the ONI annotator's. */
export interface JudgeCounters {
  requests: number;
  labelled: number;
  cacheHits: number;
  /** Answers that were not a single number from 0 to 10. */
  unparsed: number;
  /** Jobs pushed out of the full queue. */
  dropped: number;
  /** Failed calls by kind (unreachable, http, timeout, badAnswer, worker, ...). */
  failures: Record<string, number>;
  pending: number;
}

/**
 * Strict parse of a judge's answer: one number from 0 to 10 (optionally "7/10"), as a score in [0, 1]; else undefined.
 */
export function parseJudgeScore(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*10)?\s*\.?\s*$/.exec(text);
  if (!m) return undefined;
  const v = Number(m[1]);
  return v >= 0 && v <= 10 ? v / 10 : undefined;
}

/** FNV-1a of one frame's bytes: the cache key of its score. */
export function frameHash(frames: FrameBatch, row: number): number {
  const size = frames.width * frames.height * 3;
  let h = 0x811c9dc5;
  const d = frames.data;
  for (let i = row * size, e = i + size; i < e; i++) h = Math.imul(h ^ d[i]!, 0x01000193);
  return h >>> 0;
}

/** One frame of a batch as a PNG data URL (what vision requests send). */
export function pngDataUrl(frames: FrameBatch, row: number): string {
  const { width, height } = frames;
  const png = new PNG({ width, height });
  const base = row * width * height * 3;
  for (let p = 0; p < width * height; p++) {
    png.data[4 * p] = frames.data[base + 3 * p]!;
    png.data[4 * p + 1] = frames.data[base + 3 * p + 1]!;
    png.data[4 * p + 2] = frames.data[base + 3 * p + 2]!;
    png.data[4 * p + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/**
 * A vision chat model as a judge of frames: each frame (a PNG data URL) and the task sentence go to an
 * OpenAI-compatible server through the off-thread transport, never waited for; answers are parsed strictly, cached by
 * frame hash, and handed to `onLabel` when `poll()` runs (once per batch).
 */
export class FrameJudge {
  private readonly chat: OffThreadChat;
  private readonly scores = new Map<number, number>();
  private readonly pendingHash = new Map<number, { hash: number; tag: unknown }>();
  private readonly inFlight = new Set<number>();
  private nextId = 1;
  readonly counters: JudgeCounters = {
    requests: 0,
    labelled: 0,
    cacheHits: 0,
    unparsed: 0,
    dropped: 0,
    failures: {},
    pending: 0,
  };

  constructor(
    llm: LlmOptions,
    private readonly goal: string,
    private readonly onLabel: (score: number, tag: unknown) => void,
    maxQueue = 256,
    service?: AnnotationServiceSettings,
  ) {
    // newest first: the policy moves on, recent frames matter most; `service`: the shared annotation service asks
    this.chat = new OffThreadChat({ llm, maxQueue, order: 'newest', ...(service ? { queue: service } : {}) }, (r) =>
      this.result(r),
    );
  }

  /** Ask for the score of frame `row` unless it is known or asked already; `tag` comes back with the label. */
  ask(frames: FrameBatch, row: number, tag: unknown): void {
    const hash = frameHash(frames, row);
    const known = this.scores.get(hash);
    if (known !== undefined) {
      this.counters.cacheHits++;
      this.onLabel(known, tag);
      return;
    }
    if (this.inFlight.has(hash)) return;
    const id = this.nextId++;
    this.inFlight.add(hash);
    this.pendingHash.set(id, { hash, tag });
    this.counters.requests++;
    const text =
      `This is a frame rendered from a simulated environment. The task: "${this.goal}". How well does the ` +
      `frame show the task achieved, from 0 (not at all) to 10 (fully)? Answer with one number only.`;
    this.chat.submit([
      {
        id,
        options: { temperature: 0, maxTokens: 8 },
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text },
              { type: 'image_url', image_url: { url: pngDataUrl(frames, row) } },
            ],
          },
        ],
      },
    ]);
  }

  /** Deliver every answer that has arrived (synchronously). */
  poll(): void {
    this.chat.poll();
    this.counters.pending = this.chat.outstanding;
  }

  /** The transport's counters (requests, retries, failures by kind). */
  transportStats(): ChatQueueStats {
    return this.chat.stats();
  }

  private result(r: ChatJobResult): void {
    const p = this.pendingHash.get(r.id);
    if (!p) return;
    this.pendingHash.delete(r.id);
    this.inFlight.delete(p.hash);
    if ('error' in r) {
      if (r.error.kind === 'dropped') this.counters.dropped++;
      else this.counters.failures[r.error.kind] = (this.counters.failures[r.error.kind] ?? 0) + 1;
      return;
    }
    const score = parseJudgeScore(r.texts[0] ?? '');
    if (score === undefined) {
      this.counters.unparsed++;
      return;
    }
    this.scores.set(p.hash, score);
    this.counters.labelled++;
    this.onLabel(score, p.tag);
  }

  close(): void {
    this.chat.close();
  }
}
