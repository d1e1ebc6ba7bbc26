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
export function saveWeights(dir: string, name: string, entries: WeightEntry[], meta: Record<string, unknown> = {}): void {
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
  writeFileAtomic(join(dir, `${name}.json`), JSON.stringify({ format: FORMAT, meta, weightsFile: `${name}.bin`, weights: manifest }, null, 1));
}

/** Read what `saveWeights` wrote. */
export function loadWeights(dir: string, name: string): { meta: Record<string, unknown>; entries: WeightEntry[] } {
  const jsonPath = join(dir, `${name}.json`);
  if (!existsSync(jsonPath)) throw new RxgymError(`no saved weights at ${jsonPath}`);
  const doc = JSON.parse(readFileSync(jsonPath, 'utf8')) as { format?: string; meta?: Record<string, unknown>; weightsFile: string; weights: { name: string; shape: number[]; offset: number; length: number }[] };
  if (doc.format !== FORMAT) throw new RxgymError(`${jsonPath} is not an rxgym weights file (format "${String(doc.format)}")`);
  const buf = readFileSync(join(dir, doc.weightsFile));
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const entries = doc.weights.map((w) => ({ name: w.name, shape: w.shape, data: all.slice(w.offset, w.offset + w.length) }));
  return { meta: doc.meta ?? {}, entries };
}
