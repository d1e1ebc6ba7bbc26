import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { RxgymError } from '../core/env.js';
import { API_OPTION_NAMES, type RunOptionNames } from './run-dir.js';

/** What a checkpoint records besides the agent's own files. */
export interface CheckpointMeta {
  format: 'rxgym-checkpoint/1';
  runId: string;
  envId: string;
  agentType: string;
  step: number;
  /** Environment segment: envs are reseeded at every checkpoint boundary, segment k with its own seed. */
  segment: number;
  seed: number;
  time: number;
  /** Run-level counters carried across a resume. */
  counters: Record<string, number>;
  /** Per-env episode numbering of the rollout. */
  episodeIds: number[];
  /** SHA-256 of every file of the checkpoint (paths relative to it), checked before a resume loads it. */
  files?: Record<string, string>;
}

/** How many complete checkpoints a run keeps (the newest ones). */
const KEEP = 3;

/** The checkpoint directory name of `step`. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(10, '0')}`;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file under `dir`, as paths relative to it, sorted. */
function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const f of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${f}` : f;
    if (statSync(join(dir, rel)).isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

/**
 * Write a checkpoint atomically: `write(dir)` fills a temporary directory (the agent into `agent/`, anything else
 * beside it), every file gets its checksum in `meta.json`, the directory is renamed to `checkpoints/step-<n>`, then
 * the `latest` pointer is replaced (temp file + rename). The newest `KEEP` checkpoints are kept.
 */
export function writeCheckpoint(root: string, meta: CheckpointMeta, write: (dir: string) => void): string {
  const dirOf = join(root, 'checkpoints');
  mkdirSync(dirOf, { recursive: true });
  const name = checkpointName(meta.step);
  const tmp = join(dirOf, `.tmp-${name}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'agent'), { recursive: true });
  try {
    write(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const files: Record<string, string> = {};
  for (const f of listFiles(tmp)) files[f] = sha256(join(tmp, f));
  writeFileAtomic(join(tmp, 'meta.json'), JSON.stringify({ ...meta, files }, null, 1));
  const final = join(dirOf, name);
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  writeFileAtomic(join(dirOf, 'latest'), name);
  const old = readdirSync(dirOf)
    .filter((d) => d.startsWith('step-'))
    .sort();
  for (const d of old.slice(0, Math.max(0, old.length - KEEP)))
    rmSync(join(dirOf, d), { recursive: true, force: true });
  return final;
}

/** Why the checkpoint in `dir` cannot be loaded (undefined when it is intact). */
export function verifyCheckpoint(dir: string): string | undefined {
  const metaPath = join(dir, 'meta.json');
  if (!existsSync(metaPath)) return 'it has no meta.json (incomplete)';
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CheckpointMeta;
  } catch {
    return 'its meta.json is not valid JSON';
  }
  if (meta.format !== 'rxgym-checkpoint/1') return 'it is not an rxgym checkpoint';
  if (!meta.files) return undefined; // written before checksums existed
  for (const [f, sum] of Object.entries(meta.files)) {
    const p = join(dir, f);
    if (!existsSync(p)) return `${f} is missing`;
    if (sha256(p) !== sum) return `${f} does not match its checksum (the file was changed or truncated)`;
  }
  return undefined;
}

/** The `step-N` checkpoint directories of a run, newest first. */
function checkpointDirs(root: string): string[] {
  const dirOf = join(root, 'checkpoints');
  if (!existsSync(dirOf)) return [];
  return readdirSync(dirOf)
    .filter((d) => /^step-\d+$/.test(d))
    .sort()
    .reverse()
    .map((d) => join(dirOf, d));
}

/**
 * The newest intact checkpoint of a run directory (`root`), or undefined when there is none at all. The `latest`
 * pointer is repaired when it is missing, empty or names a checkpoint that is gone. A damaged newest checkpoint is
 * an error that names the bad file and the newest intact one (`--resume-from` it, or delete the bad one).
 */
export function latestCheckpoint(
  root: string,
  names: RunOptionNames = API_OPTION_NAMES,
): { dir: string; meta: CheckpointMeta } | undefined {
  const dirs = checkpointDirs(root);
  if (dirs.length === 0) return undefined;
  const ptr = join(root, 'checkpoints', 'latest');
  const named = existsSync(ptr) ? readFileSync(ptr, 'utf8').trim() : '';
  const pointed = named && existsSync(join(root, 'checkpoints', named)) ? join(root, 'checkpoints', named) : undefined;
  const newest = pointed ?? dirs[0]!;
  if (!pointed) writeFileAtomic(ptr, newest.slice(newest.lastIndexOf('/') + 1));
  const bad = verifyCheckpoint(newest);
  if (bad) {
    const intact = dirs.find((d) => d !== newest && verifyCheckpoint(d) === undefined);
    const offer = intact
      ? `the newest intact checkpoint is ${intact}: delete ${newest} and resume again (${names.resume}) to ` +
        'continue from it'
      : 'no intact checkpoint is left: start a new run';
    throw new RxgymError(`checkpoint ${newest} is damaged: ${bad}; ${offer}`);
  }
  return { dir: newest, meta: JSON.parse(readFileSync(join(newest, 'meta.json'), 'utf8')) as CheckpointMeta };
}
