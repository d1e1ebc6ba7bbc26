import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, type Job } from 'bullmq';
import { stringify } from 'yaml';
import { RxgymError } from '../../core/env.js';
import { ConnectionReporter, type RedisTarget } from '../../llm/service/redis.js';
import { writeFileAtomic } from '../../core/atomic.js';
import type { BenchPlan, BenchRun } from '../matrix.js';
import type { RunResult } from '../results.js';
import { checkOutDir, writeReports } from '../runner.js';
import {
  BENCH_QUEUE,
  PREFIX,
  benchJobData,
  benchJobId,
  type BenchJobData,
  type BenchJobProgress,
  type BenchJobResult,
} from './jobs.js';
import { BenchView, type RunView } from './view.js';
import { unpackResultFiles } from './snapshot.js';

/** Options of `submitBench`. */
export interface SubmitOptions {
  target: RedisTarget;
  outDir: string;
  /** Tries of a run before it is reported failed (a worker dying does not count). */
  attempts: number;
  /** Delay before the first retry of a failed run (ms); it doubles with every further one. */
  retryDelayMs: number;
  tty: boolean;
  /** The overall progress line every this many ms (plain output). */
  everyMs: number;
  /** How often the jobs are looked at (ms). */
  pollMs?: number;
  write: (text: string) => void;
  /** Stops following (the jobs stay in the queue; the same command collects them later). */
  signal?: AbortSignal;
}

/** What `submitBench` returns. */
export interface SubmitOutcome {
  results: RunResult[];
  interrupted: boolean;
  files: string[];
  /** Runs already finished in the output directory, not submitted again. */
  kept: number;
}

type JobBench = Job<BenchJobData, BenchJobResult>;

/** A run that failed for good: its error and how far it got. */
function failedResult(run: BenchRun, error: string, steps: number): RunResult {
  return {
    key: run.key,
    env: run.env,
    rewards: run.rewards,
    seed: run.seed,
    status: 'failed',
    error,
    steps,
    wallSeconds: 0,
    sps: 0,
    episodes: 0,
    return: Number.NaN,
    firstSuccessStep: null,
    curve: [],
  };
}

