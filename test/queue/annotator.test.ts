import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LlmAnnotator, type LlmAnnotatorSettings, type OniLabel } from '../../rewards/intrinsic/oni/annotator.js';
import { redisTarget } from '../../src/llm/service/redis.js';
import { ANNOTATION_QUEUE, QUEUE_PREFIX } from '../../src/llm/service/protocol.js';
import { Queue } from 'bullmq';
import { lastUserMessage, startOpenAiServer, type OpenAiTestServer, type Responder } from '../support/openai-server.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { rxgym, settledLabels, stop, type Proc } from './procs.js';

// The shared annotation service with real processes: `rxgym annotator` against a real redis-server and a real
// OpenAI-compatible HTTP server (in this process, to count the requests); trainers are LlmAnnotators here (their
// client runs in a worker thread from dist/: build first) or a whole `rxgym run`.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 60_000 });
let redis: TestRedis;
let server: OpenAiTestServer;
let keys: Redis;
const procs: Proc[] = [];
const trainers: LlmAnnotator[] = [];
const dir = mkdtempSync(join(tmpdir(), 'rxgym-annotator-'));

beforeAll(async () => {
  redis = await startRedis();
  keys = new Redis(redisTarget(redis.url).options);
});
afterEach(async () => {
  for (const t of trainers.splice(0)) t.dispose();
  for (const p of procs.splice(0)) await stop(p);
  await server?.close();
  await keys.flushall();
});
afterAll(async () => {
  keys?.disconnect();
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

const HELPFUL = '<reasoning>progress</reasoning><label>HELPFUL</label>';
const NOT = '<reasoning>noise</reasoning><label>NOT HELPFUL</label>';
/** The LLM's answer: kills are progress (the message is the prompt's quoted line; its examples mention kills too). */
const judge =
  (delayMs: number): Responder =>
  (req) => ({ delayMs, text: /kill/.test(/^"(.*)"$/m.exec(lastUserMessage(req))?.[1] ?? '') ? HELPFUL : NOT });
const chats = (): number => server.requests.filter((r) => r.path.endsWith('/chat/completions')).length;

/**
 * Wait until the service has nothing waiting or running and every LLM answer is in the label cache: a run that ended
 * may leave questions the annotator still answers (a chat counted by the server before its label is written).
 */
const settled = (pattern: string): Promise<number> => settledLabels(redis.url, keys, pattern, chats);

function annotator(extra: string[] = []): Proc {
  const p = rxgym([
    'annotator',
    '--queue',
    redis.url,
    '--llm-url',
    server.url,
    '--llm-model',
    'judge-1',
    '--every',
    '0',
    ...extra,
  ]);
  procs.push(p);
  return p;
}

function trainer(): { a: LlmAnnotator; labels: OniLabel[] } {
  const settings: LlmAnnotatorSettings = {
    service: { url: redis.url, promptVersion: 'test-1', attempts: 4, backoffMs: 200, maxInFlight: 256 },
    maxQueue: 10_000,
    concurrency: 4,
    parseRetries: 0,
    temperature: 0,
    maxTokens: 64,
    reasks: 0,
    reaskDelayMs: 0,
    warnAfter: 1000,
  };
  const a = new LlmAnnotator({}, settings);
  trainers.push(a);
  const labels: OniLabel[] = [];
  a.labels$.subscribe((l) => labels.push(l));
  return { a, labels };
}

const messages = (n: number, tag: string): string[] =>
  Array.from({ length: n }, (_, i) => (i % 2 ? `You kill the ${tag} newt ${i}!` : `You miss the ${tag} newt ${i}.`));
const submit = (a: LlmAnnotator, ms: string[]): void =>
  a.submit(ms.map((message) => ({ kind: 'cls' as const, message })));

/** Each message labelled exactly once, and rightly. */
function expectOncePerMessage(labels: OniLabel[], ms: string[]): void {
  const got = labels.map((l) => (l.kind === 'cls' ? `${l.message}=${l.label}` : '?')).sort();
  expect(got).toEqual(ms.map((m) => `${m}=${/kill/.test(m) ? 1 : 0}`).sort());
}

describe('rxgym annotator: the shared annotation service', () => {
  it('two trainers, same requests: one LLM call each, both labelled; again: from Redis; 503s retried', async () => {
    let flaky = 0;
    server = await startOpenAiServer((req) => {
      if (/flaky/.test(lastUserMessage(req)) && flaky++ < 2) return { status: 503 };
      return judge(50)(req);
    });
    const p = annotator(['--concurrency', '8']);
    await p.waitFor(/^rxgym annotator .*: judge-1 at /m, 120_000);
    const ms = [...messages(20, 'shared'), 'You kill the flaky newt!'];
    const [t1, t2] = [trainer(), trainer()];
    submit(t1.a, ms);
    submit(t2.a, ms);
    await Promise.all([t1.a.idle(), t2.a.idle()]);
    expectOncePerMessage(t1.labels, ms);
    expectOncePerMessage(t2.labels, ms);
    // one request per message (the flaky one: two 503s, then its answer)
    expect(chats()).toBe(ms.length + 2);
    expect(t1.a.stats().failures + t2.a.stats().failures).toBe(0);
    expect(await keys.keys('rxgym:labels:judge-1:test-1:*')).toHaveLength(ms.length);

    // a third trainer, later: nothing goes to the LLM
    const t3 = trainer();
    submit(t3.a, ms);
    await t3.a.idle();
    expectOncePerMessage(t3.labels, ms);
    expect(t3.a.stats().cacheHits).toBe(ms.length);
    expect(chats()).toBe(ms.length + 2);
    // the jobs gone (after their age), a new request is answered from the label cache
    const q = new Queue(ANNOTATION_QUEUE, { connection: redisTarget(redis.url).options, prefix: QUEUE_PREFIX });
    await q.clean(0, 10_000, 'completed');
    await q.close();
    const t4 = trainer();
    submit(t4.a, ms.slice(0, 5));
    await t4.a.idle();
    expectOncePerMessage(t4.labels, ms.slice(0, 5));
    expect(chats()).toBe(ms.length + 2);
  });

  it('an annotator killed mid-batch: its requests are redelivered to another; every label arrives once', async () => {
    server = await startOpenAiServer(judge(1500));
    const fast = ['--concurrency', '8', '--lock-duration', '3000', '--stalled-interval', '1500'];
    const a = annotator(fast);
    await a.waitFor(/^rxgym annotator /m, 120_000);
    const ms = messages(30, 'kill9');
    const t = trainer();
    submit(t.a, ms);
    // A holds 8 requests at the LLM
    const until = Date.now() + 60_000;
    while (chats() < 8 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    a.child.kill('SIGKILL');
    await a.exited;
    const b = annotator(fast);
    await t.a.idle();
    expectOncePerMessage(t.labels, ms);
    expect(t.a.stats()).toMatchObject({ failures: 0, dropped: 0 });
    // the 8 in A's hands were asked again
    expect(chats()).toBeGreaterThanOrEqual(ms.length + 8);
    expect(await keys.keys('rxgym:labels:judge-1:test-1:*')).toHaveLength(ms.length);
    await stop(b);
  });

  it('--rate: at most n requests per window over every annotator process', async () => {
    server = await startOpenAiServer(judge(0));
    const times: number[] = [];
    server.respond((req) => {
      times.push(Date.now());
      return judge(0)(req);
    });
    const [a, b] = [annotator(['--rate', '4', '--concurrency', '8']), annotator(['--rate', '4', '--concurrency', '8'])];
    await a.waitFor(/^rxgym annotator /m, 120_000);
    await b.waitFor(/^rxgym annotator /m, 120_000);
    const t = trainer();
    const ms = messages(16, 'rate');
    submit(t.a, ms);
    await t.a.idle();
    expectOncePerMessage(t.labels, ms);
    // 16 requests at 4 per (fixed) 1 s window: about 3 s from the first to the last, two windows' worth at most in 1 s
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(2500);
    for (const t0 of times) expect(times.filter((x) => x >= t0 && x < t0 + 1000).length).toBeLessThanOrEqual(8);
  });

  it('rxgym run with ONI and annotator: { queue } labels through the service', async () => {
    server = await startOpenAiServer(judge(20));
    const p = annotator();
    await p.waitFor(/^rxgym annotator /m, 120_000);
    const scenario = join(dir, 'oni-queue.yaml');
    const out = join(dir, 'run');
    writeFileSync(
      scenario,
      [
        'name: oni-queue',
        'env: { id: Dungeon-KeyRoom-S5-v0, numEnvs: 2, kwargs: { observationKeys: [blstats, message] } }',
        'agent: { type: random }',
        'rewards:',
        '  - { source: extrinsic, weight: 1 }',
        `  - { source: oni, weight: 0.04, annotator: { queue: "${redis.url}" } }`,
        // long enough that the first labels come back before the run ends, also on a loaded CI machine
        'budget: { steps: 240000 }',
        'eval: { every: 0, episodes: 1 }',
        '',
      ].join('\n'),
    );
    const run = rxgym(['run', scenario, '--quiet', '--out', out]);
    procs.push(run);
    expect(await run.exited, run.err()).toBe(0);
    const events = readFileSync(join(out, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const last = events.filter((e) => e.type === 'annotation').at(-1);
    expect(last).toMatchObject({ source: 'oni', failures: 0 });
    expect(last.labelled).toBeGreaterThan(0);
    expect(chats()).toBeGreaterThan(0);
    expect(await settled('rxgym:labels:judge-1:oni-1:*')).toBe(chats());
  });
});
