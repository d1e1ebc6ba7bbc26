import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisTarget } from '../../src/llm/service/redis.js';
import { judgeResponder, startOpenAiServer, type OpenAiTestServer } from '../support/openai-server.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { rxgym, settledLabels, stop, type Proc } from './procs.js';

// The VLM frame judge (`source: vlm, encoder: http`) and the process-reward step judge (`prm`, `model: llm`) served by
// the shared annotation service: real redis-server, a real `rxgym annotator` process, a real OpenAI-compatible HTTP
// server (in this process, to count the requests; it answers the judges' prompts deterministically) and real
// trainers (`rxgym run` processes; their LLM client runs in a worker thread from dist/: build first). Three runs of
// one scenario with a random agent ask the same questions: every distinct question reaches the LLM once (two 503s
// retried by the service aside), its answer is cached in Redis by model, prompt version and content, and every run
// gets labels.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 60_000 });
let redis: TestRedis;
let server: OpenAiTestServer;
let keys: Redis;
const procs: Proc[] = [];
const dir = mkdtempSync(join(tmpdir(), 'rxgym-judges-'));

beforeAll(async () => {
  redis = await startRedis();
  keys = new Redis(redisTarget(redis.url).options);
});
afterEach(async () => {
  for (const p of procs.splice(0)) await stop(p);
  await server?.close();
  await keys.flushall();
});
afterAll(async () => {
  keys?.disconnect();
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

const chats = (): number => server.requests.filter((r) => r.path.endsWith('/chat/completions')).length;

/** The judge server: the first two requests fail with 503 (the service retries them), then `judgeResponder`. */
async function judgeServer(): Promise<void> {
  let flaky = 0;
  server = await startOpenAiServer((req) => (flaky++ < 2 ? { status: 503 } : judgeResponder(req)));
}

async function annotator(): Promise<Proc> {
  const args = ['annotator', '--queue', redis.url, '--llm-url', server.url, '--llm-model', 'judge-1', '--every', '0'];
  const p = rxgym([...args, '--concurrency', '8']);
  procs.push(p);
  await p.waitFor(/^rxgym annotator .*: judge-1 at /m, 120_000);
  return p;
}

/** Run `scenario` in `runs` processes at once; the last annotation event of `source` of each. */
async function runs(scenario: string, names: string[], source: string): Promise<Record<string, number>[]> {
  const ps = names.map((n) => {
    const p = rxgym(['run', scenario, '--quiet', '--out', join(dir, n)]);
    procs.push(p);
    return p;
  });
  for (const p of ps) expect(await p.exited, p.err()).toBe(0);
  return names.map((n) => {
    const events = readFileSync(join(dir, n, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return events.filter((e) => e.type === 'annotation' && e.source === source).at(-1) as Record<string, number>;
  });
}

function scenarioFile(name: string, lines: string[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [`name: ${name}`, ...lines, 'eval: { every: 0, episodes: 1 }', ''].join('\n'));
  return file;
}

/** Two runs at once, then a third: each distinct question asked of the LLM once; labels in every run. */
async function expectShared(service: Proc, file: string, source: string, promptVersion: string): Promise<void> {
  const [a, b] = await runs(file, [`${source}-a`, `${source}-b`], source);
  const [c] = await runs(file, [`${source}-c`], source);
  // The annotator may still be answering questions of runs that have ended: let it settle (answer written to the
  // cache) before counting.
  const cached = await settledLabels(redis.url, keys, `rxgym:labels:judge-1:${promptVersion}:*`, chats, 2);
  // the service's own count of LLM answers, cache answers and failed attempts, named if what follows fails
  service.child.kill('SIGTERM');
  await service.exited;
  const counts = `annotator said: ${service.out().trim().split('\n').at(-1)}`;
  expect(cached, counts).toBeGreaterThan(0);
  // one LLM answer per distinct question over three trainers; the two 503s were retried
  expect(chats(), counts).toBe(cached + 2);
  for (const last of [a!, b!, c!]) {
    expect(last.labelled, JSON.stringify(last)).toBeGreaterThan(0);
    expect(last.unparsed ?? 0).toBe(0);
  }
  const labelled = a!.labelled! + b!.labelled! + c!.labelled!;
  // the same questions from three trainers: most labels came from the service's dedup and cache, not the LLM
  expect(labelled).toBeGreaterThan(cached);
  process.stdout.write(
    `${source}: ${labelled} labels in 3 runs from ${cached} LLM answers (+2 retried 503s); ${counts}\n`,
  );
}

describe('the VLM and process-reward judges on the shared annotation service', () => {
  it('vlm judge (encoder: http) with annotator: { queue }: frames shared and cached across trainers', async () => {
    await judgeServer();
    const service = await annotator();
    const file = scenarioFile('vlm-queue', [
      'env: { id: Explore-Arena-v0, numEnvs: 2, maxEpisodeSteps: 50 }',
      'agent: { type: random }',
      'rewards:',
      '  - { source: extrinsic }',
      '  - source: vlm',
      '    weight: 0.1',
      '    goal: the dot is in the top right',
      '    encoder: http',
      '    width: 32',
      '    height: 32',
      `    annotator: { queue: "${redis.url}", backoffMs: 100 }`,
      'budget: { steps: 20000 }',
    ]);
    await expectShared(service, file, 'vlm', 'vlm-judge-1');
    // the judge saw images: the frames went through the service as they were
    const first = server.requests.find((r) => r.path.endsWith('/chat/completions'));
    expect(JSON.stringify(first?.body)).toContain('data:image/png;base64,');
  });

  it('prm judge (model: llm) with annotator: { queue }: steps shared and cached across trainers', async () => {
    await judgeServer();
    const service = await annotator();
    const file = scenarioFile('prm-queue', [
      'env: { id: Reason-Arith-v0, numEnvs: 2, kwargs: { difficulty: 1 } }',
      'agent: { type: random }',
      'rewards:',
      '  - { source: extrinsic }',
      `  - { source: prm, model: llm, weight: 0.1, annotator: { queue: "${redis.url}", backoffMs: 100 } }`,
      'budget: { steps: 30000 }',
    ]);
    await expectShared(service, file, 'prm', 'prm-judge-1');
  });
});
