import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkRedis, redactUrl, redisTarget } from '../../src/llm/service/redis.js';
import { closedPort, startRedis } from '../support/redis-server.js';
import { rxgym } from './procs.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 60_000 });
const dir = mkdtempSync(join(tmpdir(), 'rxgym-conn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('queue URLs', () => {
  it('parses redis:// and rediss:// URLs; the password only in the connection options, never in what is shown', () => {
    const t = redisTarget('redis://ann:p%40ss-w0rd@queue.lan:6380/2');
    expect(t.shown).toBe('redis://ann:***@queue.lan:6380/2');
    expect(t.options).toMatchObject({ host: 'queue.lan', port: 6380, db: 2, username: 'ann', password: 'p@ss-w0rd' });
    expect(redisTarget('rediss://:secret@queue.lan').options).toMatchObject({
      port: 6379,
      tls: { servername: 'queue.lan' },
    });
    expect(redisTarget('rediss://127.0.0.1:7000').options.tls).toEqual({});
    const fromEnv = redisTarget('redis://h:1', '--queue', { RXGYM_REDIS_PASSWORD: 'envpw' });
    expect([fromEnv.options.password, fromEnv.shown]).toEqual(['envpw', 'redis://:***@h:1']);
    expect(() => redisTarget('http://h:1')).toThrow(
      /^--queue: "http:\/\/h:1" must start with redis:\/\/ or rediss:\/\//,
    );
    expect(() => redisTarget('redis://:pw@h/x')).toThrow(/database "x" in "redis:\/\/:\*\*\*@h\/x" must be a number/);
    expect(redactUrl('see rediss://u:top-secret@h:1/0 and redis://h:2')).toBe(
      'see rediss://u:***@h:1/0 and redis://h:2',
    );
  });

  it('a wrong password is one clear error that does not repeat it', async () => {
    const redis = await startRedis({ password: 'right-one' });
    try {
      await checkRedis(redisTarget(redis.url));
      const wrong = redisTarget(`redis://:wrong-one@127.0.0.1:${redis.port}`);
      const e = await checkRedis(wrong).then(
        () => undefined,
        (x: Error) => x,
      );
      expect(e?.message).toMatch(
        new RegExp(`^cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}: authentication failed`),
      );
      expect(e?.message).not.toContain('wrong-one');
    } finally {
      await redis.close();
    }
  });
});

describe('Redis unreachable at start', () => {
  it('rxgym bench --queue, worker and annotator each say so in one line naming the URL', async () => {
    const port = await closedPort();
    const url = `redis://127.0.0.1:${port}`;
    const file = join(dir, 'b.yaml');
    writeFileSync(file, 'env: CartPole-v1\nagent: { type: random }\nbudget: { steps: 2048 }\nbench: { seeds: [1] }\n');
    const procs = [
      rxgym(['bench', file, '--queue', url, '--out', join(dir, 'out')]),
      rxgym(['worker', '--queue', url]),
      rxgym(['annotator', '--queue', url, '--llm-url', 'http://127.0.0.1:9/v1']),
    ];
    for (const p of procs) {
      expect(await p.exited).toBe(1);
      expect(p.err()).toBe(
        `rxgym: cannot reach Redis at ${url}: connection refused (is redis-server running there?)\n`,
      );
    }
  });
});
