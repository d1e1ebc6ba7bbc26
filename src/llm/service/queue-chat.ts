import { Queue, QueueEvents, type Job } from 'bullmq';
import type { ChatJob, ChatJobErrorKind, ChatJobResult, ChatQueueStats } from '../transport-protocol.js';
import {
  ANNOTATION_QUEUE,
  QUEUE_PREFIX,
  annotationContent,
  annotationJobId,
  parseAnnotationFailure,
  type AnnotationJobData,
  type AnnotationJobResult,
} from './protocol.js';
import { redisTarget, type RedisTarget } from './redis-url.js';

/** Settings of the annotation-service client (`annotator: { queue: redis://... }`). */
export interface QueueChatSettings {
  /** The Redis URL of the service (`rxgym annotator --queue`). */
  url: string;
  /** Names the prompt template: part of every request's identity and cache key. */
  promptVersion: string;
  /** Tries of a request at the service before it is reported failed. */
  attempts: number;
  /** Delay before the service's first retry (ms), doubled for each further one. */
  backoffMs: number;
  /** Requests of this trainer in Redis at once; the rest wait here. */
  maxInFlight: number;
  /** Largest number of requests waiting here; when full, the oldest is dropped (and reported as such). */
  maxQueue: number;
  /** Which waiting request goes next. */
  order: 'newest' | 'oldest';
}

/** How long a request may go without news before its job is looked at directly (ms). */
const SWEEP_MS = 2000;

const ERROR_KINDS: Record<string, keyof ChatQueueStats['errors']> = {
  unreachable: 'unreachable',
  http: 'http',
  timeout: 'timeout',
  'bad-answer': 'badAnswer',
};

/**
 * The client of the shared annotation service: chat jobs become BullMQ jobs whose id is their prompt version and
 * content hash, so the same request from any number of trainers is answered once (and then from the service's label
 * cache). Answers come from the queue's event stream, and from a look at each job that has had no news for a while
 * (an event missed while Redis was away). Every chat job ends in exactly one result. It runs where ChatQueue runs: in
 * the off-thread transport's worker thread.
 */
export class QueueChat {
  private readonly target: RedisTarget;
  private readonly queue: Queue<AnnotationJobData, AnnotationJobResult>;
  private readonly events: QueueEvents;
  private readonly waiting: ChatJob[] = [];
  /** Chat job ids waiting for each BullMQ job (one job serves every identical request). */
  private readonly callers = new Map<string, number[]>();
  /** BullMQ jobs in flight: when they were added or last heard of. */
  private readonly inFlight = new Map<string, { data: AnnotationJobData; seen: number }>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private sweeping = false;
  private readonly stats_: ChatQueueStats = {
    requests: 0,
    failures: 0,
    retries: 0,
    cacheHits: 0,
    inFlight: 0,
    queued: 0,
    waiting: 0,
    running: 0,
    errors: { unreachable: 0, http: 0, timeout: 0, badAnswer: 0 },
    statuses: {},
    ignoresN: false,
  };

