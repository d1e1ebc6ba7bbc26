import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { checkpointName, verifyCheckpoint } from '../../train/checkpoint.js';

/** What a snapshot records besides the run's files. */
export interface SnapshotMeta {
  /** The benchmark's fingerprint: a snapshot of another version of the benchmark is never resumed. */
  fingerprint: string;
  /** The checkpoint's step. */
  step: number;
  /** Set when the checkpoint is of the run's pre-training (under `pretrain/`, fine-tuning not begun). */
  phase?: 'pretrain';
  /** Wall time the run has taken so far, over every worker that ran it. */
  wallSeconds: number;
}

/** A run directory as far as its checkpoint at `meta.step`: the files a worker needs to continue it. */
export interface Snapshot {
  meta: SnapshotMeta;
  files: Record<string, Buffer>;
}

/** The files of a finished run that the submitter collects (as the local runner leaves them). */
export const RESULT_FILES = ['events.jsonl', 'metrics.csv', 'summary.json', 'run.json'] as const;

/** Every file under `root/rel`, as paths relative to `root`. */
function filesUnder(root: string, rel: string): string[] {
  const p = join(root, rel);
  if (!existsSync(p)) return [];
  if (!statSync(p).isDirectory()) return [rel];
  return readdirSync(p)
    .sort()
    .flatMap((f) => (f.startsWith('.tmp-') ? [] : filesUnder(root, `${rel}/${f}`)));
}

/**
 * The events of a run up to and including its checkpoint event at `step` of the phase (`pretrain`, else fine-tuning
 * or the run proper): what a run resumed from that checkpoint continues. Undefined when that event is not written yet.
 */
function eventsThrough(text: string, step: number, pretrain: boolean): string | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.includes('"checkpoint"')) continue;
    try {
      const ev = JSON.parse(l) as { type: string; step: number; phase?: string };
      if (ev.type === 'checkpoint' && ev.step === step && (ev.phase === 'pretrain') === pretrain)
        return `${lines.slice(0, i + 1).join('\n')}\n`;
    } catch {
      // a torn last line
    }
  }
  return undefined;
}

/** The header of a metrics CSV and its rows up to `step` (the first column). */
function metricsThrough(text: string, step: number): string {
  const [header, ...rows] = text.split('\n').filter((l) => l !== '');
  if (header === undefined) return '';
  const kept = rows.filter((r) => Number(r.slice(0, r.indexOf(','))) <= step);
  return `${[header, ...kept].join('\n')}\n`;
}

/**
 * The files of `runDir` a run resumed from its checkpoint at `step` needs: run.json, the checkpoint and the `latest`
 * pointer to it, a finished pre-training, and the events and metrics up to that step. `phase: 'pretrain'`: a
 * checkpoint of the pre-training (under `pretrain/`), taken before fine-tuning began. Undefined when the checkpoint
 * is gone, damaged, or its event is not written yet.
 */
export function takeSnapshot(runDir: string, step: number, phase?: 'pretrain'): Record<string, Buffer> | undefined {
  const name = checkpointName(step);
  const pre = phase === 'pretrain';
  const at = pre ? 'pretrain/' : '';
  const ck = join(runDir, `${at}checkpoints`, name);
  if (!existsSync(ck) || verifyCheckpoint(ck) !== undefined) return undefined;
  const eventsPath = join(runDir, 'events.jsonl');
  const events = existsSync(eventsPath) ? eventsThrough(readFileSync(eventsPath, 'utf8'), step, pre) : undefined;
  if (events === undefined) return undefined;
  const files: Record<string, Buffer> = {
    'run.json': readFileSync(join(runDir, 'run.json')),
    'events.jsonl': Buffer.from(events),
    [`${at}checkpoints/latest`]: Buffer.from(name),
  };
  const metrics = join(runDir, `${at}metrics.csv`);
  if (existsSync(metrics)) files[`${at}metrics.csv`] = Buffer.from(metricsThrough(readFileSync(metrics, 'utf8'), step));
  const rels = [...filesUnder(runDir, `${at}checkpoints/${name}`)];
  // a finished pre-training (its summary, its last checkpoint and metrics) goes with every later snapshot
  if (!pre && existsSync(join(runDir, 'pretrain', 'summary.json'))) rels.push(...filesUnder(runDir, 'pretrain'));
  if (pre && existsSync(join(runDir, 'pretrain', 'summary.json'))) rels.push('pretrain/summary.json');
  for (const rel of rels) files[rel] = readFileSync(join(runDir, rel));
  // the checkpoint may have been rotated away while it was read: then this one is not whole
  return verifyCheckpoint(ck) === undefined ? files : undefined;
}

/** Write a snapshot's files into `runDir` (a fresh directory). */
export function restoreSnapshot(runDir: string, files: Record<string, Buffer>): void {
  for (const [rel, data] of Object.entries(files)) {
    const p = join(runDir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
  }
}

/** One buffer for the store: gzipped JSON with the files in base64. */
export function packSnapshot(s: Snapshot): Buffer {
  const files: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.files)) files[k] = v.toString('base64');
  return gzipSync(JSON.stringify({ format: 'rxgym-snapshot/1', meta: s.meta, files }));
}

/** The snapshot in a buffer of `packSnapshot`, or undefined when it is not one. */
export function unpackSnapshot(blob: Buffer): Snapshot | undefined {
  try {
    const o = JSON.parse(gunzipSync(blob).toString('utf8')) as {
      format: string;
      meta: SnapshotMeta;
      files: Record<string, string>;
    };
    if (o.format !== 'rxgym-snapshot/1') return undefined;
    const files: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(o.files)) files[k] = Buffer.from(v, 'base64');
    return { meta: o.meta, files };
  } catch {
    return undefined;
  }
}

/** The collected files of a finished run, gzipped in base64, leaving out those past `limitBytes` altogether. */
export function packResultFiles(
  runDir: string,
  limitBytes: number,
): { files: Record<string, string>; omitted: Record<string, number> } {
  const files: Record<string, string> = {};
  const omitted: Record<string, number> = {};
  let total = 0;
  for (const f of RESULT_FILES) {
    const p = join(runDir, f);
    if (!existsSync(p)) continue;
    const z = gzipSync(readFileSync(p));
    if (total + z.length > limitBytes) {
      omitted[f] = statSync(p).size;
      continue;
    }
    total += z.length;
    files[f] = z.toString('base64');
  }
  return { files, omitted };
}

/** Write collected files (from `packResultFiles`) into `runDir`. */
export function unpackResultFiles(runDir: string, files: Record<string, string>): void {
  mkdirSync(runDir, { recursive: true });
  for (const [f, z] of Object.entries(files)) {
    if (!(RESULT_FILES as readonly string[]).includes(f)) continue;
    writeFileSync(join(runDir, f), gunzipSync(Buffer.from(z, 'base64')));
  }
}
