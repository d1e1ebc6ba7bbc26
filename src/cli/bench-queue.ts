import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchPlan } from '../bench/matrix.js';
import { submitBench } from '../bench/queue/submit.js';
import { checkRedis, redisTarget } from '../llm/service/redis.js';
import { exitCodeOf, intOption, onSignals } from './queue-common.js';
import { asUsage } from './usage.js';

/** The options of `rxgym bench` that concern a queue. */
export interface BenchQueueOptions {
  queue: string;
  out?: string;
  attempts?: string;
  retryDelay?: string;
  every?: string;
}

/**
 * `rxgym bench <file> --queue redis://...`: submit the matrix's runs as jobs, follow them and collect their results
 * into the output directory as the local runner writes them. Running it again resumes (finished runs are kept).
 */
export async function benchOnQueue(file: string, plan: BenchPlan, o: BenchQueueOptions): Promise<void> {
  const target = asUsage(() => redisTarget(o.queue));
  const attempts = intOption('attempts', o.attempts ?? '3', 1);
  const retryDelayMs = intOption('retry-delay', o.retryDelay ?? '10000', 0);
  const everyMs = o.every === undefined ? 10_000 : intOption('every', o.every, 1);
  await checkRedis(target);
  const outDir = o.out ?? join('runs', `bench-${plan.name}`);
  const tty = Boolean(process.stdout.isTTY) && process.env.TERM !== 'dumb';
  const matrix = `${plan.envs.length} env(s) x ${plan.stacks.length} reward stack(s) x ${plan.seeds.length} seed(s)`;
  process.stdout.write(
    `rxgym bench ${plan.name}: ${matrix} = ${plan.runs.length} runs on ${target.shown}, results in ${outDir}\n`,
  );
  const stop = new AbortController();
  let stopSignal: NodeJS.Signals | undefined;
  const off = onSignals((sig) => {
    stopSignal ??= sig;
    stop.abort(sig);
  });
  let outcome: Awaited<ReturnType<typeof submitBench>>;
  try {
    outcome = await submitBench(plan, {
      target,
      outDir,
      attempts,
      retryDelayMs,
      tty,
      everyMs,
      signal: stop.signal,
      write: (t) => void process.stdout.write(t),
    });
  } finally {
    off();
  }
  process.stdout.write(`\n${readFileSync(join(outDir, 'summary.md'), 'utf8')}\n`);
  process.stdout.write(`files: ${outcome.files.join(', ')}\n`);
  const failed = outcome.results.filter((r) => r.status === 'failed');
  if (failed.length) {
    process.stdout.write(`${failed.length} run(s) failed: ${failed.map((r) => `${r.key} (${r.error})`).join('; ')}\n`);
  }
  if (outcome.interrupted) {
    const left = plan.runs.length - outcome.results.length;
    const again = `rxgym bench ${file} --queue ${target.shown} --out ${outDir}`;
    process.stdout.write(`stopped following: ${left} run(s) stay in the queue; collect them with: ${again}\n`);
  }
  if (stopSignal) process.exitCode = exitCodeOf(stopSignal);
  else if (failed.length || outcome.interrupted) process.exitCode = 1;
}
