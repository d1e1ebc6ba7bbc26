import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { unpackSnapshot, type SnapshotMeta } from '../../src/bench/queue/snapshot.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { events, pidsWith, result, rxgym, stop, until, type Proc } from './procs.js';

// A worker killed with SIGKILL during a run's reward-free pre-training: another worker continues the pre-training
// from its checkpoint (under pretrain/), then fine-tunes. PPO on CartPole, 256 steps a batch, a checkpoint every 2048
// steps; 100k pre-training steps (on RND) so that the kill lands mid-pretrain: PPO trains CartPole at ~10k steps/s
// and a worker takes a snapshot at most every 500 ms.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 60_000 });
const PRE_STEP = 99840;
const BUDGET_STEP = 19968;
const KEY = 'CartPole-v1__urlb__s1';
const ID = `fpre__${KEY}`;
const dir = mkdtempSync(join(tmpdir(), 'rxgym-prefault-'));
let redis: TestRedis;
const procs: Proc[] = [];
const start = (args: string[]): Proc => {
  const p = rxgym(args);
  procs.push(p);
  return p;
};
const FAST = ['--lock-duration', '5000', '--stalled-interval', '2500'];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const p of procs) await stop(p);
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The meta of the snapshot a run has in a shared-directory store, if any. */
function snapMeta(store: string, id: string): SnapshotMeta | undefined {
  const p = join(store, `${id}.snapshot`);
  return existsSync(p) ? unpackSnapshot(readFileSync(p))?.meta : undefined;
}

describe('rxgym worker faults during pre-training', () => {
  it('kill -9 mid-pretrain: the next worker continues the pre-training from its checkpoint, fine-tunes', async () => {
    const file = join(dir, 'fpre.yaml');
    writeFileSync(
      file,
      `name: fpre
env: { id: CartPole-v1, numEnvs: 2 }
agent: { type: ppo, numSteps: 128, updateEpochs: 2 }
budget: { steps: 20000 }
checkpoint: { every: 2048 }
eval: { every: 0, episodes: 1 }
seed: 0
bench:
  rewards:
    urlb:
      - { source: extrinsic }
      - pretrain: { steps: 100000, rewards: [{ source: rnd }] }
  seeds: [1]
`,
    );
    const out = join(dir, 'out');
    const store = join(dir, 'store');
    const workA = join(dir, 'work-a');
    const a = start(['worker', '--queue', redis.url, '--jobs', '1', '--store', store, '--work', workA, ...FAST]);
    const sub = start(['bench', file, '--queue', redis.url, '--out', out, '--every', '60000']);
    const mid = (): boolean => {
      const m = snapMeta(store, ID);
      return m?.phase === 'pretrain' && m.step >= 4096;
    };
    await until(mid, 180_000, 'a pre-training snapshot on worker A').catch((e: Error) => {
      throw new Error(`${e.message}\nworker A:\n${a.out()}\n${a.err()}\nsubmitter:\n${sub.out()}\n${sub.err()}`);
    });
    a.child.kill('SIGKILL');
    await a.exited;
    await until(() => pidsWith(workA).length === 0, 20_000, "worker A's run to stop");
    const from = snapMeta(store, ID)!;
    // the kill landed mid-pretrain: what is in the store is a pre-training checkpoint short of its end
    expect(from.phase).toBe('pretrain');
    expect(from.step).toBeLessThan(PRE_STEP);

    const b = start(['worker', '--queue', redis.url, '--jobs', '1', '--store', store, '--work', join(dir, 'work-b')]);
    await b.waitFor(new RegExp(`^resume ${KEY} from step ${from.step} of its pre-training `, 'm'), 120_000);
    expect(await sub.exited, `${sub.err()}\nworker B:\n${b.out()}\n${b.err()}`).toBe(0);

    const r = result(out, KEY) as ReturnType<typeof result> & { pretrain?: { steps: number } };
    expect([r.status, r.steps]).toEqual(['done', BUDGET_STEP]);
    expect(r.pretrain).toMatchObject({ steps: PRE_STEP });
    const evs = events(out, KEY) as Array<{ type: string; step?: number; steps?: number; phase?: string }>;
    for (const [phase, last] of [
      ['pretrain', PRE_STEP],
      ['finetune', BUDGET_STEP],
    ] as const) {
      const batches = evs.filter((e) => e.type === 'batch' && e.phase === phase);
      // no step trained twice, none left out: the pre-training went on from the killed worker's checkpoint
      expect(
        batches.map((e) => e.step! - e.steps!),
        phase,
      ).toEqual(batches.map((_, i) => i * 256));
      expect(batches.at(-1)!.step, phase).toBe(last);
    }
    expect(evs.filter((e) => e.type === 'phase' && e.phase === 'finetune')).toHaveLength(1);
    expect(evs.filter((e) => e.type === 'end')).toEqual([
      expect.objectContaining({ reason: 'budget', step: BUDGET_STEP }),
    ]);
    expect(sub.out()).toMatch(new RegExp(`^resume ${KEY} from step ${from.step} on `, 'm'));
    expect(existsSync(join(store, `${ID}.snapshot`))).toBe(false);
    process.stdout.write(`killed at pre-training step >= ${from.step} of ${PRE_STEP}\n`);
    await stop(b);
  });
});
