import * as tf from '@tensorflow/tfjs';
import type { WeightEntry } from './params.js';
import { RxgymError } from '../core/env.js';

/** Adam options; `maxGradNorm` clips the global gradient norm before the update. */
export interface AdamOptions { lr: number; beta1?: number; beta2?: number; eps?: number; maxGradNorm?: number }

/**
 * Adam (PyTorch's form: bias-corrected moments, eps added to sqrt(v_hat)) with global-norm clipping.
 * Written out so that its whole state (moments, step count) can be checkpointed exactly.
 */
export class Adam {
  lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly maxGradNorm: number | undefined;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(readonly params: tf.Variable[], opts: AdamOptions) {
    this.lr = opts.lr;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.maxGradNorm = opts.maxGradNorm;
    this.m = params.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = params.map((p) => tf.variable(tf.zerosLike(p), false));
  }

  /**
   * One step on `lossFn`. Returns the loss and the pre-clip gradient norm as kept scalars (the caller reads
   * them later in one go and disposes them), so no GPU/wasm sync happens here.
   */
  step(lossFn: () => tf.Scalar): { loss: tf.Scalar; gradNorm: tf.Scalar } {
    this.t += 1;
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(lossFn, this.params);
      let gs = this.params.map((p) => grads[p.name] ?? tf.zerosLike(p));
      const norm = tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g)))));
      if (this.maxGradNorm !== undefined) {
        const scale = tf.minimum(1, tf.div(this.maxGradNorm, tf.add(norm, 1e-6)));
        gs = gs.map((g) => tf.mul(g, scale));
      }
      const b1 = this.beta1;
      const b2 = this.beta2;
      const stepSize = this.lr / (1 - b1 ** this.t);
      const vScale = 1 / Math.sqrt(1 - b2 ** this.t);
      for (let i = 0; i < gs.length; i++) {
        const g = gs[i]!;
        const m = tf.add(tf.mul(this.m[i]!, b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[i]!, b2), tf.mul(tf.square(g), 1 - b2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        const denom = tf.add(tf.mul(tf.sqrt(v), vScale), this.eps);
        this.params[i]!.assign(tf.sub(this.params[i]!, tf.mul(tf.div(m, denom), stepSize)));
      }
      return { loss: tf.keep(value), gradNorm: tf.keep(norm as tf.Scalar) };
    });
  }

  /** The optimizer state as weight entries (moments) plus the step count. */
  snapshot(prefix: string): { t: number; entries: WeightEntry[] } {
    const entries: WeightEntry[] = [];
    this.m.forEach((m, i) => entries.push({ name: `${prefix}/m/${i}`, shape: m.shape.slice(), data: m.dataSync() as Float32Array }));
    this.v.forEach((v, i) => entries.push({ name: `${prefix}/v/${i}`, shape: v.shape.slice(), data: v.dataSync() as Float32Array }));
    return { t: this.t, entries };
  }

  /** Restore a `snapshot`. */
  restore(prefix: string, t: number, entries: WeightEntry[]): void {
    const byName = new Map(entries.map((e) => [e.name, e]));
    const set = (vars: tf.Variable[], kind: string): void => {
      vars.forEach((v, i) => {
        const e = byName.get(`${prefix}/${kind}/${i}`);
        if (!e || e.data.length !== v.size) throw new RxgymError(`optimizer state "${prefix}" does not match this network: the checkpoint is from a different env or agent`);
        tf.tidy(() => v.assign(tf.tensor(e.data, v.shape, 'float32')));
      });
    };
    set(this.m, 'm');
    set(this.v, 'v');
    this.t = t;
  }

  /** Free the moment variables. */
  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
