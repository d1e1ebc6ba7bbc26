import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { stringify } from 'yaml';
import { ConnectionReporter, type RedisTarget } from '../../llm/service/redis.js';
import type { ScenarioRegistry } from '../../train/scenario.js';
import { validateScenario } from '../../train/scenario.js';
import { parseEventsJsonl, resultFromEvents } from '../results.js';
import { EventsFollower } from './follow.js';
import { BENCH_QUEUE, PREFIX, type BenchJobData, type BenchJobProgress, type BenchJobResult } from './jobs.js';
import { packResultFiles, packSnapshot, restoreSnapshot, takeSnapshot, unpackSnapshot } from './snapshot.js';
import type { CheckpointStore } from './store.js';

/** How to start one run as a child process, in `runDir`; `resume`: from its latest checkpoint. */
export type JobCommand = (scenarioPath: string, runDir: string, resume: boolean) => { cmd: string; args: string[] };

/** Options of `runWorker`. */
export interface QueueWorkerOptions {
  target: RedisTarget;
  /** Runs at once (each a child process). */
  jobs: number;
  store: CheckpointStore;
  /** Where the runs' directories live while they run (local to this machine). */
  workDir: string;
  child: JobCommand;
  /** To validate a job's scenario before it runs. */
  registry: ScenarioRegistry;
  /** BullMQ lock duration: how long a job survives its worker's silence before another worker takes it (ms). */
  lockDurationMs: number;
  /** How often workers look for jobs whose worker died (ms). */
  stalledIntervalMs: number;
  /** Times a job may lose its worker before it fails. */
  maxStalledCount: number;
  /** Progress updates at most this often (ms). */
  everyMs: number;
  /** Largest gzipped size of the files a finished run returns (the rest are left out and named). */
  resultLimitBytes: number;
  /** Aborting stops the worker: running jobs are checkpointed and put back in the queue for another worker. */
  signal: AbortSignal;
  log: (line: string) => void;
}

/** How long a stopped run may take to write its checkpoint before it is killed (ms). */
const STOP_GRACE_MS = 20_000;

/** One job in the hands of this worker: its run's child process, its follower and its snapshots. */
class JobRun {
  private readonly d: BenchJobData;
  private readonly base: string;
  private readonly runDir: string;
  private child?: ChildProcess;
  private stderr = '';
  private follower?: EventsFollower;
  /** The step of the newest checkpoint in the store (of the run proper; -1: none). */
  private snapped = -1;
  /** The same of the run's pre-training (while fine-tuning has no checkpoint yet). */
  private snappedPre = -1;
  private wallBefore = 0;
  private resumedFrom?: number;
  private resumedPhase?: 'pretrain';
  private readonly t0 = Date.now();
  private saving: Promise<void> = Promise.resolve();
  private saveError?: Error;
  private progressAt = 0;
  private progressBusy = false;
  private lastProgressStep = -1;
  /** Set when this worker is shutting down: the run is stopped with a checkpoint and given back to the queue. */
  releasing = false;

  constructor(
    private readonly job: Job<BenchJobData>,
    private readonly token: string,
    private readonly o: QueueWorkerOptions,
  ) {
    this.d = job.data;
    this.base = join(o.workDir, `${job.id}-${randomBytes(4).toString('hex')}`);
    this.runDir = join(this.base, 'run');
  }

  private get id(): string {
    return this.job.id!;
  }

  async run(signal: AbortSignal | undefined): Promise<BenchJobResult> {
    const d = this.d;
    try {
      validateScenario(d.scenario, this.o.registry, d.key);
    } catch (e) {
      throw new UnrecoverableError(`invalid scenario: ${(e as Error).message}`);
    }
    mkdirSync(this.base, { recursive: true });
    try {
      const resume = await this.restore();
      if (this.releasing) {
        // the worker is stopping before this run began: straight back to the queue
        await this.job.moveToWait(this.token);
        throw new WaitingError();
      }
      const scenarioPath = join(this.base, 'scenario.yaml');
      writeFileSync(scenarioPath, stringify(d.scenario));
      const of = this.job.opts.attempts ? ` of ${this.job.opts.attempts}` : '';
      const attempt = `attempt ${this.job.attemptsMade + 1}${of}`;
      const pre = this.resumedPhase === 'pretrain' ? ' of its pre-training' : '';
      const how = resume ? `resume ${d.key} from step ${this.resumedFrom}${pre}` : `start ${d.key}`;
      this.o.log(`${how} (${d.bench}, ${attempt})`);
      const { cmd, args } = this.o.child(scenarioPath, this.runDir, resume);
      this.follower = new EventsFollower(join(this.runDir, 'events.jsonl'));
      if (this.resumedFrom !== undefined) this.follower.step = this.resumedFrom;
      const child = spawn(cmd, args, {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        env: { ...process.env, RXGYM_BENCH_CHILD: '1' },
      });
      this.child = child;
      child.stderr!.on('data', (b: Buffer) => {
        this.stderr = (this.stderr + b.toString()).slice(-4000);
      });
      const exit = await this.watch(child, signal);
      return await this.finish(exit, signal);
    } finally {
      rmSync(this.base, { recursive: true, force: true });
    }
  }

