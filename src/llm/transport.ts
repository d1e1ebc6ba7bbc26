import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { RxgymError } from '../core/env.js';
import { resolveLlmOptions } from './config.js';
import type { QueueChatSettings } from './service/queue-chat.js';
import { redisTarget } from './service/redis-url.js';
import type {
  ChatJob,
  ChatJobResult,
  ChatQueueStats,
  TransportInit,
  TransportReply,
  TransportRequest,
} from './transport-protocol.js';
import type { LlmOptions } from './types.js';

/** Options of OffThreadChat. */
export interface OffThreadChatOptions {
  /** The client's options, resolved here (environment variables included) so that bad ones fail at construction. */
  llm: LlmOptions;
  /** Largest number of jobs waiting in the worker (default 10000); when full, the oldest is dropped. */
  maxQueue?: number;
  /** Chat calls running at once (default `llm.concurrency` or 4). */
  concurrency?: number;
  /** Which waiting job runs next (default `newest`). */
  order?: 'newest' | 'oldest';
  /** Send the jobs to the shared annotation service on this Redis instead (`llm` is then not used). */
  queue?: AnnotationServiceSettings;
}

/** How a trainer reaches the shared annotation service (`rxgym annotator`): its Redis and the request settings. */
export type AnnotationServiceSettings = Omit<QueueChatSettings, 'maxQueue' | 'order'>;

const EMPTY_STATS: ChatQueueStats = {
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

/**
 * The off-thread annotation transport: an LLM client and its job queue in a worker thread. `submit` posts and returns
 * at once; the worker's own event loop does the cache reads, connections, retries and waits, whatever the training
 * thread is doing. Results reach `onResult` when this thread's event loop runs, and at once (synchronously) from
 * `poll()`, which a training loop calls once per batch so that labels never wait for it to yield.
 * `close()` terminates the worker: sockets in flight are cut and no retry follows. The worker is unref'd, so it never
 * keeps the process alive. It runs the compiled package (dist/), like WorkerVectorEnv.
 */
export class OffThreadChat {
  /** The resolved base URL of the server (or the annotation service's Redis URL, password hidden). */
  readonly baseUrl: string;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly pending = new Set<number>();
  private last: ChatQueueStats = EMPTY_STATS;
  private failed?: string;
  private closed = false;

  constructor(
    opts: OffThreadChatOptions,
    private readonly onResult: (r: ChatJobResult) => void,
  ) {
    const concurrency = opts.concurrency ?? opts.llm.concurrency ?? 4;
    const maxQueue = opts.maxQueue ?? 10_000;
    const order = opts.order ?? 'newest';
    const { port1, port2 } = new MessageChannel();
    let init: TransportInit;
    if (opts.queue) {
      this.baseUrl = redisTarget(opts.queue.url, 'annotator.queue').shown;
      init = { queue: { ...opts.queue, maxQueue, order }, maxQueue, concurrency, order, port: port2 };
    } else {
      const llm = resolveLlmOptions(opts.llm);
      this.baseUrl = llm.baseUrl;
      init = { llm: { ...llm, concurrency }, maxQueue, concurrency, order, port: port2 };
    }
    // No inherited flags: the worker needs none, and some (`--input-type`, `-e`) make a worker fail to start.
    this.worker = new Worker(transportEntryUrl(), { workerData: init, transferList: [port2], execArgv: [] });
    this.worker.unref();
    this.worker.on('error', (e) => this.fail(`the LLM worker thread failed: ${e.message}`));
    this.worker.on('exit', (code) => this.fail(`the LLM worker thread exited (code ${code})`));
    this.port = port1;
    this.port.on('message', (m: TransportReply) => this.handle(m));
    this.port.unref();
  }

  /** Jobs sent and not answered yet. */
  get outstanding(): number {
    return this.pending.size;
  }

  /** Why the worker stopped, when it did before `close()`. */
  get error(): string | undefined {
    return this.failed;
  }

  /** Post jobs to the worker; returns at once. After a failure or `close()`, each job gets an error result. */
  submit(jobs: ChatJob[]): void {
    if (jobs.length === 0) return;
    if (this.closed || this.failed !== undefined) {
      const message = this.failed ?? 'the LLM transport is closed';
      for (const j of jobs) this.onResult({ id: j.id, error: { kind: this.closed ? 'cancelled' : 'worker', message } });
      return;
    }
    for (const j of jobs) this.pending.add(j.id);
    this.port.postMessage({ type: 'submit', jobs } satisfies TransportRequest);
  }

  /** Handle every result the worker has sent so far, synchronously. */
  poll(): void {
    if (this.closed) return;
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      this.handle(m.message as TransportReply);
    }
  }

  /** The worker's latest counters (client and queue). */
  stats(): ChatQueueStats {
    return this.last;
  }

  /** Stop the worker now: requests in flight are cut, nothing is retried; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.clear();
    this.port.close();
    void this.worker.terminate();
  }

  private handle(m: TransportReply): void {
    if (this.closed) return;
    this.last = m.stats;
    if (m.type !== 'result') return;
    if (!this.pending.delete(m.result.id)) return;
    this.onResult(m.result);
  }

  /** The worker died: every job still out gets an error result. */
  private fail(message: string): void {
    if (this.closed || this.failed !== undefined) return;
    this.failed = message;
    this.poll();
    const ids = [...this.pending];
    this.pending.clear();
    for (const id of ids) this.onResult({ id, error: { kind: 'worker', message } });
  }
}

/** The compiled worker script: next to this file when running from dist/, else dist/ of the package root. */
function transportEntryUrl(): URL {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.js')) return new URL('./transport-entry.js', here);
  const dist = new URL('../../dist/src/llm/transport-entry.js', here);
  if (!existsSync(fileURLToPath(dist))) {
    const file = fileURLToPath(dist);
    throw new RxgymError(`the off-thread LLM client needs its compiled worker script ${file}; run \`npm run build\``);
  }
  return dist;
}
