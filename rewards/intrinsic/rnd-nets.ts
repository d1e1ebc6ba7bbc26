import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/rng.js';
import { RunningMeanStdVec } from '../normalize-stats.js';
import { gatherRows, minibatches, Mlp } from './mlp.js';

/** Settings of an RND pair (target and predictor). */
export interface RndSettings {
  inputDim: number;
  hidden: number[];
  latentDim: number;
  lr: number;
  batchSize: number;
  epochs: number;
  /** Fraction of each batch used to train the predictor (RND's `proportion_of_exp_used_for_predictor_update`). */
  updateProportion: number;
  obsClip: number;
  seed: number;
}

/**
 * Random network distillation: a frozen random target f and a predictor f^ trained to match it on
 * the observations seen; observations are normalised by running mean/std and clipped to +-obsClip.
 */
export class RndNets {
  private readonly target: Mlp;
  private readonly predictor: Mlp;
  private readonly opt: tf.Optimizer;
  readonly obsStats: RunningMeanStdVec;
  private readonly rng: Rng;
  private lastLoss = NaN;

  constructor(readonly s: RndSettings) {
    const sizes = [s.inputDim, ...s.hidden, s.latentDim];
    this.target = new Mlp(sizes, s.seed, false);
    this.predictor = new Mlp(sizes, s.seed + 1, true);
    this.opt = tf.train.adam(s.lr);
    this.obsStats = new RunningMeanStdVec(s.inputDim);
    this.rng = new Rng(s.seed + 2);
  }

  /** Normalised, clipped copy of `rows` observations (stats are seeded from the first data seen). */
  normalize(data: Float32Array, rows: number): Float32Array {
    if (this.obsStats.count < 1) this.obsStats.update(data, rows);
    return this.obsStats.normalize(data, rows, this.s.obsClip, new Float32Array(rows * this.s.inputDim));
  }

  /** Squared prediction error `||f^(x) - f(x)||^2` per row of raw observations. */
  sqError(data: Float32Array, rows: number): Float32Array {
    const x = this.normalize(data, rows);
    return tf.tidy(() => {
      const xt = tf.tensor2d(x, [rows, this.s.inputDim]);
      const d = tf.sub(this.predictor.apply(xt), this.target.apply(xt));
      return tf.sum(tf.square(d), 1).dataSync() as Float32Array;
    }).slice();
  }

  /** Update the observation statistics with `data`, then train the predictor on it. */
  train(data: Float32Array, rows: number): void {
    this.obsStats.update(data, rows);
    const x = this.normalize(data, rows);
    const dim = this.s.inputDim;
    for (let e = 0; e < this.s.epochs; e++) {
      for (const mb of minibatches(rows, this.s.batchSize, this.rng)) {
        const p = this.s.updateProportion;
        const part = p < 1 ? mb.filter(() => this.rng.random() < p) : mb;
        if (part.length === 0) continue;
        const xb = gatherRows(x, dim, part);
        const loss = tf.tidy(() => {
          const xt = tf.tensor2d(xb, [part.length, dim]);
          const tgt = this.target.apply(xt);
          const l = this.opt.minimize(() => tf.mean(tf.sum(tf.square(tf.sub(this.predictor.apply(xt), tgt)), 1)) as tf.Scalar, true, this.predictor.vars);
          return l!.dataSync()[0]!;
        });
        this.lastLoss = loss;
      }
    }
  }

  /** Plain state for checkpoints (weights and observation statistics; Adam's moments restart). */
  saveState(): unknown {
    return { target: this.target.weights(), predictor: this.predictor.weights(), obs: this.obsStats.state() };
  }
  /** Restore `saveState()`. */
  loadState(s: unknown): void {
    const st = s as { target: number[][]; predictor: number[][]; obs: { mean: number[]; var: number[]; count: number } };
    this.target.setWeights(st.target);
    this.predictor.setWeights(st.predictor);
    this.obsStats.restore(st.obs);
  }

  /** Loss of the last predictor minibatch. */
  get loss(): number {
    return this.lastLoss;
  }

  dispose(): void {
    this.target.dispose();
    this.predictor.dispose();
    this.opt.dispose();
  }
}
