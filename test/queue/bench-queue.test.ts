import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BENCH_QUEUE, PREFIX, type BenchJobData } from '../../src/bench/queue/jobs.js';
import { redisTarget } from '../../src/llm/service/redis.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { allFiles, result, rxgym, stop, type Proc } from './procs.js';

// Real processes against a real redis-server (TLS, with a password): `rxgym bench --queue` submits and collects,
// `rxgym worker` trains each run in a child process. The machine is shared and loaded: every wait is generous.
vi.setConfig({ testTimeout: 400_000, hookTimeout: 60_000 });
const PASSWORD = 'pw-9f3c-secret';
const dir = mkdtempSync(join(tmpdir(), 'rxgym-queue-'));
let redis: TestRedis;
let env: NodeJS.ProcessEnv;
const procs: Proc[] = [];
const start = (args: string[]): Proc => {
  const p = rxgym(args, env);
  procs.push(p);
  return p;
};

beforeAll(async () => {
  redis = await startRedis({ password: PASSWORD, tls: true });
  env = { ...process.env, NODE_EXTRA_CA_CERTS: redis.caFile };
});
afterAll(async () => {
  for (const p of procs) await stop(p);
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

const BROKEN = '\n    broken: [{ source: extrinsic }, { source: count, key: nope }]';

function benchFile(name: string, broken = false): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
env: { id: CartPole-v1, numEnvs: 2 }
agent: { type: random }
budget: { steps: 2000 }
seed: 0
bench:
  rewards:
    extrinsic: [{ source: extrinsic }]${broken ? BROKEN : ''}
  seeds: [1, 2]
`,
  );
  return file;
}

const KEYS = ['CartPole-v1__extrinsic__s1', 'CartPole-v1__extrinsic__s2'];

describe('rxgym bench --queue with rxgym worker (rediss://, password)', () => {
  it('runs on a worker, collected as the local runner writes it; again: resumes; no password anywhere', async () => {
    const file = benchFile('qtiny');
    const out = join(dir, 'out');
    const worker = start(['worker', '--queue', redis.url, '--jobs', '2', '--work', join(dir, 'work-a')]);
    const sub = start(['bench', file, '--queue', redis.url, '--out', out, '--every', '60000']);
    expect(await sub.exited, sub.err()).toBe(0);
    const shown = `rediss://:***@127.0.0.1:${redis.port}`;
    expect(sub.out()).toContain(`2 runs on ${shown}, results in ${out}`);
    expect(sub.out()).toMatch(/queue .*: 2 submitted/);
    for (const k of KEYS) {
      expect(sub.out()).toMatch(new RegExp(`^done  ${k}: return [\\d.]+`, 'm'));
      // the budget's last whole batch, as the local runner ends it
      const r = result(out, k);
      expect([r.status, r.steps]).toEqual(['done', 1792]);
    }
    const names = allFiles(out)
      .map((f) => f.slice(out.length + 1))
      .sort();
    for (const f of ['bench.json', 'summary.csv', 'summary.md', 'curves.svg', 'curves.png', 'summary.html'])
      expect(names).toContain(f);
    for (const k of KEYS) {
      for (const f of ['result.json', 'events.jsonl', 'metrics.csv', 'summary.json', 'run.json'])
        expect(names).toContain(`runs/${k}/${f}`);
      expect(names).toContain(`scenarios/${k}.yaml`);
    }
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(3);

    // again: nothing is submitted, the finished runs are kept
    const again = start(['bench', file, '--queue', redis.url, '--out', out, '--every', '60000']);
    expect(await again.exited, again.err()).toBe(0);
    expect(again.out()).toMatch(/0 submitted, 2 finished runs kept/);

    await worker.waitFor(/done CartPole-v1__extrinsic__s2/, 10_000);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(143);
    expect(worker.out()).toContain(`from ${shown}; checkpoints to Redis`);
    const texts = [sub.out(), sub.err(), again.out(), again.err(), worker.out(), worker.err()];
    for (const f of allFiles(out)) texts.push(readFileSync(f, 'latin1'));
    for (const t of texts) expect(t.includes(PASSWORD)).toBe(false);
  });

  it('two submitters of the same benchmark add each run once; both collect every result', async () => {
    const file = benchFile('qtwo');
    const [o1, o2] = [join(dir, 'two-1'), join(dir, 'two-2')];
    const s1 = start(['bench', file, '--queue', redis.url, '--out', o1, '--every', '60000']);
    const s2 = start(['bench', file, '--queue', redis.url, '--out', o2, '--every', '60000']);
    await s1.waitFor(/^queue /m, 120_000);
    await s2.waitFor(/^queue /m, 120_000);
    const worker = start(['worker', '--queue', redis.url, '--jobs', '2']);
    expect(await s1.exited, s1.err()).toBe(0);
    expect(await s2.exited, s2.err()).toBe(0);
    for (const k of KEYS) {
      expect(result(o1, k)).toEqual(result(o2, k));
      // the worker started each run once
      expect(
        worker
          .out()
          .split('\n')
          .filter((l) => l.startsWith(`start ${k} `)),
        worker.out(),
      ).toHaveLength(1);
    }
    const q = new Queue<BenchJobData>(BENCH_QUEUE, {
      connection: { ...redisTarget(redis.url).options, tls: { ca: readFileSync(redis.caFile!) } },
      prefix: PREFIX,
    });
    const jobs = (await q.getJobs(['completed', 'failed', 'active', 'wait', 'delayed'])).filter(
      (j) => j.data.bench === 'qtwo',
    );
    await q.close();
    expect(jobs.map((j) => j.id).sort()).toEqual(KEYS.map((k) => `qtwo__${k}`));
    await stop(worker);
  });

  it('a poison run is tried --attempts times and reported, others complete; an invalid job fails at once', async () => {
    // a count bonus over an observation key CartPole does not have: those runs fail when they start, every time
    const file = benchFile('qpoison', true);
    const out = join(dir, 'poison');
    const connection = { ...redisTarget(redis.url).options, tls: { ca: readFileSync(redis.caFile!) } };
    const q = new Queue<BenchJobData>(BENCH_QUEUE, { connection, prefix: PREFIX });
    const bad: BenchJobData = {
      bench: 'qbad',
      fingerprint: 'x',
      key: 'bad',
      env: 'CartPole-v1',
      rewards: 'extrinsic',
      seed: 1,
      steps: 100,
      scenario: { env: 'CartPole-v1', agent: { type: 'ppo', lr: 'fast' }, budget: { steps: 100 } },
    };
    await q.add('bad', bad, { jobId: 'qbad__bad', attempts: 3 });
    const worker = start(['worker', '--queue', redis.url, '--jobs', '2']);
    const sub = start([
      'bench',
      file,
      '--queue',
      redis.url,
      '--out',
      out,
      '--every',
      '60000',
      '--attempts',
      '2',
      '--retry-delay',
      '200',
    ]);
    expect(await sub.exited, sub.err()).toBe(1);
    const why = 'observation key "nope" does not exist';
    for (const k of ['CartPole-v1__broken__s1', 'CartPole-v1__broken__s2']) {
      const r = result(out, k);
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(new RegExp(`${why}.* \\(after 2 attempt\\(s\\)\\)$`));
      expect(sub.out()).toMatch(new RegExp(`^FAILED ${k}: .*${why}`, 'm'));
      // two attempts (the submitter may see the retry between two looks, or not)
      expect(
        worker
          .out()
          .split('\n')
          .filter((l) => l.startsWith(`start ${k} `)),
      ).toHaveLength(2);
    }
    for (const k of KEYS) expect(result(out, k).status).toBe('done');
    expect(sub.out()).toMatch(/2 run\(s\) failed: CartPole-v1__broken__s1 \(/);
    const badJob = await q.getJob('qbad__bad');
    expect(await badJob!.getState()).toBe('failed');
    expect(badJob!.attemptsMade).toBe(1);
    expect(badJob!.failedReason).toMatch(/^invalid scenario: .*agent\.lr/);
    await q.close();
    await stop(worker);
  });
});
