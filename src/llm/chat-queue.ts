import { LlmError } from './errors.js';
import type { ChatJob, ChatJobResult, ChatQueueStats } from './transport-protocol.js';
import type { LlmClient } from './types.js';

/** Settings of a ChatQueue. */
export interface ChatQueueSettings {
  /** Largest number of waiting jobs; when full, the oldest is dropped (and reported as such). */
  maxQueue: number;
  /** Chat calls running at once. */
  concurrency: number;
  /** Which waiting job runs next: the newest (ONI labels the latest messages first) or the oldest. */
  order: 'newest' | 'oldest';
}

/**
 * A bounded queue of chat jobs run by one client with a concurrency limit; every job ends in exactly one result
 * (completions, the client's error, or `dropped`). It runs where the client runs: in the transport's worker thread.
 */
export class ChatQueue {
  private readonly waiting: ChatJob[] = [];
  private running = 0;
  private closed = false;

  constructor(
    private readonly client: LlmClient,
    private readonly s: ChatQueueSettings,
    private readonly emit: (r: ChatJobResult) => void,
    private readonly changed: () => void = () => undefined,
  ) {}

  /** Queue jobs and start as many as the concurrency allows. */
  push(jobs: ChatJob[]): void {
    if (this.closed) {
      for (const j of jobs) this.emit({ id: j.id, error: { kind: 'cancelled', message: 'the LLM queue is closed' } });
      return;
    }
    for (const j of jobs) {
      this.waiting.push(j);
      if (this.waiting.length > this.s.maxQueue) {
        const old = this.waiting.shift()!;
        const message = `pushed out of the full queue (maxQueue ${this.s.maxQueue})`;
        this.emit({ id: old.id, error: { kind: 'dropped', message } });
      }
    }
    this.pump();
    this.changed();
  }

  stats(): ChatQueueStats {
    return { ...this.client.stats(), waiting: this.waiting.length, running: this.running };
  }

  /** Cancel running calls, drop waiting jobs without a result. */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
    this.client.close();
  }

  private pump(): void {
    while (!this.closed && this.running < this.s.concurrency && this.waiting.length > 0) {
      const job = this.s.order === 'newest' ? this.waiting.pop()! : this.waiting.shift()!;
      this.running++;
      void this.run(job).then((result) => {
        this.running--;
        this.emit(result);
        this.pump();
        this.changed();
      });
    }
  }

  /** The job's result; never rejects. */
  private async run(job: ChatJob): Promise<ChatJobResult> {
    try {
      const res = await this.client.chat(job.messages, job.options ?? {});
      return { id: job.id, texts: res.texts, cached: res.cached };
    } catch (err) {
      const e = err instanceof LlmError ? err : new LlmError('bad-answer', String(err));
      const status = e.status !== undefined ? { status: e.status } : {};
      return { id: job.id, error: { kind: e.kind, message: e.message, ...status } };
    }
  }
}
