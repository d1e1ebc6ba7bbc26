import { UnrecoverableError, Worker } from 'bullmq';
import { createLlmClient, LlmError, type LlmOptions } from '../../llm/index.js';
import {
  ANNOTATION_QUEUE,
  QUEUE_PREFIX,
  annotationFailure,
  labelCacheKey,
  type AnnotationJobData,
  type AnnotationJobResult,
} from '../../llm/service/protocol.js';
import { ConnectionReporter, openRedis, type RedisTarget } from '../../llm/service/redis.js';

/** Options of `runAnnotationService`. */
export interface AnnotationServiceOptions {
  target: RedisTarget;
  /** The LLM server this process asks (its own HTTP retries are off: the queue retries, with backoff). */
  llm: LlmOptions;
  /** Requests this process sends to the LLM at once. */
  concurrency: number;
  /** At most `max` requests per `durationMs` over every annotator process of the queue (the LLM's capacity). */
  rate?: { max: number; durationMs: number };
  /** Seconds a cached label lives (undefined: for ever). */
  cacheTtlSeconds?: number;
  /** A request whose annotator is silent this long goes to another (ms). */
  lockDurationMs: number;
  /** How often annotators look for requests whose annotator died (ms). */
  stalledIntervalMs: number;
  /** A counters line this often (ms; 0: none). */
  everyMs: number;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** What an annotator process has done. */
export interface AnnotationServiceCounters {
  /** Requests answered by the LLM. */
  asked: number;
  /** Requests answered from the label cache. */
  cached: number;
  /** Attempts that failed (each retried by the queue while attempts are left). */
  failed: number;
}

/**
 * One process of the shared annotation service: takes annotation requests from the Redis queue, answers each from
 * the label cache (keyed by model, prompt version and content) or by asking the LLM server, then caches the answer.
 * Identical requests of different trainers are one job (see `annotationJobId`); a process that dies leaves its
 * requests to the others (BullMQ stalled jobs); a rate limit shared by every process keeps the LLM within capacity.
 * Resolves when `opts.signal` has stopped it (after the requests in hand are answered).
 */
export async function runAnnotationService(opts: AnnotationServiceOptions): Promise<AnnotationServiceCounters> {
  const reporter = new ConnectionReporter(opts.target, opts.log);
  const client = createLlmClient({ ...opts.llm, maxRetries: 0, cacheDir: 'off', concurrency: opts.concurrency });
  const redis = openRedis(opts.target);
  redis.on('error', (e) => reporter.error(e));
  const n: AnnotationServiceCounters = { asked: 0, cached: 0, failed: 0 };
  const answer = async (d: AnnotationJobData, signal: AbortSignal | undefined): Promise<AnnotationJobResult> => {
    const key = labelCacheKey(client.model, d.promptVersion, d.content);
    if (!d.fresh) {
      const hit = await redis.get(key);
      if (hit !== null) {
        n.cached++;
        return { texts: JSON.parse(hit) as string[], cached: true, model: client.model };
      }
    }
    try {
      const r = await client.chat(d.messages, { ...d.options, cache: false, ...(signal ? { signal } : {}) });
      const text = JSON.stringify(r.texts);
      if (opts.cacheTtlSeconds !== undefined) await redis.set(key, text, 'EX', opts.cacheTtlSeconds);
      else await redis.set(key, text);
      n.asked++;
      return { texts: r.texts, cached: false, model: client.model };
    } catch (e) {
      n.failed++;
      const err = e instanceof LlmError ? e : new LlmError('bad-answer', String(e));
      const reason = annotationFailure(err.kind, err.message, err.status);
      // a misconfigured service fails its requests at once; everything else is retried with backoff
      throw err.kind === 'config' ? new UnrecoverableError(reason) : new Error(reason);
    }
  };
  const worker = new Worker<AnnotationJobData, AnnotationJobResult>(
    ANNOTATION_QUEUE,
    (job, _token, signal) => answer(job.data, signal),
    {
      connection: opts.target.options,
      prefix: QUEUE_PREFIX,
      concurrency: opts.concurrency,
      autorun: false,
      lockDuration: opts.lockDurationMs,
      stalledInterval: opts.stalledIntervalMs,
      maxStalledCount: 5,
      ...(opts.rate ? { limiter: { max: opts.rate.max, duration: opts.rate.durationMs } } : {}),
      removeOnComplete: { age: 600 },
      removeOnFail: { age: 600 },
    },
  );
  worker.on('error', (e) => reporter.error(e));
  worker.on('completed', () => reporter.ok());
  let last = { ...n };
  const timer =
    opts.everyMs > 0
      ? setInterval(() => {
          const secs = opts.everyMs / 1000;
          const rate = (n.asked + n.cached - last.asked - last.cached) / secs;
          const failed = `${n.failed} failed attempt(s)`;
          opts.log(`answered ${n.asked} (LLM) + ${n.cached} (cache), ${failed}; ${rate.toFixed(1)} labels/s`);
          last = { ...n };
        }, opts.everyMs)
      : undefined;
  timer?.unref();
  void worker.run().catch((e) => reporter.error(e));
  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    else opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  if (timer) clearInterval(timer);
  await worker.close();
  client.close();
  redis.disconnect();
  return n;
}
