import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/rng.js';
import { RxgymError } from '../core/env.js';
import { orthogonal } from './init.js';
import { denseForward } from './matmul.js';

/** A named float32 array with its shape: the portable form of one weight. */
export interface WeightEntry {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A dense layer's variables. */
export interface DenseParams {
  W: tf.Variable;
  b: tf.Variable;
}

/** An ordered set of named trainable variables: what a network owns, saves and loads. */
export class ParamStore {
  private readonly vars = new Map<string, tf.Variable>();

  constructor(readonly prefix: string) {}

  /** Create a variable from initial values. */
  add(name: string, shape: number[], values: Float32Array): tf.Variable {
    const full = `${this.prefix}/${name}`;
    if (this.vars.has(full)) throw new RxgymError(`network parameter "${full}" defined twice`);
    // the variable shares the initial tensor's data: dispose that tensor, or it outlives the variable's dispose()
    const init = tf.tensor(values, shape, 'float32');
    const v = tf.variable(init, true, `${full}_${uid++}`);
    init.dispose();
    this.vars.set(full, v);
    return v;
  }

  /** A dense layer with orthogonal weights (scaled by `gain`) and zero bias, CleanRL's `layer_init`. */
  dense(name: string, inDim: number, outDim: number, gain: number, rng: Rng): DenseParams {
    return {
      W: this.add(`${name}/W`, [inDim, outDim], orthogonal(inDim, outDim, gain, rng)),
      b: this.add(`${name}/b`, [outDim], new Float32Array(outDim)),
    };
  }

  /** All variables in creation order. */
  list(): tf.Variable[] {
    return [...this.vars.values()];
  }

  /** Number of scalar parameters. */
  size(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Copy the weights out (one read per variable). */
  snapshot(): WeightEntry[] {
    return [...this.vars.entries()].map(([name, v]) => ({
      name,
      shape: v.shape.slice(),
      data: v.dataSync() as Float32Array,
    }));
  }

  /** Set every variable from entries with the same names and shapes. */
  restore(entries: WeightEntry[]): void {
    const byName = new Map(entries.map((e) => [e.name, e]));
    for (const [name, v] of this.vars) {
      const e = byName.get(name);
      if (!e) throw new RxgymError(`saved weights lack "${name}": the checkpoint was written by a different network`);
      if (e.shape.join('x') !== v.shape.join('x')) {
        throw new RxgymError(
          `saved weight "${name}" has shape [${e.shape}], the network expects [${v.shape}]: the checkpoint is from a ` +
            `different env or network config`,
        );
      }
      tf.tidy(() => v.assign(tf.tensor(e.data, e.shape, 'float32')));
    }
  }

  /** target <- tau * this + (1 - tau) * target, for target networks (tau = 1 copies). */
  copyTo(target: ParamStore, tau = 1): void {
    const src = this.list();
    const dst = target.list();
    if (src.length !== dst.length) throw new RxgymError('copyTo: networks differ');
    tf.tidy(() => {
      for (let i = 0; i < src.length; i++) {
        dst[i]!.assign(tau === 1 ? src[i]! : tf.add(tf.mul(src[i]!, tau), tf.mul(dst[i]!, 1 - tau)));
      }
    });
  }

  /** Free every variable. */
  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

let uid = 0;

/**
 * act(x W + b) as one fused kernel (bias and relu folded into the matmul: fewer intermediate tensors, which is
 * what small networks pay for); other activations are applied by the caller. The gradient avoids tfjs's slow
 * transposed matMul kernels (src/tensor/matmul.ts); `wide` as in denseForward.
 */
export function applyDense(
  p: DenseParams,
  x: tf.Tensor,
  activation: 'linear' | 'relu' = 'linear',
  wide = false,
): tf.Tensor2D {
  return denseForward(x as tf.Tensor2D, p.W as tf.Tensor2D, p.b as tf.Tensor1D, activation, wide);
}
