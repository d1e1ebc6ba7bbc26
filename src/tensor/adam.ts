import * as tf from '@tensorflow/tfjs';
import type { ParamStore, WeightEntry } from './params.js';
import { RxgymError } from '../core/env.js';

/** Adam options; `maxGradNorm` clips the global gradient norm before the update. */
export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  maxGradNorm?: number;
}

/** What one optimisation step reports: the loss, the pre-clip global gradient norm and the auxiliary values. */
export interface StepResult {
  loss: number;
  gradNorm: number;
  aux: Float32Array;
}

/**
 * Adam (PyTorch's form: bias-corrected moments, eps added to sqrt(v_hat)) with global-norm clipping, computed on
 * the host. Small policy networks pay per tensor op, not per flop: reading the gradient once as one flat array and
 * updating in JavaScript replaces ~12 backend ops per parameter tensor with one read and one upload. The whole state
 * (moments, step count) is plain arrays, so it checkpoints exactly.
 */
export class Adam {
  lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly maxGradNorm: number | undefined;
  private readonly sizes: number[];
  private readonly master: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;

  constructor(
    readonly params: tf.Variable[],
    opts: AdamOptions,
  ) {
    this.lr = opts.lr;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.maxGradNorm = opts.maxGradNorm;
    this.sizes = params.map((p) => p.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    this.master = new Float32Array(total);
    this.m = new Float32Array(total);
    this.v = new Float32Array(total);
    this.pull();
  }

  /** Re-read the parameters into the host copy (after weights were loaded or changed outside the optimizer). */
  pull(): void {
    let off = 0;
    this.params.forEach((p, i) => {
      this.master.set(p.dataSync() as Float32Array, off);
      off += this.sizes[i]!;
    });
  }

  /**
   * One step on `lossFn`. `aux` receives scalars computed inside the loss (kept with `tf.keep`); they come back
   * in `aux`, read together with the gradient in a single transfer.
   */
  step(lossFn: () => tf.Scalar, aux: tf.Scalar[] = []): StepResult {
    const data = this.gradient(lossFn, aux);
    const nAux = aux.length;
    const norm = this.apply(data.subarray(1 + nAux));
    return { loss: data[0]!, gradNorm: norm, aux: data.slice(1, 1 + nAux) };
  }

  /**
   * The loss, the `aux` scalars and the gradient of `lossFn`, read in one transfer as one flat array
   * ([loss, ...aux, ...gradient in `params` order]), without a step: what `step` applies.
   */
  gradient(lossFn: () => tf.Scalar, aux: tf.Scalar[] = []): Float32Array {
    const flat = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(lossFn, this.params);
      const parts: tf.Tensor[] = [tf.reshape(value, [1])];
      if (aux.length > 0) parts.push(tf.stack(aux));
      for (const p of this.params) parts.push(tf.reshape(grads[p.name] ?? tf.zerosLike(p), [-1]));
      return tf.concat(parts);
    });
    for (const a of aux) a.dispose();
    const data = flat.dataSync() as Float32Array;
    flat.dispose();
    return data;
  }

  /** Copy the parameters into `out` as one flat array (`params` order): what `setWeights` takes. */
  weightsInto(out: Float32Array): void {
    out.set(this.master);
  }

  /** Number of scalar parameters (the length of the flat arrays). */
  get size(): number {
    return this.master.length;
  }

  /** Set every parameter from a flat array (`weightsInto` of an optimizer over the same variables). */
  setWeights(flat: Float32Array): void {
    if (flat.length !== this.master.length) {
      throw new RxgymError(`optimizer weights: ${flat.length} values given, the network has ${this.master.length}`);
    }
    this.master.set(flat);
    this.push();
  }

  /**
   * One step from a gradient computed elsewhere (flat, in `params` order: the direct-kernel path); returns the
   * pre-clip global norm. The same arithmetic as `step`.
   */
  stepWithGradients(g: Float32Array): number {
    return this.apply(g);
  }

  private apply(g: Float32Array): number {
    let sq = 0;
    for (let k = 0; k < g.length; k++) sq += g[k]! * g[k]!;
    const norm = Math.sqrt(sq);
    const scale = this.maxGradNorm !== undefined ? Math.min(1, this.maxGradNorm / (norm + 1e-6)) : 1;
    this.t += 1;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const stepSize = this.lr / (1 - b1 ** this.t);
    const vScale = 1 / Math.sqrt(1 - b2 ** this.t);
    const { m, v, master, eps } = this;
    for (let k = 0; k < g.length; k++) {
      const gk = g[k]! * scale;
      const mk = (m[k] = b1 * m[k]! + (1 - b1) * gk);
      const vk = (v[k] = b2 * v[k]! + (1 - b2) * gk * gk);
      master[k]! -= (stepSize * mk) / (Math.sqrt(vk) * vScale + eps);
    }
    this.push();
    return norm;
  }

  private push(): void {
    let off = 0;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        p.assign(tf.tensor(this.master.subarray(off, off + this.sizes[i]!), p.shape, 'float32'));
        off += this.sizes[i]!;
      });
    });
  }

  /** The optimizer state as weight entries (moments) plus the step count. */
  snapshot(prefix: string): { t: number; entries: WeightEntry[] } {
    return {
      t: this.t,
      entries: [
        { name: `${prefix}/m`, shape: [this.m.length], data: this.m.slice() },
        { name: `${prefix}/v`, shape: [this.v.length], data: this.v.slice() },
      ],
    };
  }

  /** Restore a `snapshot` (and re-read the parameters, which must have been restored first). */
  restore(prefix: string, t: number, entries: WeightEntry[]): void {
    const byName = new Map(entries.map((e) => [e.name, e]));
    const m = byName.get(`${prefix}/m`);
    const v = byName.get(`${prefix}/v`);
    if (!m || !v || m.data.length !== this.m.length || v.data.length !== this.v.length) {
      throw new RxgymError(
        `optimizer state "${prefix}" does not match this network: the checkpoint is from a different env or agent`,
      );
    }
    this.m.set(m.data);
    this.v.set(v.data);
    this.t = t;
    this.pull();
  }

  /** Nothing on the backend to free; kept for symmetry with networks. */
  dispose(): void {}
}

/** A trained network's checkpoint: its weights and the state of the Adam that trains them. */
export interface TrainedState {
  weights: WeightEntry[];
  adam: { t: number; entries: WeightEntry[] };
}

/** The weights of `store` and the state of `adam`, which trains (some of) them. */
export function trainedState(store: ParamStore, adam: Adam): TrainedState {
  return { weights: store.snapshot(), adam: adam.snapshot('adam') };
}

/** Restore a `trainedState`: the weights first, then the optimizer (which re-reads them). */
export function restoreTrained(store: ParamStore, adam: Adam, s: TrainedState): void {
  store.restore(s.weights);
  adam.restore('adam', s.adam.t, s.adam.entries);
}
