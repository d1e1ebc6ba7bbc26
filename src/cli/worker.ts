import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { checkRedis, openRedis, redisTarget } from '../llm/service/redis.js';
import { startRun } from '../train/run.js';
import { CLI_OPTION_NAMES } from '../train/run-dir.js';
import { loadScenario } from '../train/scenario.js';
import { runWorker } from '../bench/queue/worker.js';
import { DirStore, RedisStore, type CheckpointStore } from '../bench/queue/store.js';
import { cliRegistry } from './registry.js';
import { exitCodeOf, intOption, onSignals } from './queue-common.js';
import { UsageError, asUsage } from './usage.js';

interface WorkerCliOptions {
  queue?: string;
  jobs: string;
  store?: string;
  storeLimit: string;
  work?: string;
  lockDuration: string;
  stalledInterval: string;
  maxStalled: string;
  every: string;
  resultLimit: string;
}

async function worker(o: WorkerCliOptions): Promise<void> {
  const queue = o.queue;
  if (queue === undefined)
    throw new UsageError('rxgym worker needs --queue redis://host:6379 (the Redis of rxgym bench --queue)');
  const target = asUsage(() => redisTarget(queue));
  const jobs = intOption('jobs', o.jobs, 1);
  const limitMb = intOption('store-limit', o.storeLimit, 1);
  const lockDurationMs = intOption('lock-duration', o.lockDuration, 100);
  const stalledIntervalMs = intOption('stalled-interval', o.stalledInterval, 100);
  const maxStalledCount = intOption('max-stalled', o.maxStalled, 0);
  const everyMs = intOption('every', o.every, 100);
  const resultLimitBytes = intOption('result-limit', o.resultLimit, 1) * 1e6;
  await checkRedis(target);
  const redis = o.store ? undefined : openRedis(target);
  redis?.on('error', () => undefined);
  const store: CheckpointStore = o.store ? new DirStore(o.store) : new RedisStore(redis!, limitMb * 1e6);
  const me = `${hostname()}:${process.pid}`;
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  log(`rxgym worker ${me}: ${jobs} run(s) at a time from ${target.shown}; checkpoints to ${store.describe}`);
  const stop = new AbortController();
  let stopSignal: NodeJS.Signals | undefined;
  const off = onSignals((sig, count) => {
    stopSignal ??= sig;
    // a second signal does not wait for checkpoints: the runs go back to the queue when their locks expire
    if (count > 1) process.exit(exitCodeOf(sig));
    stop.abort(sig);
  });
  const main = process.argv[1]!;
  try {
    await runWorker({
      target,
      jobs,
      store,
      registry: cliRegistry(),
      workDir: o.work ?? join(tmpdir(), `rxgym-worker-${process.pid}`),
      lockDurationMs,
      stalledIntervalMs,
      maxStalledCount,
      everyMs,
      resultLimitBytes,
      signal: stop.signal,
      log,
      child: (scenarioPath, runDir, resume) => ({
        cmd: process.execPath,
        args: [
          ...process.execArgv,
          main,
          'worker',
          'run-job',
          scenarioPath,
          '--run-dir',
          runDir,
          ...(resume ? ['--resume'] : []),
        ],
      }),
    });
  } finally {
    off();
    redis?.disconnect();
  }
  log(`rxgym worker ${me} stopped`);
  process.exitCode = stopSignal ? exitCodeOf(stopSignal) : 0;
}

/** `worker run-job`: one run in a process; a stop signal ends it with a checkpoint, the worker's death at once. */
async function runJob(file: string, o: { runDir: string; resume?: boolean }): Promise<void> {
  const registry = cliRegistry();
  const scenario = loadScenario(file, registry);
  const handle = startRun(scenario, {
    registry,
    runDir: o.runDir,
    resume: o.resume === true,
    quiet: true,
    optionNames: CLI_OPTION_NAMES,
  });
  let finished = false;
  onSignals(() => {
    if (finished) process.exit();
    void handle.stop();
  });
  // The worker that started this run is gone (killed): its job goes to another worker, so this copy stops now.
  if (process.channel) {
    process.channel.unref();
    process.on('disconnect', () => process.exit(1));
  }
  const summary = await handle.done;
  finished = true;
  if (summary.reason === 'stopped') process.exitCode = exitCodeOf('SIGTERM');
}

/** Register `rxgym worker` (runs benchmark jobs from a Redis queue). */
export function registerWorkerCommand(program: Command): void {
  const w = program
    .command('worker')
    .description(
      'Take benchmark runs from a Redis queue (rxgym bench --queue) and train them here; ' +
        'Ctrl-C/SIGTERM checkpoints them and gives them back.',
    )
    .option(
      '--queue <url>',
      'Redis URL (required): redis://[user:password@]host:6379[/db] or rediss:// ' +
        '(password also from RXGYM_REDIS_PASSWORD)',
    )
    .option('--jobs <n>', 'runs at once (child processes)', '1')
    .option('--store <dir>', 'shared directory for checkpoints (every worker must see it); default: Redis itself')
    .option('--store-limit <mb>', 'largest checkpoint kept in Redis (MB)', '8')
    .option('--work <dir>', 'local directory for the runs while they train (default: a temporary directory)')
    .option('--lock-duration <ms>', 'a run whose worker is silent this long goes to another worker', '30000')
    .option('--stalled-interval <ms>', 'how often to look for runs whose worker died', '30000')
    .option('--max-stalled <n>', 'times a run may lose its worker before it fails', '5')
    .option('--every <ms>', 'progress reports at most this often', '1000')
    .option(
      '--result-limit <mb>',
      'largest gzipped files a finished run sends back (events.jsonl is left out past it)',
      '8',
    )
    .action(worker);

  w.command('run-job', { hidden: true })
    .description('internal: one queued run (a child process of rxgym worker)')
    .argument('<scenario>')
    .requiredOption('--run-dir <dir>')
    .option('--resume', 'continue the run in --run-dir from its latest checkpoint')
    .action(runJob);
}
