import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/rng.js';
import { Adam } from '../../../src/tensor/adam.js';
import { Mlp } from '../../../src/tensor/network.js';
import { ParamStore } from '../../../src/tensor/params.js';
import { IMAGE_DIM } from '../builtin/features.js';

/**
 * A small frame reward model distilled from a judge's labels: an MLP over the built-in encoder's 24x24 pixel input,
 * regressing the judge's score; it scores every frame at once while the judge answers in the background.
 */
export class FrameRewardModel {
  private readonly store = new ParamStore('vlm-judge');
  private readonly net: Mlp;
  private readonly adam: Adam;
  private readonly xs: Float32Array;
  private readonly ys: Float32Array;
  private size = 0;
  private next = 0;
  private readonly rng: Rng;
  private readonly bx: Float32Array;
  private readonly by: Float32Array;

  constructor(
    seed: number,
    readonly capacity = 4096,
    private readonly batch = 64,
  ) {
    this.rng = new Rng(seed);
    this.net = new Mlp(this.store, 'net', IMAGE_DIM, [64], 1, 0.01, 'relu', this.rng);
    this.adam = new Adam(this.store.list(), { lr: 1e-3 });
    this.xs = new Float32Array(capacity * IMAGE_DIM);
    this.ys = new Float32Array(capacity);
    this.bx = new Float32Array(batch * IMAGE_DIM);
    this.by = new Float32Array(batch);
  }

  /** Labels held. */
  get labels(): number {
    return this.size;
  }

  /** Keep one labelled input (a ring buffer: the oldest goes first). */
  add(x: Float32Array, y: number): void {
    this.xs.set(x, this.next * IMAGE_DIM);
    this.ys[this.next] = y;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.capacity, this.size + 1);
  }

  /** `steps` Adam steps on random minibatches of the labels; returns the last loss (NaN without labels). */
  train(steps: number): number {
    if (this.size === 0) return NaN;
    let loss = NaN;
    for (let s = 0; s < steps; s++) {
      for (let b = 0; b < this.batch; b++) {
        const k = this.rng.int(0, this.size);
        this.bx.set(this.xs.subarray(k * IMAGE_DIM, (k + 1) * IMAGE_DIM), b * IMAGE_DIM);
        this.by[b] = this.ys[k]!;
      }
      loss = this.adam.step(() =>
        tf.tidy(() => {
          const pred = tf.reshape(this.net.apply(tf.tensor2d(this.bx, [this.batch, IMAGE_DIM])), [this.batch]);
          return tf.mean(tf.square(tf.sub(pred, tf.tensor1d(this.by)))) as tf.Scalar;
        }),
      ).loss;
    }
    return loss;
  }

  /** Predicted scores of `n` inputs (`n x IMAGE_DIM` values). */
  predict(x: Float32Array, n: number): Float32Array {
    if (n === 0) return new Float32Array(0);
    return tf.tidy(
      () => this.net.apply(tf.tensor2d(x.subarray(0, n * IMAGE_DIM), [n, IMAGE_DIM])).dataSync() as Float32Array,
    );
  }

  dispose(): void {
    this.store.dispose();
  }
}
