import { hostname } from 'node:os';
import type { Command } from 'commander';
import { LlmError, resolveLlmOptions, type LlmOptions } from '../llm/index.js';
import { checkRedis, redisTarget } from '../llm/service/redis.js';
import { runAnnotationService } from '../bench/queue/annotation-service.js';
import { exitCodeOf, intOption, onSignals } from './queue-common.js';
import { UsageError, asUsage } from './usage.js';

interface AnnotatorCliOptions {
  queue?: string;
  llmUrl?: string;
  llmModel?: string;
  llmTimeout?: string;
  concurrency: string;
  rate?: string;
  ratePer: string;
  cacheTtl?: string;
  lockDuration: string;
  stalledInterval: string;
  every: string;
}

async function annotator(o: AnnotatorCliOptions): Promise<void> {
  const queue = o.queue;
  if (queue === undefined)
    throw new UsageError('rxgym annotator needs --queue redis://host:6379 (the Redis the trainers use)');
  const target = asUsage(() => redisTarget(queue));
  const llm: LlmOptions = {
    ...(o.llmUrl ? { baseUrl: o.llmUrl } : {}),
    ...(o.llmModel ? { model: o.llmModel } : {}),
    ...(o.llmTimeout ? { timeoutMs: intOption('llm-timeout', o.llmTimeout, 1) } : {}),
  };
  let resolved: ReturnType<typeof resolveLlmOptions>;
  try {
    resolved = resolveLlmOptions(llm);
  } catch (e) {
    throw e instanceof LlmError ? new UsageError(e.message) : e;
  }
  const concurrency = intOption('concurrency', o.concurrency, 1);
  const rate =
    o.rate === undefined
      ? undefined
      : { max: intOption('rate', o.rate, 1), durationMs: intOption('rate-per', o.ratePer, 1) };
  const cacheTtlSeconds = o.cacheTtl === undefined ? undefined : intOption('cache-ttl', o.cacheTtl, 1);
  await checkRedis(target);
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const limit = rate ? `, at most ${rate.max} per ${rate.durationMs} ms over all annotators` : '';
  const me = `${hostname()}:${process.pid}`;
  const llmAt = `${resolved.model} at ${resolved.baseUrl}`;
  log(`rxgym annotator ${me}: ${llmAt}, ${concurrency} at a time${limit}; requests from ${target.shown}`);
  const stop = new AbortController();
  let stopSignal: NodeJS.Signals | undefined;
  const off = onSignals((sig, count) => {
    stopSignal ??= sig;
    // a second signal does not wait for the requests in hand: they go to another annotator when their locks expire
    if (count > 1) process.exit(exitCodeOf(sig));
    log('stopping: answering the requests in hand');
    stop.abort(sig);
  });
  try {
    const n = await runAnnotationService({
      target,
      llm,
      concurrency,
      ...(rate ? { rate } : {}),
      ...(cacheTtlSeconds ? { cacheTtlSeconds } : {}),
      lockDurationMs: intOption('lock-duration', o.lockDuration, 100),
      stalledIntervalMs: intOption('stalled-interval', o.stalledInterval, 100),
      everyMs: intOption('every', o.every, 0),
      signal: stop.signal,
      log,
    });
    log(
      `rxgym annotator ${me} stopped: answered ${n.asked} (LLM) + ${n.cached} (cache), ${n.failed} failed attempt(s)`,
    );
  } finally {
    off();
  }
  process.exitCode = stopSignal ? exitCodeOf(stopSignal) : 0;
}

/** Register `rxgym annotator` (a process of the shared annotation service). */
export function registerAnnotatorCommand(program: Command): void {
  program
    .command('annotator')
    .description(
      'Serve the annotation requests of any number of trainers (ONI, the vlm judge and the prm judge with ' +
        'annotator: { queue: redis://... }) ' +
        'from a Redis queue: deduplicated, cached in Redis, rate-limited, retried with backoff.',
    )
    .option('--queue <url>', 'Redis URL (required): redis://[user:password@]host:6379[/db] or rediss://')
    .option('--llm-url <url>', 'OpenAI-compatible server (default OPENAI_BASE_URL)')
    .option('--llm-model <name>', 'model name (default RXGYM_LLM_MODEL)')
    .option('--llm-timeout <ms>', 'time limit of one LLM request')
    .option('--concurrency <n>', 'requests this process sends to the LLM at once', '4')
    .option('--rate <n>', 'at most n requests per --rate-per ms, over every annotator of the queue')
    .option('--rate-per <ms>', 'the window of --rate', '1000')
    .option('--cache-ttl <s>', 'seconds a cached label lives (default: for ever)')
    .option('--lock-duration <ms>', 'a request whose annotator is silent this long goes to another', '30000')
    .option('--stalled-interval <ms>', 'how often to look for requests whose annotator died', '30000')
    .option('--every <ms>', 'a counters line this often (0: none)', '10000')
    .action(annotator);
}
