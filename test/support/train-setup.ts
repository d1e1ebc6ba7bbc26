import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { registerAll } from '../../envs/index.js';
import { setBackendLogger } from '../../src/tensor/backend.js';

export { testRegistry } from './registry.js';

/** Register the env families in the default env registry and silence the backend log before the file's tests. */
export function setupTraining(): void {
  beforeAll(() => {
    registerAll();
    setBackendLogger(() => {});
  });
}

/** A fresh temporary directory named `rxgym-<tag>-…`. */
export const tmpDir = (tag: string): string => mkdtempSync(join(tmpdir(), `rxgym-${tag}-`));