function readDone(outDir: string, run: BenchRun): RunResult | undefined {
  const p = join(outDir, 'runs', run.key, 'result.json');
  if (!existsSync(p)) return undefined;
  try {
    const r = JSON.parse(readFileSync(p, 'utf8')) as RunResult;
    return r.status === 'done' ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Run a benchmark on a Redis queue: every run not finished in `outDir` becomes a job whose id is the bench name, env,
 * stack and seed (so submitting again, or from another machine, adds nothing twice), then the jobs are followed until
 * each is done or failed for good, and their files are collected into `outDir` as the local runner writes them.
 */
export async function submitBench(plan: BenchPlan, opts: SubmitOptions): Promise<SubmitOutcome> {
  checkOutDir(opts.outDir, plan, true);
  mkdirSync(join(opts.outDir, 'runs'), { recursive: true });
  mkdirSync(join(opts.outDir, 'scenarios'), { recursive: true });
  const manifest = {
    name: plan.name,
    fingerprint: plan.fingerprint,
    envs: plan.envs,
    stacks: plan.stacks,
    seeds: plan.seeds,
    runs: plan.runs.map((r) => r.key),
  };
  writeFileAtomic(join(opts.outDir, 'bench.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  const results = new Map<string, RunResult>();
  const pending: BenchRun[] = [];
  for (const run of plan.runs) {
    const done = readDone(opts.outDir, run);
    if (done) results.set(run.key, done);
    else pending.push(run);
  }
  const kept = results.size;
  const reporter = new ConnectionReporter(opts.target, (l) => opts.write(`${l}\n`));
  const queue = new Queue<BenchJobData, BenchJobResult>(BENCH_QUEUE, {
    connection: opts.target.options,
    prefix: PREFIX,
  });
  queue.on('error', (e) => reporter.error(e));
  try {
    const { added, retried } = await submit(queue, plan, pending, opts);
    const already = pending.length - added - retried;
    const parts = [
      `${added} submitted`,
      ...(already ? [`${already} already queued, running or done`] : []),
      ...(retried ? [`${retried} failed before, retried`] : []),
      ...(kept ? [`${kept} finished runs kept`] : []),
    ];
    opts.write(`queue ${opts.target.shown}: ${parts.join(', ')}; start workers with: rxgym worker --queue <url>\n`);
    const interrupted = await follow(queue, plan, pending, results, opts, reporter);
    const finished = plan.runs.map((r) => results.get(r.key)).filter((r): r is RunResult => r !== undefined);
    const files = await writeReports(plan, finished, opts.outDir);
    return { results: finished, interrupted, files, kept };
  } finally {
    await queue.close().catch(() => undefined);
  }
}

/** Add the runs' jobs; a job left failed by an earlier submission is retried. */
async function submit(
  queue: Queue<BenchJobData, BenchJobResult>,
  plan: BenchPlan,
  runs: BenchRun[],
  opts: SubmitOptions,
): Promise<{ added: number; retried: number }> {
  let added = 0;
  let retried = 0;
  const foreign: string[] = [];
  for (const run of runs) {
    const jobId = benchJobId(plan.name, run);
    const old = (await queue.getJob(jobId)) as JobBench | undefined;
    if (old) {
      if (old.data.fingerprint !== plan.fingerprint) foreign.push(jobId);
      else if ((await old.getState()) === 'failed') {
        await old.retry('failed').then(
          () => retried++,
          () => undefined,
        );
      }
      continue;
    }
    await queue.add(run.key, benchJobData(plan, run), {
      jobId,
      attempts: opts.attempts,
      backoff: { type: 'exponential', delay: opts.retryDelayMs },
      removeOnComplete: { age: 7 * 86_400 },
      removeOnFail: { age: 7 * 86_400 },
    });
    added++;
  }
  if (foreign.length > 0) {
    throw new RxgymError(
      `the queue already holds jobs of another version of benchmark "${plan.name}" (${foreign.slice(0, 3).join(', ')}` +
        `${foreign.length > 3 ? ', ...' : ''}); give this one another bench.name, or wait until those are done`,
    );
  }
  return { added, retried };
}

/** Follow the jobs until every run is done or failed for good (or `opts.signal` stops following); true if stopped. */
async function follow(
  queue: Queue<BenchJobData, BenchJobResult>,
  plan: BenchPlan,
  runs: BenchRun[],
  results: Map<string, RunResult>,
  opts: SubmitOptions,
  reporter: ConnectionReporter,
): Promise<boolean> {
  const view = new BenchView(plan, results, opts.tty, opts.write);
  const states = new Map<string, RunView>();
  const open = new Set(runs.map((r) => r.key));
  let lastOverall = Date.now();
  /** What Redis says of a run's job (undefined: no such job; it was removed by hand and is submitted again). */
  const fetch = async (run: BenchRun): Promise<{ job: JobBench; state: string } | undefined> => {
    const jobId = benchJobId(plan.name, run);
    // the state before the job: a job read after it finished holds its result or its failure's reason
    const state = await queue.getJobState(jobId);
    const job = state === 'unknown' ? undefined : ((await queue.getJob(jobId)) as JobBench | undefined);
    if (!job) {
      await queue.add(run.key, benchJobData(plan, run), { jobId, attempts: opts.attempts });
      return undefined;
    }
    return { job, state };
  };
  /** Record what changed; a finished job's files are collected. */
  const apply = (run: BenchRun, job: JobBench, state: string): void => {
    // the job was read just before it completed (its state after): its result is read at the next look
    if (state === 'completed' && !job.returnvalue) return;
    const p = (typeof job.progress === 'object' ? job.progress : undefined) as BenchJobProgress | undefined;
    const before = states.get(run.key);
    const now: RunView = { state, attempts: job.attemptsMade, ...(p ? { progress: p } : {}) };
    states.set(run.key, now);
    if (state === 'completed') {
      collect(opts.outDir, run, job.returnvalue, view);
      results.set(run.key, job.returnvalue.result);
      open.delete(run.key);
    } else if (state === 'failed') {
      const error = `${job.failedReason} (after ${job.attemptsMade} attempt(s))`;
      const r = failedResult(run, error, p?.step ?? 0);
      mkdirSync(join(opts.outDir, 'runs', run.key), { recursive: true });
      writeFileAtomic(join(opts.outDir, 'runs', run.key, 'result.json'), `${JSON.stringify(r, null, 2)}\n`);
      results.set(run.key, r);
      open.delete(run.key);
      view.line(`FAILED ${run.key}: ${error}`);
    } else view.change(run, before, now, job.failedReason);
  };
  while (open.size > 0 && !opts.signal?.aborted) {
    for (const run of runs) {
      if (!open.has(run.key)) continue;
      let seen: Awaited<ReturnType<typeof fetch>>;
      try {
        seen = await fetch(run);
        reporter.ok();
      } catch (e) {
        reporter.error(e);
        break;
      }
      if (seen) apply(run, seen.job, seen.state);
    }
    if (open.size > 0) view.render(states, Date.now() - lastOverall >= opts.everyMs);
    if (Date.now() - lastOverall >= opts.everyMs) lastOverall = Date.now();
    if (open.size > 0) await sleep(opts.pollMs ?? 1000, opts.signal);
  }
  view.render(states, false, true);
  return open.size > 0;
}

/** Write a finished job's files and result into the run's directory. */
function collect(outDir: string, run: BenchRun, rv: BenchJobResult, view: BenchView): void {
  const dir = join(outDir, 'runs', run.key);
  unpackResultFiles(dir, rv.files);
  writeFileAtomic(join(outDir, 'scenarios', `${run.key}.yaml`), stringify(run.scenario));
  writeFileAtomic(join(dir, 'result.json'), `${JSON.stringify(rv.result, null, 2)}\n`);
  const omitted = Object.entries(rv.omitted ?? {}).map(([f, n]) => `${f} (${(n / 1e6).toFixed(1)} MB)`);
  view.done(rv.result, omitted);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