  constructor(
    private readonly s: QueueChatSettings,
    private readonly emit: (r: ChatJobResult) => void,
    private readonly changed: () => void = () => undefined,
  ) {
    this.target = redisTarget(s.url, 'annotator.queue');
    const connection = this.target.options;
    this.queue = new Queue(ANNOTATION_QUEUE, { connection, prefix: QUEUE_PREFIX });
    this.events = new QueueEvents(ANNOTATION_QUEUE, { connection, prefix: QUEUE_PREFIX });
    const lost = (e: Error): void => {
      this.stats_.lastError = `Redis at ${this.target.shown}: ${e.message}`;
    };
    this.queue.on('error', lost);
    this.events.on('error', lost);
    this.events.on('completed', ({ jobId, returnvalue }) => {
      this.done(jobId, returnvalue as unknown as AnnotationJobResult | string);
    });
    this.events.on('failed', ({ jobId, failedReason }) => this.failed(jobId, failedReason));
    this.events.on('active', ({ jobId }) => this.touch(jobId));
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS / 2);
  }

  /** The service's Redis, as printed. */
  get shown(): string {
    return this.target.shown;
  }

  /** Queue chat jobs and send as many as `maxInFlight` allows. */
  push(jobs: ChatJob[]): void {
    if (this.closed) {
      for (const j of jobs)
        this.emit({ id: j.id, error: { kind: 'cancelled', message: 'the annotation client is closed' } });
      return;
    }
    for (const j of jobs) {
      this.waiting.push(j);
      if (this.waiting.length > this.s.maxQueue) {
        const old = this.waiting.shift()!;
        this.emit({
          id: old.id,
          error: { kind: 'dropped', message: `pushed out of the full queue (maxQueue ${this.s.maxQueue})` },
        });
      }
    }
    this.pump();
    this.changed();
  }

  stats(): ChatQueueStats {
    const running = this.inFlight.size;
    return { ...this.stats_, inFlight: running, queued: this.waiting.length, waiting: this.waiting.length, running };
  }

  /** Stop: waiting and unanswered jobs get no result; connections are closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.waiting.length = 0;
    this.callers.clear();
    this.inFlight.clear();
    void this.events.close().catch(() => undefined);
    void this.queue.close().catch(() => undefined);
  }

  private pump(): void {
    while (!this.closed && this.inFlight.size < this.s.maxInFlight && this.waiting.length > 0) {
      const job = this.s.order === 'newest' ? this.waiting.pop()! : this.waiting.shift()!;
      const options = {
        ...(job.options?.temperature !== undefined ? { temperature: job.options.temperature } : {}),
        ...(job.options?.maxTokens !== undefined ? { maxTokens: job.options.maxTokens } : {}),
        ...(job.options?.n !== undefined ? { n: job.options.n } : {}),
      };
      const content = annotationContent(job.messages, options);
      const fresh = job.options?.cache === false;
      const jobId = annotationJobId(this.s.promptVersion, content, fresh);
      const waiting = this.callers.get(jobId);
      if (waiting) {
        // the same request is on its way already: one answer serves both
        waiting.push(job.id);
        continue;
      }
      this.callers.set(jobId, [job.id]);
      const data: AnnotationJobData = {
        promptVersion: this.s.promptVersion,
        content,
        messages: job.messages,
        options,
        fresh,
      };
      this.inFlight.set(jobId, { data, seen: Date.now() });
      this.stats_.requests++;
      void this.add(jobId, data);
    }
  }

  private async add(jobId: string, data: AnnotationJobData): Promise<void> {
    try {
      // The state first, then the job: a job read before it completed carries no return value, and reading the state
      // after it could see 'completed' while holding that empty job (an answer lost, one run in four).
      const state = data.fresh ? 'unknown' : await this.queue.getJobState(jobId);
      // waiting or running for someone else: its events answer this one too
      if (state !== 'unknown' && state !== 'completed' && state !== 'failed') return;
      const old = state === 'unknown' ? undefined : await this.queue.getJob(jobId);
      // answered for another trainer (or earlier): that answer serves
      if (old && state === 'completed') return this.done(jobId, old.returnvalue, true);
      // failed for good before (the server was down): tried again, not answered with that failure
      if (old) {
        await old.retry('failed', { resetAttemptsMade: true }).catch(() => undefined);
        return;
      }
      // a new request, or one removed in between (after its age)
      await this.queue.add('chat', data, {
        jobId,
        attempts: this.s.attempts,
        backoff: { type: 'exponential', delay: this.s.backoffMs },
        removeOnComplete: { age: 600 },
        removeOnFail: { age: 600 },
      });
    } catch (e) {
      this.stats_.lastError = (e as Error).message;
    }
  }

  /** Heard of a job: it is alive (someone works on it). */
  private touch(jobId: string): void {
    const f = this.inFlight.get(jobId);
    if (f) f.seen = Date.now();
  }

  /** A job's answer; `earlier`: it was there before this trainer asked (an answer to someone else). */
  private done(jobId: string, rv: AnnotationJobResult | string | undefined, earlier = false): void {
    const callers = this.take(jobId);
    if (!callers) return;
    const r = (typeof rv === 'string' ? JSON.parse(rv) : rv) as AnnotationJobResult | undefined;
    if (!r || !Array.isArray(r.texts)) {
      this.fail(callers, 'bad-answer', `the annotation service answered job ${jobId} without texts`);
      return;
    }
    const cached = r.cached || earlier;
    if (cached) this.stats_.cacheHits += callers.length;
    for (const id of callers) this.emit({ id, texts: r.texts, cached });
    this.after();
  }

  private failed(jobId: string, reason: string): void {
    const callers = this.take(jobId);
    if (!callers) return;
    const f = parseAnnotationFailure(reason);
    this.fail(callers, f.kind, `annotation service: ${f.message}`, f.status);
    this.after();
  }

  private fail(callers: number[], kind: string, message: string, status?: number): void {
    this.stats_.failures++;
    this.stats_.lastError = message;
    const k = ERROR_KINDS[kind];
    if (k) this.stats_.errors[k]++;
    if (status !== undefined) this.stats_.statuses[String(status)] = (this.stats_.statuses[String(status)] ?? 0) + 1;
    const errKind: ChatJobErrorKind =
      kind in ERROR_KINDS || kind === 'config' ? (kind as ChatJobErrorKind) : 'unreachable';
    for (const id of callers)
      this.emit({ id, error: { kind: errKind, message, ...(status !== undefined ? { status } : {}) } });
  }

  /** The callers of a job in flight, once: a second answer (a redelivered job, an event and a look) is ignored. */
  private take(jobId: string): number[] | undefined {
    if (!this.inFlight.delete(jobId)) return undefined;
    const callers = this.callers.get(jobId);
    this.callers.delete(jobId);
    return callers;
  }

  private after(): void {
    this.pump();
    this.changed();
  }

  /** Look at jobs with no news for a while: finished (an event was missed), failed, or gone (added again). */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.closed) return;
    this.sweeping = true;
    try {
      const now = Date.now();
      for (const [jobId, f] of [...this.inFlight]) {
        if (now - f.seen < SWEEP_MS) continue;
        // the state before the job, as in add(): a finished job read afterwards holds its answer or its reason
        const state = await this.queue.getJobState(jobId);
        if (!this.inFlight.has(jobId)) continue;
        f.seen = Date.now();
        if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
        const job = (await this.queue.getJob(jobId)) as Job<AnnotationJobData, AnnotationJobResult> | undefined;
        if (!this.inFlight.has(jobId)) continue;
        if (!job) {
          // removed (after its age, or by hand) before this trainer heard of it: ask again; the cache answers
          await this.add(jobId, f.data);
          continue;
        }
        if (state === 'completed') this.done(jobId, job.returnvalue);
        else if (state === 'failed') this.failed(jobId, job.failedReason ?? 'failed');
      }
    } catch {
      // Redis is away: the next sweep tries again
    } finally {
      this.sweeping = false;
    }
  }
}
