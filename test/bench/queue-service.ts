// Issue 16, item 5: what the Redis queue costs, and what the shared annotation service delivers.
// 1. Queue overhead per job: a BullMQ job added, taken by a worker with an empty processor, completed and seen
//    completed by the adder (one at a time: the round trip), then 1000 jobs at once (throughput).
// 2. Overhead per annotation request: one request at a time, from an LlmAnnotator (the ONI client: its transport in a
//    worker thread) straight to a local OpenAI-compatible server that answers at once, vs through `rxgym annotator`.
// 3. Labels per second through the service against a server answering in 200 ms (its own process), with 1 and 2
//    annotator processes of --concurrency 4 each: every request distinct (no cache hit).
// Everything runs on this machine: a redis-server of test/support, annotators from dist/ (build first).
// Run: npm run build && node --import ./test/viz/ts-loader.mjs test/bench/queue-service.ts [requests=200]
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { LlmAnnotator, type LlmAnnotatorSettings } from '../../rewards/intrinsic/oni/annotator.js';
import { redisTarget } from '../../src/llm/service/redis.js';
import { startOpenAiServerProcess } from '../support/openai-server-process.js';
import { startRedis } from '../support/redis-server.js';

const BIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const REQUESTS = Number(process.argv[2] ?? 200);
const LABEL = '<reasoning>judged</reasoning><label>HELPFUL</label>';
const keep = setInterval(() => undefined, 1000);
const redis = await startRedis();
const connection = redisTarget(redis.url).options;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

async function queueOverhead(): Promise<void> {
  const q = new Queue('measure', { connection, prefix: 'rxgym' });
  const events = new QueueEvents('measure', { connection, prefix: 'rxgym' });
  const w = new Worker('measure', async () => 'ok', { connection, prefix: 'rxgym', concurrency: 1 });
  await Promise.all([events.waitUntilReady(), w.waitUntilReady()]);
  const trips: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    const job = await q.add('j', { i }, { jobId: `trip-${i}` });
    await job.waitUntilFinished(events);
    trips.push(performance.now() - t);
  }
  const t = performance.now();
  await q.addBulk(Array.from({ length: 1000 }, (_, i) => ({ name: 'j', data: { i }, opts: { jobId: `bulk-${i}` } })));
  while ((await q.getJobCounts('completed')).completed < 1100) await new Promise((r) => setTimeout(r, 20));
  const perJob = (performance.now() - t) / 1000;
  console.log(`queue round trip per job (add -> worker -> completed seen): median ${median(trips).toFixed(2)} ms`);
  console.log(
    `queue throughput, 1 worker, empty processor: ${perJob.toFixed(2)} ms a job (${(1000 / perJob).toFixed(0)} jobs/s)`,
  );
  await Promise.all([w.close(), events.close(), q.close()]);
}

function annotator(llmUrl: string, concurrency: number): Promise<ChildProcess> {
  const args = [
    BIN,
    'annotator',
    '--queue',
    redis.url,
    '--llm-url',
    llmUrl,
    '--concurrency',
    String(concurrency),
    '--every',
    '0',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (/rxgym annotator /.test(d.toString())) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`annotator exited with ${code}`)));
  });
}

function trainer(service: boolean, llmUrl: string): LlmAnnotator {
  const s: LlmAnnotatorSettings = {
    ...(service
      ? { service: { url: redis.url, promptVersion: 'measure', attempts: 3, backoffMs: 500, maxInFlight: 1000 } }
      : {}),
    maxQueue: 100_000,
    concurrency: 8,
    parseRetries: 0,
    temperature: 0,
    maxTokens: 64,
    reasks: 0,
    reaskDelayMs: 0,
    warnAfter: 10_000,
  };
  return new LlmAnnotator({ baseUrl: llmUrl, cacheDir: 'off', maxRetries: 0 }, s);
}

/** Median latency of one request at a time (after a warm-up). */
async function latency(a: LlmAnnotator, tag: string, n = 60): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    a.submit([{ kind: 'cls', message: `${tag} ${i} ${Date.now()}` }]);
    await a.idle();
    if (i >= 10) times.push(performance.now() - t);
  }
  return median(times);
}

async function requestOverhead(): Promise<void> {
  const llm = await startOpenAiServerProcess(0, LABEL);
  const direct = trainer(false, llm.url);
  const d = await latency(direct, 'direct');
  direct.dispose();
  const ann = await annotator(llm.url, 4);
  const viaQueue = trainer(true, llm.url);
  const q = await latency(viaQueue, 'queue');
  viaQueue.dispose();
  ann.kill('SIGTERM');
  await llm.close();
  console.log(
    `one annotation request (server answers at once): direct ${d.toFixed(1)} ms, via the service ${q.toFixed(1)} ms`,
  );
  console.log(`  overhead of the service per request: ${(q - d).toFixed(1)} ms`);
}

async function labelsPerSecond(annotators: number): Promise<number> {
  const llm = await startOpenAiServerProcess(200, LABEL);
  const procs = await Promise.all(Array.from({ length: annotators }, () => annotator(llm.url, 4)));
  const a = trainer(true, llm.url);
  const t = performance.now();
  a.submit(
    Array.from({ length: REQUESTS }, (_, i) => ({
      kind: 'cls' as const,
      message: `rate ${annotators} ${i} ${Date.now()}`,
    })),
  );
  await a.idle();
  const secs = (performance.now() - t) / 1000;
  const labelled = a.stats().labelled;
  a.dispose();
  for (const p of procs) p.kill('SIGTERM');
  await llm.close();
  const rate = `${labelled} labels in ${secs.toFixed(1)} s = ${(labelled / secs).toFixed(1)} labels/s`;
  console.log(`${annotators} annotator(s) x concurrency 4, server at 200 ms: ${rate}`);
  return labelled / secs;
}

console.log(`load average before: ${load()} (${new Date().toISOString()})`);
await queueOverhead();
await requestOverhead();
const one = await labelsPerSecond(1);
const two = await labelsPerSecond(2);
console.log(`2 vs 1 annotators: x${(two / one).toFixed(2)} (ideal x2: 4 / 0.2 s = 20 labels/s each)`);
console.log(`load average after: ${load()}`);
clearInterval(keep);
await redis.close();
process.exit(0);
