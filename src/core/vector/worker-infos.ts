import type { InfoBatch } from './info.js';
import type { VecInfo } from './types.js';

/**
 * Rows of a worker's shared info table. A number or boolean info key takes the next free row the first time the
 * worker sees it and keeps it; keys beyond this many, and columns of any other kind, travel by message.
 */
export const INFO_ROWS = 32;

/** A worker's shared info table: `INFO_ROWS x n` values (Float64) and `_key` masks (Uint8), row r for key r. */
export interface InfoTable {
  values: SharedArrayBuffer;
  masks: SharedArrayBuffer;
}

/** A key given a row of the table, and whether its column is boolean (values 0/1) rather than numeric. */
export interface InfoRow {
  key: string;
  bool: boolean;
}

/** What a worker posts after a step or reset when the table alone cannot carry its infos. */
export interface InfoReply {
  /** Keys that took rows since the last reply the worker posted, in row order. */
  rows?: InfoRow[];
  /** Columns (with their `_key` masks) that are not in the table. */
  rest?: VecInfo;
}

/** A new table for a worker with `n` envs. */
export function allocInfoTable(n: number): InfoTable {
  return { values: new SharedArrayBuffer(INFO_ROWS * n * 8), masks: new SharedArrayBuffer(INFO_ROWS * n) };
}

/**
 * The worker's side: writes the number and boolean columns of each batch into the table, so a step whose infos are
 * all numbers and booleans (most envs, every step) posts no message at all.
 */
export class InfoTableWriter {
  private readonly values: Float64Array;
  private readonly masks: Uint8Array;
  private readonly rows = new Map<string, number>();
  private readonly bools: boolean[] = [];
  private readonly written = new Uint8Array(INFO_ROWS);
  /** Rows taken but not yet announced to the main thread (kept until a reply carrying them has been posted). */
  private unsent: InfoRow[] = [];

  constructor(
    table: InfoTable,
    private readonly n: number,
  ) {
    this.values = new Float64Array(table.values);
    this.masks = new Uint8Array(table.masks);
  }

  /**
   * Write `infos` (a SyncVectorEnv batch of n envs) into the table; returns what must still be posted, if anything.
   * Call `posted()` once it is.
   */
  write(infos: VecInfo): InfoReply | undefined {
    const n = this.n;
    let rest: VecInfo | undefined;
    this.written.fill(0);
    for (const key in infos) {
      // Masks travel with their key (and, as InfoBatch.merge, keys that look like masks are not columns).
      if (key.startsWith('_')) continue;
      const col = infos[key]!;
      const mask = infos[`_${key}`] as Uint8Array;
      if (col instanceof Uint8Array || col instanceof Float64Array) {
        const bool = col instanceof Uint8Array;
        let row = this.rows.get(key);
        if (row === undefined && this.bools.length < INFO_ROWS) {
          row = this.bools.length;
          this.rows.set(key, row);
          this.bools.push(bool);
          this.unsent.push({ key, bool });
        }
        if (row !== undefined && this.bools[row] === bool) {
          this.values.set(col, row * n);
          this.masks.set(mask, row * n);
          this.written[row] = 1;
          continue;
        }
      }
      rest ??= {};
      rest[key] = col;
      rest[`_${key}`] = mask;
    }
    for (let r = 0; r < this.bools.length; r++) if (!this.written[r]) this.masks.fill(0, r * n, r * n + n);
    return this.unsent.length > 0 || rest
      ? { rows: this.unsent.length > 0 ? this.unsent : undefined, rest }
      : undefined;
  }

  /** The reply `write` returned has been posted: the main thread knows the new rows. */
  posted(): void {
    if (this.unsent.length > 0) this.unsent = [];
  }
}

/** The main thread's side: merges a worker's table (and what it posted) into the batch of the whole vector env. */
export class InfoTableReader {
  private readonly values: Float64Array;
  private readonly masks: Uint8Array;
  private readonly rows: InfoRow[] = [];

  constructor(
    table: InfoTable,
    private readonly n: number,
  ) {
    this.values = new Float64Array(table.values);
    this.masks = new Uint8Array(table.masks);
  }

  /**
   * Merge the worker's batch into `batch` at envs offset..offset+n-1; `reply` is what it posted with the batch, if
   * anything.
   */
  merge(batch: InfoBatch, offset: number, reply: InfoReply | undefined): void {
    if (reply?.rows) this.rows.push(...reply.rows);
    const n = this.n;
    for (let r = 0; r < this.rows.length; r++) {
      const { key, bool } = this.rows[r]!;
      for (let j = 0, k = r * n; j < n; j++, k++) {
        if (this.masks[k]) batch.set(offset + j, key, bool ? this.values[k] === 1 : this.values[k]);
      }
    }
    if (reply?.rest) batch.merge(offset, reply.rest);
  }
}
