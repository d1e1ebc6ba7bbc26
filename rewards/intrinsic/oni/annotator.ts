import { Subject, type Observable } from 'rxjs';
import type { Rng } from '../../../src/core/rng.js';
import type { ChatMessage, LlmClient } from '../../../src/llm/index.js';
import { classificationPrompt, parseClassification, parseRanking, rankingPrompt } from './prompts.js';
import { rubricLabel, rubricPreference } from './rubric.js';

/** A label arriving from an annotator: one message (classification) or a pair (ranking). */
export type OniLabel =
  | { kind: 'cls'; message: string; label: 0 | 1 }
  | { kind: 'pair'; a: string; b: string; pref: 0 | 1 | 0.5 };

/** What is asked of the annotator: label single messages or compare pairs. */
export type LabelTask = 'cls' | 'pair';

/** Counters of an annotator (the `annotation` RunEvent's fields). */
export interface AnnotatorStats {
  labelled: number;
  queued: number;
  cacheHits: number;
  failures: number;
  /** Requests in flight. */
  pending: number;
  /** Items given up after retries (unparseable or failing answers) or pushed out of the full queue. */
  dropped: number;
  /** Answers that were off-format (each counted, retried or dropped). */
  unparsed: number;
}

/** Labels messages in the background; `submit` never waits. */
export interface Annotator {
  readonly name: 'rubric' | 'llm';
  /** Queue new items; returns at once. */
  submit(items: OniItem[]): void;
  /** Labels, as they arrive. */
  readonly labels$: Observable<OniLabel>;
  stats(): AnnotatorStats;
  /** Resolves when nothing is queued or in flight (tests, benchmarks). */
  idle(): Promise<void>;
  dispose(): void;
}

/** One item to label. */
export type OniItem = { kind: 'cls'; message: string } | { kind: 'pair'; a: string; b: string };

/**
 * The default annotator with no server: the documented rubric over the dungeon's own messages
 * (rubric.ts), a deterministic stand-in for an LLM. Labels synchronously on `submit`.
 */
export class RubricAnnotator implements Annotator {
  readonly name = 'rubric' as const;
  private readonly out = new Subject<OniLabel>();
  readonly labels$ = this.out.asObservable();
  private labelled = 0;
  submit(items: OniItem[]): void {
    for (const it of items) {
      this.labelled++;
      if (it.kind === 'cls') this.out.next({ kind: 'cls', message: it.message, label: rubricLabel(it.message) });
      else this.out.next({ kind: 'pair', a: it.a, b: it.b, pref: rubricPreference(it.a, it.b) });
    }
  }
  stats(): AnnotatorStats {
    return { labelled: this.labelled, queued: 0, cacheHits: 0, failures: 0, pending: 0, dropped: 0, unparsed: 0 };
  }
  idle(): Promise<void> {
    return Promise.resolve();
  }
  dispose(): void {
    this.out.complete();
  }
}

/** Settings of the LLM annotator. */
export interface LlmAnnotatorSettings {
  /** Largest queue; when full the oldest item is dropped (newest are labelled first). */
  maxQueue: number;
  /** Requests in flight at once (the client may limit further). */
  concurrency: number;
  /** Extra attempts for an off-format answer (sent uncached), then the item is dropped. */
  parseRetries: number;
  temperature: number;
  maxTokens: number;
  goal?: string;
}

/**
 * ONI's asynchronous annotator: a bounded queue labelled newest first by chat calls running in the
 * background; answers parsed strictly; off-format answers retried then dropped and counted; client
 * failures (after the client's own retries) counted and dropped. Never throws into the caller.
 */
export class LlmAnnotator implements Annotator {
  readonly name = 'llm' as const;
  private readonly out = new Subject<OniLabel>();
  readonly labels$ = this.out.asObservable();
  private readonly queue: OniItem[] = [];
  private inFlight = 0;
  private labelled = 0;
  private cacheHits = 0;
  private failures = 0;
  private dropped = 0;
  private unparsed = 0;
  private closed = false;
  private waiters: Array<() => void> = [];

  constructor(private readonly client: LlmClient, private readonly s: LlmAnnotatorSettings) {}

  submit(items: OniItem[]): void {
    if (this.closed) return;
    for (const it of items) {
      this.queue.push(it);
      if (this.queue.length > this.s.maxQueue) { this.queue.shift(); this.dropped++; }
    }
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.inFlight < this.s.concurrency && this.queue.length > 0) {
      const item = this.queue.pop()!;
      this.inFlight++;
      void this.label(item).finally(() => {
        this.inFlight--;
        this.pump();
        this.notifyIdle();
      });
    }
    this.notifyIdle();
  }

  private async label(item: OniItem): Promise<void> {
    // leave the caller's stack first: the first fetch of a process loads its HTTP stack synchronously
    await new Promise<void>((resolve) => setImmediate(resolve));
    const prompt: ChatMessage[] = item.kind === 'cls' ? classificationPrompt(item.message, this.s.goal) : rankingPrompt(item.a, item.b, this.s.goal);
    for (let attempt = 0; attempt <= this.s.parseRetries; attempt++) {
      let text: string;
      try {
        const res = await this.client.chat(prompt, { temperature: this.s.temperature, maxTokens: this.s.maxTokens, cache: attempt === 0 });
        if (res.cached) this.cacheHits++;
        text = res.texts[0] ?? '';
      } catch {
        this.failures++;
        this.dropped++;
        return;
      }
      if (this.closed) return;
      if (item.kind === 'cls') {
        const label = parseClassification(text);
        if (label !== undefined) { this.labelled++; this.out.next({ kind: 'cls', message: item.message, label }); return; }
      } else {
        const pref = parseRanking(text);
        if (pref !== undefined) { this.labelled++; this.out.next({ kind: 'pair', a: item.a, b: item.b, pref }); return; }
      }
      this.unparsed++;
    }
    this.dropped++;
  }

  stats(): AnnotatorStats {
    return {
      labelled: this.labelled, queued: this.queue.length, cacheHits: this.cacheHits, failures: this.failures,
      pending: this.inFlight, dropped: this.dropped, unparsed: this.unparsed,
    };
  }

  idle(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notifyIdle(): void {
    if (this.inFlight === 0 && (this.queue.length === 0 || this.closed)) {
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    }
  }

  dispose(): void {
    this.closed = true;
    this.queue.length = 0;
    this.out.complete();
    this.notifyIdle();
  }
}

/** Pick a partner for a new message among those seen (ONI-Ranking pairs new messages with known ones). */
export function pairFor(message: string, seen: readonly string[], rng: Rng): OniItem | undefined {
  if (seen.length === 0) return undefined;
  const other = seen[rng.int(0, seen.length)]!;
  if (other === message) return undefined;
  return rng.random() < 0.5 ? { kind: 'pair', a: message, b: other } : { kind: 'pair', a: other, b: message };
}
