import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RxgymError } from '../src/core/env.js';
import type { TypedArray } from '../src/core/spaces.js';
import type { Rng } from '../src/core/rng.js';
import type { ObsBatch } from '../src/stream/batch.js';
import { writeFileAtomic } from '../src/tensor/io.js';

type Ctor = new (n: number) => TypedArray;

/** One transition handed to the buffer: rows of observation batches plus scalars. */
export interface ReplayItem {
  obs: ObsBatch;
  obsRow: number;
  nextObs: ObsBatch;
  nextRow: number;
  action: ArrayLike<number>;
  actionOffset: number;
  reward: number;
  /** 1 when the (n-step) transition ends in a terminal state: no bootstrap. */
  done: number;
  /** Discount of the bootstrap value (gamma^n). */
  discount: number;
}

/** A sampled minibatch (arrays reused between samples). */
export interface ReplaySample {
  obs: ObsBatch;
  nextObs: ObsBatch;
  actions: Float32Array | Int32Array;
  rewards: Float32Array;
  dones: Float32Array;
  discounts: Float32Array;
}

/** A ring buffer of transitions in typed arrays, observations kept in their own dtypes. */
export class ReplayBuffer {
  size = 0;
  private pos = 0;
  readonly obs: ObsBatch = {};
  readonly nextObs: ObsBatch = {};
  readonly actions: Float32Array | Int32Array;
  readonly rewards: Float32Array;
  readonly dones: Uint8Array;
  readonly discounts: Float32Array;
  private readonly dims: Record<string, number> = {};

  constructor(
    readonly capacity: number,
    template: ObsBatch,
    readonly actionDim: number,
    readonly discrete: boolean,
  ) {
    for (const [k, a] of Object.entries(template)) {
      const dim = a.shape.reduce((x, y) => x * y, 1);
      this.dims[k] = dim;
      const C = a.data.constructor as Ctor;
      this.obs[k] = { data: new C(capacity * dim), shape: a.shape };
      this.nextObs[k] = { data: new C(capacity * dim), shape: a.shape };
    }
    this.actions = discrete ? new Int32Array(capacity) : new Float32Array(capacity * actionDim);
    this.rewards = new Float32Array(capacity);
    this.dones = new Uint8Array(capacity);
    this.discounts = new Float32Array(capacity);
  }

  /** Append one transition, overwriting the oldest when full. */
  add(it: ReplayItem): void {
    const p = this.pos;
    for (const k of Object.keys(this.dims)) {
      const d = this.dims[k]!;
      this.obs[k]!.data.set(it.obs[k]!.data.subarray(it.obsRow * d, (it.obsRow + 1) * d), p * d);
      this.nextObs[k]!.data.set(it.nextObs[k]!.data.subarray(it.nextRow * d, (it.nextRow + 1) * d), p * d);
    }
    const ad = this.discrete ? 1 : this.actionDim;
    for (let j = 0; j < ad; j++) this.actions[p * ad + j] = it.action[it.actionOffset + j]!;
    this.rewards[p] = it.reward;
    this.dones[p] = it.done;
    this.discounts[p] = it.discount;
    this.pos = (p + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** `n` uniformly drawn transitions (with replacement, as CleanRL/SB3). */
  sample(rng: Rng, n: number, out?: ReplaySample): ReplaySample {
    const s: ReplaySample = out ?? {
      obs: {},
      nextObs: {},
      actions: this.discrete ? new Int32Array(n) : new Float32Array(n * this.actionDim),
      rewards: new Float32Array(n),
      dones: new Float32Array(n),
      discounts: new Float32Array(n),
    };
    const ad = this.discrete ? 1 : this.actionDim;
    for (const k of Object.keys(this.dims)) {
      const C = this.obs[k]!.data.constructor as Ctor;
      const d = this.dims[k]!;
      if (!s.obs[k]) {
        s.obs[k] = { data: new C(n * d), shape: this.obs[k]!.shape };
        s.nextObs[k] = { data: new C(n * d), shape: this.obs[k]!.shape };
      }
    }
    for (let r = 0; r < n; r++) {
      const i = rng.int(0, this.size);
      for (const k of Object.keys(this.dims)) {
        const d = this.dims[k]!;
        s.obs[k]!.data.set(this.obs[k]!.data.subarray(i * d, (i + 1) * d), r * d);
        s.nextObs[k]!.data.set(this.nextObs[k]!.data.subarray(i * d, (i + 1) * d), r * d);
      }
      for (let j = 0; j < ad; j++) s.actions[r * ad + j] = this.actions[i * ad + j]!;
      s.rewards[r] = this.rewards[i]!;
      s.dones[r] = this.dones[i]!;
      s.discounts[r] = this.discounts[i]!;
    }
    return s;
  }

  private arrays(): [string, TypedArray][] {
    const out: [string, TypedArray][] = [];
    for (const k of Object.keys(this.dims)) {
      out.push([`obs.${k}`, this.obs[k]!.data], [`nextObs.${k}`, this.nextObs[k]!.data]);
    }
    out.push(
      ['actions', this.actions],
      ['rewards', this.rewards],
      ['dones', this.dones],
      ['discounts', this.discounts],
    );
    return out;
  }

  /** Write the buffer (so that a resumed run samples the same transitions). */
  save(dir: string, name: string): void {
    const arrays = this.arrays();
    let total = 0;
    const manifest = arrays.map(([key, a]) => {
      const e = { key, offset: total, bytes: a.byteLength };
      total += a.byteLength;
      return e;
    });
    const bin = new Uint8Array(total);
    arrays.forEach(([, a], j) => bin.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), manifest[j]!.offset));
    writeFileAtomic(join(dir, `${name}.bin`), bin);
    writeFileAtomic(
      join(dir, `${name}.json`),
      JSON.stringify({ capacity: this.capacity, size: this.size, pos: this.pos, arrays: manifest }),
    );
  }

  /** Read what `save` wrote. */
  load(dir: string, name: string): void {
    const p = join(dir, `${name}.json`);
    if (!existsSync(p)) throw new RxgymError(`${p} is missing: the checkpoint is incomplete or from another agent`);
    const meta = JSON.parse(readFileSync(p, 'utf8')) as {
      capacity: number;
      size: number;
      pos: number;
      arrays: { key: string; offset: number; bytes: number }[];
    };
    if (meta.capacity !== this.capacity)
      throw new RxgymError(`replay buffer in ${dir} has capacity ${meta.capacity}, this agent ${this.capacity}`);
    const bin = readFileSync(join(dir, `${name}.bin`));
    const mine = new Map(this.arrays());
    for (const e of meta.arrays) {
      const a = mine.get(e.key);
      if (!a || a.byteLength !== e.bytes)
        throw new RxgymError(`replay buffer in ${dir} does not match this env (array ${e.key})`);
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(bin.subarray(e.offset, e.offset + e.bytes));
    }
    this.size = meta.size;
    this.pos = meta.pos;
  }
}
