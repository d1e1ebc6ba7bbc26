import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { writeFileAtomic } from '../../core/atomic.js';
import { RxgymError } from '../../core/env.js';
import { PREFIX } from './jobs.js';

/**
 * Where workers keep the latest checkpoint of each run they work on, so that a run whose worker dies continues on
 * another machine: a directory every worker mounts (`--store DIR`), or Redis itself for small checkpoints.
 */
export interface CheckpointStore {
  /** What it is, for log lines. */
  readonly describe: string;
  /** Replace the run's snapshot (a packed run directory, see snapshot.ts). */
  put(id: string, blob: Buffer): Promise<void>;
  get(id: string): Promise<Buffer | undefined>;
  drop(id: string): Promise<void>;
}

/** Snapshots as files `<dir>/<job id>.snapshot`, each replaced atomically. */
export class DirStore implements CheckpointStore {
  readonly describe: string;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.describe = `shared directory ${dir}`;
  }

  private path(id: string): string {
    return join(this.dir, `${id}.snapshot`);
  }

  async put(id: string, blob: Buffer): Promise<void> {
    writeFileAtomic(this.path(id), blob);
  }

  async get(id: string): Promise<Buffer | undefined> {
    const p = this.path(id);
    return existsSync(p) ? readFileSync(p) : undefined;
  }

  async drop(id: string): Promise<void> {
    rmSync(this.path(id), { force: true });
  }
}

/** Snapshots in Redis (one key per run), refused past `limitBytes`: Redis keeps everything in memory. */
export class RedisStore implements CheckpointStore {
  readonly describe: string;

  constructor(
    private readonly redis: Redis,
    private readonly limitBytes: number,
  ) {
    this.describe = `Redis (checkpoints up to ${mb(limitBytes)} MB)`;
  }

  private key(id: string): string {
    return `${PREFIX}:store:${id}`;
  }

  async put(id: string, blob: Buffer): Promise<void> {
    if (blob.length > this.limitBytes) {
      const over = `over the Redis store's limit of ${mb(this.limitBytes)} MB (--store-limit)`;
      throw new RxgymError(
        `the checkpoint of run ${id} is ${mb(blob.length)} MB, ${over}; ` +
          'give the workers a shared directory with --store DIR, or raise --store-limit',
      );
    }
    await this.redis.set(this.key(id), blob);
  }

  async get(id: string): Promise<Buffer | undefined> {
    return (await this.redis.getBuffer(this.key(id))) ?? undefined;
  }

  async drop(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1);
}
