import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Node arguments that start the `rxgym` CLI from ROOT: the compiled bin (`npm test` builds dist/ first), else the
 * sources transpiled on the fly (a straight `vitest` run).
 */
export const CLI_ENTRY: readonly string[] = existsSync(join(ROOT, 'dist/src/cli/main.js'))
  ? ['dist/src/cli/main.js']
  : ['--import', './test/viz/ts-loader.mjs', 'src/cli/main.ts'];
