import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { warnOnce } from '../core/warn.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A reward component's `file:` as an absolute path: relative to `baseDir` (the directory of the scenario file that
 * names it). A path that exists only relative to the working directory (how files were resolved before) is still
 * used, with a warning that says how to write it.
 */
function resolveFile(file: string, baseDir: string): string {
  const here = resolve(baseDir, file);
  if (isAbsolute(file) || existsSync(here)) return here;
  const fromCwd = resolve(file);
  if (!existsSync(fromCwd)) return here;
  warnOnce(
    `reward file "${file}" was found relative to the working directory, not to the scenario's directory ` +
      `(${baseDir}); write it relative to the scenario file, or as an absolute path`,
  );
  return fromCwd;
}

function resolveList(list: unknown, baseDir: string): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((c) => {
    if (!isObj(c)) return c;
    if (isObj(c.pretrain)) return { ...c, pretrain: resolveRewardFiles(c.pretrain, baseDir) };
    return typeof c.file === 'string' ? { ...c, file: resolveFile(c.file, baseDir) } : c;
  });
}

/**
 * A copy of a scenario (or bench) document whose reward components' `file:` paths are absolute, resolved against
 * `baseDir`: the `rewards` list (a `{ pretrain }` entry in it included), `pretrain.rewards` and a bench's
 * `bench.rewards` stacks. Absolute paths are kept. Copies of the scenario written elsewhere (a benchmark's
 * runs/<key>/scenario.yaml) then name the same files, also when a run is resumed.
 */
export function resolveRewardFiles(doc: unknown, baseDir: string): unknown {
  if (!isObj(doc)) return doc;
  const out: Record<string, unknown> = { ...doc };
  if (Array.isArray(doc.rewards)) out.rewards = resolveList(doc.rewards, baseDir);
  if (isObj(doc.pretrain)) out.pretrain = resolveRewardFiles(doc.pretrain, baseDir);
  if (isObj(doc.bench) && isObj(doc.bench.rewards)) {
    const stacks: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc.bench.rewards)) stacks[k] = resolveList(v, baseDir);
    out.bench = { ...doc.bench, rewards: stacks };
  }
  return out;
}
