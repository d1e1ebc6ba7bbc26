import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/rng.js';
import { matMul2d } from '../../src/tensor/matmul.js';

/** Output activation of the last layer. */
export type OutAct = 'linear' | 'relu';

/**
 * A small multilayer perceptron on raw tfjs variables, initialised from a seeded Rng
 * (Glorot-uniform weights, zero biases), ReLU between layers.
 */
export class Mlp {
  readonly vars: tf.Variable[] = [];
  private readonly layers: { w: tf.Variable; b: tf.Variable }[] = [];

  constructor(readonly sizes: readonly number[], seed: number, trainable = true, private readonly outAct: OutAct = 'linear') {
    const rng = new Rng(seed);
    for (let l = 0; l + 1 < sizes.length; l++) {
      const fanIn = sizes[l]!, fanOut = sizes[l + 1]!;
      const lim = Math.sqrt(6 / (fanIn + fanOut));
      const w = new Float32Array(fanIn * fanOut);
      for (let k = 0; k < w.length; k++) w[k] = rng.uniform(-lim, lim);
      const layer = {
        w: tf.variable(tf.tensor2d(w, [fanIn, fanOut]), trainable),
        b: tf.variable(tf.zeros([fanOut]), trainable),
      };
      this.layers.push(layer);
      this.vars.push(layer.w, layer.b);
    }
  }

  /** Forward pass of a `[rows, sizes[0]]` input. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    this.layers.forEach((l, i) => {
      h = tf.add(matMul2d(h as tf.Tensor2D, l.w as tf.Tensor2D), l.b);
      if (i + 1 < this.layers.length || this.outAct === 'relu') h = tf.relu(h);
    });
    return h;
  }

  /** Copy of every weight as plain arrays, for checkpoints. */
  weights(): number[][] {
    return this.vars.map((v) => Array.from(v.dataSync()));
  }

  /** Restore weights written by `weights()`. */
  setWeights(ws: number[][]): void {
    if (ws.length !== this.vars.length) throw new Error(`checkpoint has ${ws.length} weight tensors, the network ${this.vars.length}`);
    this.vars.forEach((v, i) => {
      if (ws[i]!.length !== v.size) throw new Error(`checkpoint weight ${i} has ${ws[i]!.length} values, the network ${v.size}`);
      const t = tf.tensor(Float32Array.from(ws[i]!), v.shape);
      v.assign(t);
      t.dispose();
    });
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
  }
}

/** Row indices `0..n-1` shuffled with `rng`, cut into minibatches of `size`. */
export function minibatches(n: number, size: number, rng: Rng): Int32Array[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(idx);
  const out: Int32Array[] = [];
  for (let s = 0; s < n; s += size) out.push(Int32Array.from(idx.slice(s, s + size)));
  return out;
}

/** Gather `rows` of a row-major `dim`-wide array into a new `[rows.length, dim]` Float32Array. */
export function gatherRows(data: Float32Array, dim: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let r = 0; r < rows.length; r++) out.set(data.subarray(rows[r]! * dim, rows[r]! * dim + dim), r * dim);
  return out;
}
