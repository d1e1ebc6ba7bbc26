import type { ObsBatch, TypedArrayCtor } from '../../src/core/obs-batch.js';
import { rowSize, selectRows } from '../../src/core/obs-batch.js';
import type { Rng } from '../../src/core/rng.js';

/** Where a row went: its slot and the write count that put it there (a later write to the slot invalidates it). */
export interface RingSlot {
  slot: number;
  stamp: number;
}

/**
 * A ring buffer of labelled observation rows for the learned step and outcome scorers. A row can be written before
 * its label is known (label NaN: an episode still running, a judge still thinking) and labelled later through its
 * `RingSlot`, unless the ring has written over it since. Arrays are laid out from the first batch it sees. It is not
 * checkpointed (the scorer's weights are): after a resume it fills again.
 */
export class ObsRing {
  private data: ObsBatch | undefined;
  private readonly labels: Float32Array;
  private readonly stamps: Float64Array;
  private writes = 0;
  private labelled = 0;

  constructor(readonly capacity: number) {
    this.labels = new Float32Array(capacity).fill(NaN);
    this.stamps = new Float64Array(capacity).fill(-1);
  }

  /** Rows written so far that carry a label. */
  get size(): number {
    return this.labelled;
  }

  /** Copy row `k` of `obs` in, with `label` (NaN: not known yet). */
  push(obs: ObsBatch, k: number, label = NaN): RingSlot {
    const d = (this.data ??= this.layout(obs));
    const slot = this.writes % this.capacity;
    for (const key of Object.keys(d)) {
      const src = obs[key]!;
      const dim = rowSize(src);
      d[key]!.data.set(src.data.subarray(k * dim, (k + 1) * dim), slot * dim);
    }
    if (!Number.isNaN(this.labels[slot]!)) this.labelled--;
    this.labels[slot] = label;
    if (!Number.isNaN(label)) this.labelled++;
    this.stamps[slot] = this.writes;
    return { slot, stamp: this.writes++ };
  }

  /** Label a row written earlier; false when the ring has written over it since. */
  label(at: RingSlot, label: number): boolean {
    if (this.stamps[at.slot] !== at.stamp) return false;
    if (Number.isNaN(this.labels[at.slot]!)) this.labelled++;
    this.labels[at.slot] = label;
    return true;
  }

  /** Up to `count` random labelled rows (drawn with replacement): their observations and labels. */
  sample(count: number, rng: Rng, out?: ObsBatch): { obs: ObsBatch; labels: Float32Array } | undefined {
    if (!this.data || this.labelled === 0) return undefined;
    const filled = Math.min(this.writes, this.capacity);
    const rows: number[] = [];
    // unlabelled rows are few (running episodes, pending judgements): rejection is cheap
    for (let tries = 0; rows.length < count && tries < count * 20; tries++) {
      const s = rng.int(0, filled);
      if (!Number.isNaN(this.labels[s]!)) rows.push(s);
    }
    if (rows.length === 0) return undefined;
    const labels = Float32Array.from(rows, (s) => this.labels[s]!);
    return { obs: selectRows(this.data, rows, out), labels };
  }

  private layout(obs: ObsBatch): ObsBatch {
    const out: ObsBatch = {};
    for (const [key, a] of Object.entries(obs)) {
      const Ctor = a.data.constructor as TypedArrayCtor;
      out[key] = { data: new Ctor(this.capacity * rowSize(a)), shape: a.shape };
    }
    return out;
  }
}
