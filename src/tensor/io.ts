import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { RxgymError } from '../core/env.js';
import type { WeightEntry } from './params.js';

const FORMAT = 'rxgym-weights/1';

export { writeFileAtomic } from '../core/atomic.js';
import { writeFileAtomic } from '../core/atomic.js';

/**
 * Save weights as `<name>.json` (format, metadata, manifest of names/shapes/offsets) and `<name>.bin`
 * (little-endian float32, concatenated) in `dir`. Needs no tfjs-node.
 */
export function saveWeights(
  dir: string,
  name: string,
  entries: WeightEntry[],
  meta: Record<string, unknown> = {},
): void {
  mkdirSync(dir, { recursive: true });
  let total = 0;
  for (const e of entries) total += e.data.length;
  const bin = new Float32Array(total);
  const manifest: { name: string; shape: number[]; offset: number; length: number }[] = [];
  let off = 0;
  for (const e of entries) {
    bin.set(e.data, off);
    manifest.push({ name: e.name, shape: e.shape, offset: off, length: e.data.length });
    off += e.data.length;
  }
  writeFileAtomic(join(dir, `${name}.bin`), new Uint8Array(bin.buffer));
  writeFileAtomic(
    join(dir, `${name}.json`),
    JSON.stringify({ format: FORMAT, meta, weightsFile: `${name}.bin`, weights: manifest }, null, 1),
  );
}

/** Read what `saveWeights` wrote. */
export function loadWeights(dir: string, name: string): { meta: Record<string, unknown>; entries: WeightEntry[] } {
  const jsonPath = join(dir, `${name}.json`);
  if (!existsSync(jsonPath)) throw new RxgymError(`no saved weights at ${jsonPath}`);
  type Doc = {
    format?: string;
    meta?: Record<string, unknown>;
    weightsFile: string;
    weights: { name: string; shape: number[]; offset: number; length: number }[];
  };
  let doc: Doc;
  try {
    doc = JSON.parse(readFileSync(jsonPath, 'utf8')) as Doc;
  } catch {
    throw new RxgymError(`${jsonPath} is not valid JSON: the checkpoint is damaged; resume from an intact one`);
  }
  if (doc.format !== FORMAT)
    throw new RxgymError(`${jsonPath} is not an rxgym weights file (format "${String(doc.format)}")`);
  const binPath = join(dir, doc.weightsFile);
  if (!existsSync(binPath)) throw new RxgymError(`${binPath} is missing: the checkpoint is incomplete`);
  const buf = readFileSync(binPath);
  const expected = doc.weights.reduce((n, w) => Math.max(n, w.offset + w.length), 0) * 4;
  if (buf.byteLength !== expected) {
    throw new RxgymError(
      `${binPath} holds ${buf.byteLength} bytes where its manifest ${jsonPath} expects ${expected}: the file is ` +
        `truncated or damaged; resume from an intact checkpoint`,
    );
  }
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const bad = firstNonFinite(all);
  if (bad >= 0) {
    const w = doc.weights.find((x) => bad >= x.offset && bad < x.offset + x.length);
    throw new RxgymError(
      `${binPath} holds a non-finite value (${all[bad]}) in weight "${w?.name ?? '?'}": these weights are unusable; ` +
        `resume from an earlier checkpoint`,
    );
  }
  const entries = doc.weights.map((w) => ({
    name: w.name,
    shape: w.shape,
    data: all.slice(w.offset, w.offset + w.length),
  }));
  return { meta: doc.meta ?? {}, entries };
}

/** Index of the first NaN or infinite value of `xs`, or -1. */
export function firstNonFinite(xs: Float32Array): number {
  for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i]!)) return i;
  return -1;
}
