import { Subject, type Observable } from 'rxjs';
import type { Rng } from '../../../src/core/rng.js';
import {
  describeFailures,
  OffThreadChat,
  type AnnotationServiceSettings,
  type ChatJobResult,
  type ChatMessage,
  type LlmOptions,
} from '../../../src/llm/index.js';
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
  /** Items given up (off-format after every parse retry, failing after every re-ask) or pushed out of a full queue. */
  dropped: number;
  /** Answers that were off-format (each counted, retried or dropped). */
  unparsed: number;
  /** Items asked again after their request failed (the server was down, erring or timing out). */
  reasked?: number;
  /** Items waiting to be asked again. */
  later?: number;
  /** Failed HTTP attempts by kind: connection refused/reset, HTTP errors, time-outs, answers not OpenAI JSON. */
  errors?: { unreachable: number; http: number; timeout: number; badAnswer: number };
  /** HTTP error answers by status code. */
  statuses?: Record<string, number>;
}

/** Labels messages in the background; `submit` never waits. */
export interface Annotator {
  readonly name: 'rubric' | 'llm';
  /** Queue new items; returns at once. */
  submit(items: OniItem[]): void;
  /** Labels, as they arrive. */
  readonly labels$: Observable<OniLabel>;
  stats(): AnnotatorStats;
  /** Take in what arrived in the background now (called once per batch); optional. */
  poll?(): void;
  /**
   * A warning to show once (nothing labelled for many requests), else undefined; `final` (at the end of training) also
   * warns when nothing was labelled at all while requests failed or went unanswered. Optional.
   */
  takeWarning?(final?: boolean): string | undefined;
  /** Resolves when nothing is queued, in flight or waiting to be asked again (tests, benchmarks). */
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
  /** Ask the shared annotation service on this Redis (`rxgym annotator`) instead of an LLM server. */
  service?: AnnotationServiceSettings;
  /** Requests in flight at once. */
  concurrency: number;
  /** Extra attempts for an off-format answer (sent uncached), then the item is dropped. */
  parseRetries: number;
  temperature: number;
  maxTokens: number;
  goal?: string;
  /** Times an item whose request failed (server down, errors, time-outs) is asked again later, then dropped. */
  reasks: number;
  /** Delay before the first re-ask, in ms; it doubles for each further one. */
  reaskDelayMs: number;
  /** Warn (once) when this many requests in a row brought no label (failed attempts and off-format answers). */
  warnAfter: number;
}

/** One item on its way: what to ask, how often its answer was off-format, how often it was asked again. */
interface Job {
  item: OniItem;
  parseAttempts: number;
  reasks: number;
}

/**
 * ONI's asynchronous annotator: its LLM client runs in a worker thread (OffThreadChat), so the labelling never waits
 * for the training loop and the training loop never waits for it. A bounded queue is labelled newest first; answers
 * are parsed strictly; off-format answers are asked again uncached, then dropped; items whose request failed (after
 * the client's own retries) are asked again later, a bounded number of times, then dropped. Every failure is counted
 * by kind. Labels are taken in at every `submit`/`poll` (once per batch) and whenever this thread's event loop runs.
 */
export class LlmAnnotator implements Annotator {
  readonly name = 'llm' as const;
  private readonly out = new Subject<OniLabel>();
  readonly labels$ = this.out.asObservable();
  private readonly chat: OffThreadChat;
  private readonly jobs = new Map<number, Job>();
  private readonly later: Array<{ id: number; due: number }> = [];
  private nextId = 1;
  private labelled = 0;
  private failures = 0;
  private dropped = 0;
  private unparsed = 0;
  private reasked = 0;
  private cacheHits = 0;
  private badAtLabel = 0;
  private lastError?: string;
  private warned = false;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private waiters: Array<() => void> = [];

  constructor(
    llm: LlmOptions,
    private readonly s: LlmAnnotatorSettings,
  ) {
    const service = s.service ? { queue: s.service } : {};
    const queue = { llm, maxQueue: s.maxQueue, concurrency: s.concurrency, order: 'newest' as const, ...service };
    this.chat = new OffThreadChat(queue, (r) => this.onResult(r));
  }

  /** The server the annotator asks. */
  get baseUrl(): string {
    return this.chat.baseUrl;
  }

  submit(items: OniItem[]): void {
    if (this.closed) return;
    this.poll();
    this.send(items.map((item) => this.newJob({ item, parseAttempts: 0, reasks: 0 })));
  }

  /** Take in the labels and failures that arrived, and ask again the items whose time has come. */
  poll(): void {
    if (this.closed) return;
    this.chat.poll();
    const now = Date.now();
    const due = this.later.filter((l) => l.due <= now);
    if (due.length === 0) return;
    this.later.splice(0, this.later.length, ...this.later.filter((l) => l.due > now));
    this.reasked += due.length;
    this.send(due.map((l) => l.id));
  }

  private newJob(job: Job): number {
    const id = this.nextId++;
    this.jobs.set(id, job);
    return id;
  }

