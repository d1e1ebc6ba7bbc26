import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSnapshot, restoreSnapshot, takeSnapshot, unpackSnapshot } from '../../src/bench/queue/snapshot.js';
import { DirStore, RedisStore } from '../../src/bench/queue/store.js';
import { openRedis, redisTarget } from '../../src/llm/service/redis.js';
import { latestCheckpoint, writeCheckpoint, type CheckpointMeta } from '../../src/train/checkpoint.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'rxgym-store-'));
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

const meta = (step: number): CheckpointMeta => ({
  format: 'rxgym-checkpoint/1',
  runId: 'r',
  envId: 'CartPole-v1',
  agentType: 'ppo',
  step,
  segment: 1,
  seed: 1,
  time: 0,
  counters: { episodes: 3 },
  episodeIds: [0, 1],
});

describe('checkpoint stores and snapshots', () => {
  it('a snapshot holds the run up to its checkpoint: events through its event, metrics through its step', () => {
    const run = join(dir, 'run');
    writeCheckpoint(run, meta(512), (d) => writeFileSync(join(d, 'agent', 'w.bin'), 'weights-512'));
    writeCheckpoint(run, meta(1024), (d) => writeFileSync(join(d, 'agent', 'w.bin'), 'weights-1024'));
    writeFileSync(join(run, 'run.json'), '{"runId":"r"}');
    const ev = (o: object): string => JSON.stringify(o);
    const lines = [
      ev({ type: 'start' }),
      ev({ type: 'batch', step: 512 }),
      ev({ type: 'checkpoint', step: 512 }),
      ev({ type: 'batch', step: 1024 }),
      ev({ type: 'checkpoint', step: 1024 }),
      ev({ type: 'batch', step: 1536 }),
    ];
    writeFileSync(join(run, 'events.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(join(run, 'metrics.csv'), 'step,time\n512,1\n1024,2\n1536,3\n');
    expect(takeSnapshot(run, 2048)).toBeUndefined();
    const files = takeSnapshot(run, 1024)!;
    expect(Object.keys(files).sort()).toEqual([
      'checkpoints/latest',
      'checkpoints/step-0000001024/agent/w.bin',
      'checkpoints/step-0000001024/meta.json',
      'events.jsonl',
      'metrics.csv',
      'run.json',
    ]);
    expect(files['events.jsonl']!.toString()).toBe(`${lines.slice(0, 5).join('\n')}\n`);
    expect(files['metrics.csv']!.toString()).toBe('step,time\n512,1\n1024,2\n');
    const blob = packSnapshot({ meta: { fingerprint: 'f', step: 1024, wallSeconds: 3 }, files });
    const back = unpackSnapshot(blob)!;
    expect(back.meta).toEqual({ fingerprint: 'f', step: 1024, wallSeconds: 3 });
    const copy = join(dir, 'copy');
    restoreSnapshot(copy, back.files);
    // the copy resumes from that checkpoint, checksums intact
    const ck = latestCheckpoint(copy)!;
    expect([ck.meta.step, readFileSync(join(ck.dir, 'agent', 'w.bin'), 'utf8')]).toEqual([1024, 'weights-1024']);
    expect(unpackSnapshot(Buffer.from('not a snapshot'))).toBeUndefined();
  });

  it('Redis keeps snapshots up to its limit and names the fix past it; a shared directory keeps any', async () => {
    const conn = openRedis(redisTarget(redis.url));
    try {
      const store = new RedisStore(conn, 1_000_000);
      await store.put('b__k', Buffer.alloc(900, 1));
      expect((await store.get('b__k'))?.length).toBe(900);
      const over = /^the checkpoint of run b__k is 2\.5 MB, over the Redis store's limit of 1\.0 MB \(--store-limit\)/;
      await expect(store.put('b__k', Buffer.alloc(2_500_000))).rejects.toThrow(over);
      await expect(store.put('b__k', Buffer.alloc(2_500_000))).rejects.toThrow(/shared directory with --store DIR/);
      await store.drop('b__k');
      expect(await store.get('b__k')).toBeUndefined();
    } finally {
      conn.disconnect();
    }
    const shared = new DirStore(join(dir, 'shared'));
    await shared.put('b__k', Buffer.alloc(2_500_000, 7));
    expect((await shared.get('b__k'))?.length).toBe(2_500_000);
    await shared.drop('b__k');
    expect(await shared.get('b__k')).toBeUndefined();
  });
});
