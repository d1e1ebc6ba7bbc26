import { renameSync, writeFileSync } from 'node:fs';

/** Write a file atomically (temp file + rename), so an interrupted benchmark never leaves half a result. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