  private send(ids: number[]): void {
    if (ids.length === 0) return;
    this.chat.submit(
      ids.map((id) => {
        const { item, parseAttempts } = this.jobs.get(id)!;
        const messages: ChatMessage[] =
          item.kind === 'cls'
            ? classificationPrompt(item.message, this.s.goal)
            : rankingPrompt(item.a, item.b, this.s.goal);
        // an off-format answer is asked again past the cache, which holds the off-format one
        const options = { temperature: this.s.temperature, maxTokens: this.s.maxTokens, cache: parseAttempts === 0 };
        return { id, messages, options };
      }),
    );
  }

  private onResult(r: ChatJobResult): void {
    const job = this.jobs.get(r.id);
    if (!job || this.closed) return;
    this.jobs.delete(r.id);
    if ('error' in r) {
      if (r.error.kind === 'cancelled') return;
      this.lastError = r.error.message;
      if (r.error.kind === 'dropped') this.dropped++;
      else {
        this.failures++;
        if (job.reasks < this.s.reasks && r.error.kind !== 'worker') this.askLater(job);
        else this.dropped++;
      }
    } else {
      if (r.cached) this.cacheHits++;
      if (!this.take(job.item, r.texts[0] ?? '')) {
        this.unparsed++;
        this.lastError = `off-format answer: "${excerpt(r.texts[0] ?? '')}"`;
        const retry = job.parseAttempts < this.s.parseRetries;
        if (retry) this.send([this.newJob({ ...job, parseAttempts: job.parseAttempts + 1 })]);
        else this.dropped++;
      }
    }
    this.notifyIdle();
  }

  /** Parse an answer; on success emit the label. */
  private take(item: OniItem, text: string): boolean {
    if (item.kind === 'cls') {
      const label = parseClassification(text);
      if (label === undefined) return false;
      this.labelled++;
      this.badAtLabel = this.bad();
      this.out.next({ kind: 'cls', message: item.message, label });
    } else {
      const pref = parseRanking(text);
      if (pref === undefined) return false;
      this.labelled++;
      this.badAtLabel = this.bad();
      this.out.next({ kind: 'pair', a: item.a, b: item.b, pref });
    }
    return true;
  }

  /** Ask a failed item again after a delay that doubles with each re-ask (the server may be back by then). */
  private askLater(job: Job): void {
    const delay = this.s.reaskDelayMs * 2 ** job.reasks;
    this.later.push({ id: this.newJob({ ...job, reasks: job.reasks + 1 }), due: Date.now() + delay });
    if (this.timer === undefined) this.armTimer();
  }

  private armTimer(): void {
    if (this.later.length === 0 || this.closed) return;
    const next = Math.min(...this.later.map((l) => l.due));
    // unref'd: a re-ask due after training has ended keeps nothing alive; poll() also sends due items once per batch
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.poll();
        this.armTimer();
      },
      Math.max(0, next - Date.now()),
    );
    this.timer.unref();
  }

  /** Requests that brought no label so far: failed HTTP attempts and off-format answers. */
  private bad(): number {
    return this.chat.stats().failures + this.unparsed;
  }

  stats(): AnnotatorStats {
    this.poll();
    const st = this.chat.stats();
    return {
      labelled: this.labelled,
      queued: Math.max(0, this.chat.outstanding - st.running),
      cacheHits: this.cacheHits,
      failures: this.failures,
      pending: st.running,
      dropped: this.dropped,
      unparsed: this.unparsed,
      reasked: this.reasked,
      later: this.later.length,
      errors: { ...st.errors },
      statuses: { ...st.statuses },
    };
  }

  takeWarning(final = false): string | undefined {
    if (this.warned || this.closed) return undefined;
    if (this.chat.error !== undefined) {
      this.warned = true;
      return `the LLM annotator stopped: ${this.chat.error}`;
    }
    const streak = this.bad() - this.badAtLabel;
    const st = this.chat.stats();
    const offFormat = this.unparsed > 0 ? `, ${this.unparsed} off-format answer(s)` : '';
    const what = `${describeFailures(st.errors, st.statuses)}${offFormat}`;
    // the client's latest failed attempt, when no item has failed for good yet
    const latest = `latest: ${this.lastError ?? st.lastError ?? 'none'}`;
    if (streak >= this.s.warnAfter) {
      this.warned = true;
      return (
        `the LLM annotator has labelled nothing in its last ${streak} requests to ${this.chat.baseUrl} ` +
        `(${what}); ${latest}`
      );
    }
    const waiting = this.chat.outstanding + this.later.length;
    if (final && this.labelled === 0 && (streak > 0 || waiting > 0)) {
      this.warned = true;
      return (
        `the LLM annotator labelled nothing during training: ${waiting} item(s) still unanswered from ` +
        `${this.chat.baseUrl} (${what}); ${latest}`
      );
    }
    return undefined;
  }

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.closed || (this.chat.outstanding === 0 && this.later.length === 0);
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.later.length = 0;
    this.chat.close();
    this.out.complete();
    this.notifyIdle();
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 80)}...` : flat;
}

/** Pick a partner for a new message among those seen (ONI-Ranking pairs new messages with known ones). */
export function pairFor(message: string, seen: readonly string[], rng: Rng): OniItem | undefined {
  if (seen.length === 0) return undefined;
  const other = seen[rng.int(0, seen.length)]!;
  if (other === message) return undefined;
  return rng.random() < 0.5 ? { kind: 'pair', a: message, b: other } : { kind: 'pair', a: other, b: message };
}
