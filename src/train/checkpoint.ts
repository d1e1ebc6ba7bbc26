import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RxgymError } from '../core/env.js';
import { writeFileAtomic } from '../tensor/io.js';

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
}

const KEEP = 2;

/**
 * Write a checkpoint atomically: everything goes into a temporary directory that is renamed to
 * `checkpoints/step-<n>` once complete, then the `latest` pointer is replaced (temp file + rename).
 */
export function writeCheckpoint(runDir: string, meta: CheckpointMeta, writeAgent: (dir: string) => void): string {
  const root = join(runDir, 'checkpoints');
  mkdirSync(root, { recursive: true });
  const name = `step-${String(meta.step).padStart(10, '0')}`;
  const tmp = join(root, `.tmp-${name}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'agent'), { recursive: true });
  writeAgent(join(tmp, 'agent'));
  writeFileAtomic(join(tmp, 'meta.json'), JSON.stringify(meta, null, 1));
  const final = join(root, name);
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  writeFileAtomic(join(root, 'latest'), name);
  const old = readdirSync(root).filter((d) => d.startsWith('step-')).sort();
  for (const d of old.slice(0, Math.max(0, old.length - KEEP))) rmSync(join(root, d), { recursive: true, force: true });
  return final;
}

/** The latest complete checkpoint of a run directory, or undefined. */
export function latestCheckpoint(runDir: string): { dir: string; meta: CheckpointMeta } | undefined {
  const root = join(runDir, 'checkpoints');
  const ptr = join(root, 'latest');
  if (!existsSync(ptr)) return undefined;
  const dir = join(root, readFileSync(ptr, 'utf8').trim());
  const metaPath = join(dir, 'meta.json');
  if (!existsSync(metaPath)) throw new RxgymError(`checkpoint ${dir} is incomplete (no meta.json); delete ${ptr} to start over`);
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CheckpointMeta;
  if (meta.format !== 'rxgym-checkpoint/1') throw new RxgymError(`${dir} is not an rxgym checkpoint`);
  return { dir, meta };
}
