import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import writeFileAtomicLib from 'write-file-atomic';

/**
 * Write `data` to `path` atomically (write-file-atomic: a temporary file beside it, flushed to disk, then renamed over
 * `path`), so a reader (or a resumed run after a crash) sees the old content or the new one, never a part. On failure
 * (a full disk) the temporary file is removed and the error names the path. `makeDir` creates the directory first.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, opts?: { makeDir?: boolean }): void {
  try {
    if (opts?.makeDir) mkdirSync(dirname(path), { recursive: true });
    writeFileAtomicLib.sync(
      path,
      typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    );
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw Object.assign(new Error(`could not write ${path}: ${why}`), { code: (e as { code?: string }).code });
  }
}