  /** Restore the run's snapshot from the store, if it has one of this benchmark; true when there is one. */
  private async restore(): Promise<boolean> {
    const blob = await this.o.store.get(this.id);
    const snap = blob ? unpackSnapshot(blob) : undefined;
    if (!snap || snap.meta.fingerprint !== this.d.fingerprint) return false;
    restoreSnapshot(this.runDir, snap.files);
    this.wallBefore = snap.meta.wallSeconds;
    this.resumedFrom = snap.meta.step;
    if (snap.meta.phase === 'pretrain') {
      this.resumedPhase = 'pretrain';
      this.snappedPre = snap.meta.step;
    } else this.snapped = snap.meta.step;
    return true;
  }

  /** Follow the child until it exits: progress to the job, every new checkpoint to the store. */
  private watch(
    child: ChildProcess,
    signal: AbortSignal | undefined,
  ): Promise<{ code: number | null; sig: NodeJS.Signals | null }> {
    return new Promise((resolve) => {
      let pendingSnap = false;
      const tick = (): void => {
        const f = this.follower!;
        f.poll();
        // A checkpoint seen at the last tick is saved now, once its metrics row is surely written too.
        if (pendingSnap) this.snapshotNewest();
        pendingSnap = this.newest() !== undefined;
        this.progress();
      };
      const timer = setInterval(tick, 500);
      const onAbort = (): void => {
        // The job's lock was lost (another worker has it now): this copy must stop writing at once.
        child.kill('SIGKILL');
      };
      signal?.addEventListener('abort', onAbort);
      child.once('exit', (code, sig) => {
        clearInterval(timer);
        signal?.removeEventListener('abort', onAbort);
        this.follower!.poll();
        resolve({ code, sig });
      });
      child.once('error', (e) => {
        this.stderr += `\n${e.message}`;
      });
    });
  }

