import type { Info } from '../env.js';
import type { VecInfo } from './types.js';

type Column = Float64Array | Uint8Array | unknown[];
interface Entry {
  values: Column;
  mask: Uint8Array;
  stamp: number;
}

/**
 * Collects per-env infos into Gymnasium's dict-of-arrays form: `infos[key][i]` plus a `_key` mask (1 where env i set
 * it).
 * Numbers go to Float64Array, booleans to Uint8Array (0/1), anything else to a plain array. A key appears only in the
 * batches where some env set it; its arrays are allocated once and reused, so steps without infos allocate nothing.
 */
export class InfoBatch {
  /** The infos of the current batch (the same object every batch). */
  readonly infos: VecInfo = {};
  private readonly entries = new Map<string, Entry>();
  private readonly present: string[] = [];
  private stamp = 0;

  constructor(private readonly numEnvs: number) {}

  /** Start a new batch. */
  begin(): void {
    this.stamp++;
  }

  /** Record env i's info. */
  add(i: number, info: Info): void {
    for (const key in info) this.set(i, key, info[key]);
  }

  /** Set env i's value of one key (undefined values are skipped). */
  set(i: number, key: string, v: unknown): void {
    if (v === undefined) return;
    const e = this.entry(key, v);
    const col = e.values;
    if (col instanceof Float64Array) col[i] = v as number;
    else if (col instanceof Uint8Array) col[i] = v ? 1 : 0;
    else col[i] = v;
    e.mask[i] = 1;
  }

  /** Merge a batch of infos built for envs offset..offset+n-1 (a worker's slice) into this one. */
  merge(offset: number, infos: VecInfo): void {
    for (const key in infos) {
      if (key.startsWith('_')) continue;
      const mask = infos[`_${key}`] as Uint8Array | undefined;
      const col = infos[key]!;
      if (!mask) continue;
      for (let j = 0; j < mask.length; j++) {
        if (!mask[j]) continue;
        // Boolean columns travel as 0/1 bytes; turn them back into booleans so the merged column is boolean too.
        this.set(offset + j, key, col instanceof Uint8Array ? col[j] === 1 : col[j]);
      }
    }
  }

  /** Finish the batch: drop the keys no env set in it. */
  end(): void {
    for (let j = this.present.length - 1; j >= 0; j--) {
      const key = this.present[j]!;
      if (this.entries.get(key)!.stamp === this.stamp) continue;
      delete this.infos[key];
      delete this.infos[`_${key}`];
      this.present.splice(j, 1);
    }
  }

  private entry(key: string, v: unknown): Entry {
    let e = this.entries.get(key);
    if (!e) {
      e = { values: column(v, this.numEnvs), mask: new Uint8Array(this.numEnvs), stamp: -1 };
      this.entries.set(key, e);
    } else if (!fits(e.values, v)) {
      e.values = widen(e.values, v, this.numEnvs);
      if (e.stamp === this.stamp) this.infos[key] = e.values;
    }
    if (e.stamp !== this.stamp) {
      if (Array.isArray(e.values)) e.values.fill(undefined);
      else e.values.fill(0);
      e.mask.fill(0);
      e.stamp = this.stamp;
      if (this.infos[key] !== e.values) {
        if (!(key in this.infos)) this.present.push(key);
        this.infos[key] = e.values;
        this.infos[`_${key}`] = e.mask;
      }
    }
    return e;
  }
}

function column(v: unknown, n: number): Column {
  if (typeof v === 'number') return new Float64Array(n);
  if (typeof v === 'boolean') return new Uint8Array(n);
  return new Array<unknown>(n).fill(undefined);
}

function fits(col: Column, v: unknown): boolean {
  if (col instanceof Float64Array) return typeof v === 'number';
  if (col instanceof Uint8Array) return typeof v === 'boolean';
  return true;
}

/** A column that holds both the old values and `v` (booleans+numbers -> Float64Array, otherwise a plain array). */
function widen(col: Column, v: unknown, n: number): Column {
  const out: Column =
    typeof v === 'number' && col instanceof Uint8Array ? new Float64Array(n) : new Array<unknown>(n).fill(undefined);
  for (let i = 0; i < n; i++)
    (out as unknown[])[i] =
      col instanceof Uint8Array && Array.isArray(out) ? col[i] === 1 : (col as ArrayLike<unknown>)[i];
  return out;
}
