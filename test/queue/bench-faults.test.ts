import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { unpackSnapshot } from '../../src/bench/queue/snapshot.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { events, pidsWith, result, rxgym, stop, until, type Proc } from './procs.js';

// Faults with real processes: a worker killed with SIGKILL, a worker stopped with SIGTERM, Redis restarted. PPO on
// CartPole, 256 steps a batch, a checkpoint every 2048 steps: each run ends at step 99840 (390 batches). The budget
// is large so that a run is still going when the faults come: PPO trains CartPole at ~10k steps/s, and a worker takes
// a snapshot of a run's checkpoint at most every 500 ms.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 60_000 });
const BUDGET_STEP = 99840;
const KEYS = ['CartPole-v1__extrinsic__s1', 'CartPole-v1__extrinsic__s2'];
const dir = mkdtempSync(join(tmpdir(), 'rxgym-faults-'));
let redis: TestRedis;
const procs: Proc[] = [];
const start = (args: string[]): Proc => {
  const p = rxgym(args);
  procs.push(p);
  return p;
};
// short locks: a dead worker's runs go to another within seconds
const FAST = ['--lock-duration', '5000', '--stalled-interval', '2500'];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const p of procs) await stop(p);
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

function benchFile(name: string, steps = 100_000): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
env: { id: CartPole-v1, numEnvs: 2 }
agent: { type: ppo, numSteps: 128, updateEpochs: 2 }
budget: { steps: ${steps} }
checkpoint: { every: 2048 }
seed: 0
bench:
  rewards:
    extrinsic: [{ source: extrinsic }]
  seeds: [1, 2]
`,
  );
  return file;
}

/** The step of the snapshot a run has in a shared-directory store (-1: none yet). */
function snapStep(store: string, id: string): number {
  const p = join(store, `${id}.snapshot`);
  if (!existsSync(p)) return -1;
  return unpackSnapshot(readFileSync(p))?.meta.step ?? -1;
}

/** Every run done once, with its whole budget; every later process began where the last checkpoint left off. */
function expectEachRunOnce(out: string, budgetStep = BUDGET_STEP): void {
  const csv = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
  expect(csv).toHaveLength(3);
  for (const k of KEYS) {
    expect(csv.filter((l) => l.startsWith(`CartPole-v1,extrinsic,${k.at(-1)},`))).toHaveLength(1);
    const r = result(out, k);
    expect([r.status, r.steps], k).toEqual(['done', budgetStep]);
    const evs = events(out, k);
    expect(
      evs.filter((e) => e.type === 'end'),
      k,
    ).toEqual([expect.objectContaining({ reason: 'budget', step: budgetStep })]);
    const batches = evs.filter((e) => e.type === 'batch');
    // no step trained twice, none left out
    expect(
      batches.map((b) => b.step! - b.steps!),
      k,
    ).toEqual(batches.map((_, i) => i * 256));
  }
}

describe('rxgym worker faults', () => {
  it('kill -9 of a worker: its runs go on elsewhere from checkpoints; SIGTERM: checkpointed, given back', async () => {
    const file = benchFile('fkill');
    const out = join(dir, 'kill');
    const store = join(dir, 'store');
    const workA = join(dir, 'work-a');
    const a = start(['worker', '--queue', redis.url, '--jobs', '2', '--store', store, '--work', workA, ...FAST]);
    const sub = start(['bench', file, '--queue', redis.url, '--out', out, '--every', '60000']);
    const ids = KEYS.map((k) => `fkill__${k}`);
    await until(
      () => ids.every((id) => snapStep(store, id) >= 2048),
      120_000,
      'both runs checkpointed on worker A',
    ).catch((e: Error) => {
      throw new Error(`${e.message}\nworker A:\n${a.out()}\n${a.err()}\nsubmitter:\n${sub.out()}\n${sub.err()}`);
    });
    a.child.kill('SIGKILL');
    await a.exited;
    // A's runs die with it (their child processes notice the lost parent)
    await until(() => pidsWith(workA).length === 0, 20_000, "worker A's runs to stop");
    const from = ids.map((id) => snapStep(store, id));

    const b = start([
      'worker',
      '--queue',
      redis.url,
      '--jobs',
      '2',
      '--store',
      store,
      '--work',
      join(dir, 'work-b'),
      ...FAST,
    ]);
    for (const [i, k] of KEYS.entries()) {
      await b.waitFor(new RegExp(`^resume ${k} from step ${from[i]} `, 'm'), 120_000).catch((e: Error) => {
        throw new Error(`${e.message}\nworker A:\n${a.out()}`);
      });
    }
    await new Promise((r) => setTimeout(r, 3000));
    const t = Date.now();
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(143);
    const released = (Date.now() - t) / 1000;
    expect(released).toBeLessThan(30);
    // a run stops at the end of its batch with a checkpoint (or has just finished)
    const gone = KEYS.filter((k) => new RegExp(`^released ${k} at step \\d+`, 'm').test(b.out()));
    expect(gone.length, b.out()).toBeGreaterThan(0);
    for (const k of KEYS) expect(b.out()).toMatch(new RegExp(`^(released|done) ${k}`, 'm'));

    const c = start([
      'worker',
      '--queue',
      redis.url,
      '--jobs',
      '2',
      '--store',
      store,
      '--work',
      join(dir, 'work-c'),
      ...FAST,
    ]);
    expect(await sub.exited, sub.err()).toBe(0);
    for (const k of gone) expect(c.out()).toMatch(new RegExp(`^resume ${k} from step \\d+`, 'm'));
    for (const k of KEYS) expect(sub.out()).toMatch(new RegExp(`^resume ${k} from step \\d+ on `, 'm'));
    expectEachRunOnce(out);
    // finished runs leave nothing in the store
    for (const id of ids) expect(existsSync(join(store, `${id}.snapshot`))).toBe(false);
    process.stdout.write(`SIGTERM to worker exit: ${released.toFixed(1)} s\n`);
    await stop(c);
  });

  it('Redis restarted mid-bench: the submitter and the worker reconnect and the bench completes', async () => {
    // 40k steps (39,936 in whole batches): a few seconds a run, so Redis goes away while the runs are going
    const file = benchFile('frestart', 40_000);
    const out = join(dir, 'restart');
    const w = start(['worker', '--queue', redis.url, '--jobs', '2']);
    const sub = start(['bench', file, '--queue', redis.url, '--out', out, '--every', '60000', '--retry-delay', '500']);
    for (const k of KEYS) await sub.waitFor(new RegExp(`^start ${k} on `, 'm'), 300_000);
    await redis.stop();
    await new Promise((r) => setTimeout(r, 3000));
    await redis.start();
    expect(await sub.exited, sub.err()).toBe(0);
    expect(sub.out()).toMatch(/^lost Redis at redis:\/\/127\.0\.0\.1:\d+: .*; reconnecting$/m);
    expect(sub.out()).toMatch(/^reconnected to Redis at redis:\/\/127\.0\.0\.1:\d+$/m);
    expect(w.out()).toMatch(/^lost Redis at /m);
    expectEachRunOnce(out, 39_936);
    await stop(w);
  });
});