  /** Stop the run with a checkpoint (this worker is shutting down); killed if it takes too long. */
  release(): void {
    if (this.releasing) return;
    this.releasing = true;
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), STOP_GRACE_MS);
    t.unref();
    c.once('exit', () => clearTimeout(t));
  }

  /**
   * The run's checkpoint newer than the one in the store, if any: of the run proper, else (before fine-tuning has
   * one) of its pre-training.
   */
  private newest(): { step: number; phase?: 'pretrain' } | undefined {
    const f = this.follower!;
    if (f.checkpointStep > this.snapped) return { step: f.checkpointStep };
    if (this.snapped < 0 && f.pretrainCheckpointStep > this.snappedPre)
      return { step: f.pretrainCheckpointStep, phase: 'pretrain' };
    return undefined;
  }

  /** Save the snapshot of the newest checkpoint (queued behind earlier saves; a failure fails the job). */
  private snapshotNewest(): void {
    const ck = this.newest();
    if (!ck) return;
    const files = takeSnapshot(this.runDir, ck.step, ck.phase);
    if (!files) return;
    if (ck.phase === 'pretrain') this.snappedPre = ck.step;
    else this.snapped = ck.step;
    const wallSeconds = this.wallBefore + (Date.now() - this.t0) / 1000;
    const meta = {
      fingerprint: this.d.fingerprint,
      step: ck.step,
      wallSeconds,
      ...(ck.phase ? { phase: ck.phase } : {}),
    };
    const blob = packSnapshot({ meta, files });
    this.saving = this.saving.then(async () => {
      try {
        await this.o.store.put(this.id, blob);
      } catch (e) {
        this.saveError = e as Error;
        this.child?.kill('SIGKILL');
      }
    });
  }

  private progress(): void {
    const f = this.follower!;
    const now = Date.now();
    if (this.progressBusy || f.step === this.lastProgressStep || now - this.progressAt < this.o.everyMs) return;
    this.progressAt = now;
    this.progressBusy = true;
    this.lastProgressStep = f.step;
    const p: BenchJobProgress = {
      step: f.step,
      worker: `${hostname()}:${process.pid}`,
      ...(f.ret !== undefined ? { return: f.ret } : {}),
      ...(f.success !== undefined ? { success: f.success } : {}),
      ...(this.resumedFrom !== undefined ? { resumedFrom: this.resumedFrom } : {}),
    };
    this.job
      .updateProgress(p as unknown as object)
      .catch(() => undefined)
      .finally(() => {
        this.progressBusy = false;
      });
  }

  /** The job's outcome once the child has exited. */
  private async finish(
    exit: { code: number | null; sig: NodeJS.Signals | null },
    signal: AbortSignal | undefined,
  ): Promise<BenchJobResult> {
    const f = this.follower!;
    await this.saving;
    if (this.saveError) throw new UnrecoverableError(this.saveError.message);
    if (signal?.aborted)
      throw new Error(`worker ${hostname()}:${process.pid} lost the job's lock; another worker continues it`);
    if (f.endReason === 'budget') return this.result();
    if (this.releasing) {
      // Stopped for the worker's shutdown: its last checkpoint goes to the store, the job back to the queue.
      this.snapshotNewest();
      await this.saving;
      await this.job.moveToWait(this.token);
      const at = this.snapped >= 0 ? `step ${this.snapped}` : `step ${this.snappedPre} of its pre-training`;
      this.o.log(`released ${this.d.key} at ${at} (checkpoint in the store; another worker continues it)`);
      throw new WaitingError();
    }
    throw new Error(this.failure(exit));
  }

  /** Why the run failed, in one line: its fatal error, else its most telling stderr line, else how it exited. */
  private failure(exit: { code: number | null; sig: NodeJS.Signals | null }): string {
    if (this.follower!.error) return this.follower!.error;
    const lines = this.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const telling = lines.find((l) => /^rxgym:|Error\b/.test(l)) ?? lines[0];
    return telling ?? `the run exited with ${exit.sig ?? `code ${exit.code}`} before its budget`;
  }

  private result(): BenchJobResult {
    const events = parseEventsJsonl(readFileSync(join(this.runDir, 'events.jsonl'), 'utf8'));
    const wall = this.wallBefore + (Date.now() - this.t0) / 1000;
    const result = resultFromEvents(this.d, events, wall);
    const { files, omitted } = packResultFiles(this.runDir, this.o.resultLimitBytes);
    return { result, files, ...(Object.keys(omitted).length ? { omitted } : {}) };
  }
}

/**
 * A queue worker: takes benchmark runs from Redis and trains each in a child process (so this process stays free to
 * keep the job's lock), saving every checkpoint to the shared store. Resolves when `opts.signal` has stopped it and
 * its runs are checkpointed and back in the queue.
 */
export async function runWorker(opts: QueueWorkerOptions): Promise<void> {
  const reporter = new ConnectionReporter(opts.target, opts.log);
  const running = new Map<string, JobRun>();
  mkdirSync(opts.workDir, { recursive: true });
  const worker = new Worker<BenchJobData, BenchJobResult>(
    BENCH_QUEUE,
    async (job, token, signal) => {
      const jr = new JobRun(job, token!, opts);
      running.set(job.id!, jr);
      try {
        return await jr.run(signal);
      } finally {
        running.delete(job.id!);
      }
    },
    {
      connection: opts.target.options,
      prefix: PREFIX,
      concurrency: opts.jobs,
      autorun: false,
      lockDuration: opts.lockDurationMs,
      stalledInterval: opts.stalledIntervalMs,
      maxStalledCount: opts.maxStalledCount,
    },
  );
  worker.on('error', (e) => reporter.error(e));
  worker.on('active', () => reporter.ok());
  worker.on('locksRenewed', () => reporter.ok());
  worker.on('lockRenewalFailed', (ids) => {
    for (const id of ids) worker.cancelJob(id, 'lock lost');
  });
  worker.on('completed', (job) => {
    reporter.ok();
    const r = job.returnvalue?.result;
    opts.log(`done ${job.data.key}: ${r ? `${r.steps} steps, return ${r.return.toFixed(3)}` : 'no result'}`);
    void opts.store.drop(job.id!).catch(() => undefined);
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const left = (job.opts.attempts ?? 1) - job.attemptsMade;
    opts.log(`FAILED ${job.data.key}: ${err.message}${left > 0 ? ` (${left} attempt(s) left)` : ''}`);
  });
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      opts.log(`stopping: ${running.size} run(s) checkpoint and go back to the queue`);
      for (const jr of running.values()) jr.release();
      void worker.close().then(resolve, resolve);
    };
    if (opts.signal.aborted) stop();
    else opts.signal.addEventListener('abort', stop, { once: true });
  });
  void worker.run().catch((e) => reporter.error(e));
  await stopped;
}
