import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** The cache key of a request: sha256 of its canonical JSON (endpoint, model and body). */
export function requestKey(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

/** An on-disk JSON cache, one file per key under `dir/<2 hex>/<key>.json`, written atomically (temp file + rename). */
export class DiskCache {
  constructor(readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The stored value, or undefined when absent or unreadable (a damaged entry counts as a miss). */
  async get<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.path(key), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  /** Store `value`; readers never see a half-written file. */
  async set(key: string, value: unknown): Promise<void> {
    const file = this.path(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(value));
      await rename(tmp, file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
  }
}
