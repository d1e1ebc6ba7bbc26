import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The rxgym package root: the nearest directory above this file whose package.json is named "rxgym". */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, 'package.json');
    if (existsSync(p) && (JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'rxgym') return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** The installed version of `name` (from node_modules), or undefined when it is not installed. */
export function installedVersion(name: string, root = packageRoot()): string | undefined {
  const p = join(root, 'node_modules', name, 'package.json');
  if (!existsSync(p)) return undefined;
  return (JSON.parse(readFileSync(p, 'utf8')) as { version?: string }).version;
}

/** The version field of rxgym's own package.json. */
export function ownVersion(root = packageRoot()): string | undefined {
  const p = join(root, 'package.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as { version?: string }).version : undefined;
}
