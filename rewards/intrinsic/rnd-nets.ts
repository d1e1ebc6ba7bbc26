import * as tf from '@tensorflow/tfjs';
import { Rng, type RngState } from '../../src/core/rng.js';
import { RunningMeanStd, type RunningStatsState } from '../../src/core/running-stats.js';
import { Adam, restoreTrained, trainedState, type TrainedState } from '../../src/tensor/adam.js';
import { Mlp } from '../../src/tensor/network.js';
import { ParamStore, type WeightEntry } from '../../src/tensor/params.js';
import { gatherRows, minibatches } from './minibatch.js';

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

/** The checkpoint of an RND pair. */
interface RndState {
  target: WeightEntry[];
  predictor: TrainedState;
  obs: RunningStatsState;
  rng: RngState;
}

/**
 * Random network distillation: a frozen random target f and a predictor f^ trained to match it on
 * the observations seen; observations are normalised by running mean/std and clipped to +-obsClip.
 * Both are ReLU MLPs with orthogonal init (gain sqrt 2 on every layer, as CleanRL's RND) on src/tensor's layers;
 * the predictor trains with src/tensor's Adam.
 */
export class RndNets {
  private readonly targetStore = new ParamStore('rnd-target');
  private readonly predictorStore = new ParamStore('rnd-predictor');
  private readonly target: Mlp;
  private readonly predictor: Mlp;
  private readonly opt: Adam;
  readonly obsStats: RunningMeanStd;
  private rng: Rng;
  private lastLoss = NaN;

  constructor(readonly s: RndSettings) {
    const { inputDim: d, hidden, latentDim: l } = s;
    this.target = new Mlp(this.targetStore, 'f', d, hidden, l, Math.SQRT2, 'relu', new Rng(s.seed));
    this.predictor = new Mlp(this.predictorStore, 'f', d, hidden, l, Math.SQRT2, 'relu', new Rng(s.seed + 1));
    this.opt = new Adam(this.predictorStore.list(), { lr: s.lr });
    this.obsStats = new RunningMeanStd(s.inputDim);
    this.rng = new Rng(s.seed + 2);
  }

  /** Normalised, clipped copy of `rows` observations (stats are seeded from the first data seen). */
  normalize(data: Float32Array, rows: number): Float32Array {
    if (this.obsStats.count < 1) this.obsStats.updateBatch(data, rows);
    return this.obsStats.normalize(data, rows, this.s.obsClip, new Float32Array(rows * this.s.inputDim));
  }

  /** Squared prediction error `||f^(x) - f(x)||^2` per row of raw observations. */
  sqError(data: Float32Array, rows: number): Float32Array {
    const x = this.normalize(data, rows);
    return tf
      .tidy(() => {
        const xt = tf.tensor2d(x, [rows, this.s.inputDim]);
        const d = tf.sub(this.predictor.apply(xt), this.target.apply(xt));
        return tf.sum(tf.square(d), 1).dataSync() as Float32Array;
      })
      .slice();
  }

  /** Update the observation statistics with `data`, then train the predictor on it. */
  train(data: Float32Array, rows: number): void {
    this.obsStats.updateBatch(data, rows);
    const x = this.normalize(data, rows);
    const dim = this.s.inputDim;
    for (let e = 0; e < this.s.epochs; e++) {
      for (const mb of minibatches(rows, this.s.batchSize, this.rng)) {
        const p = this.s.updateProportion;
        const part = p < 1 ? mb.filter(() => this.rng.random() < p) : mb;
        if (part.length === 0) continue;
        const xt = tf.tensor2d(gatherRows(x, dim, part), [part.length, dim]);
        // The target's output is a constant of the loss: computed once, outside the gradient tape.
        const tgt = tf.tidy(() => this.target.apply(xt));
        try {
          const loss = (): tf.Scalar => tf.mean(tf.sum(tf.square(tf.sub(this.predictor.apply(xt), tgt)), 1));
          this.lastLoss = this.opt.step(loss).loss;
        } finally {
          xt.dispose();
          tgt.dispose();
        }
      }
    }
  }

  /** Checkpoint state: weights, the predictor's Adam, observation statistics and the minibatch RNG. */
  saveState(): RndState {
    return {
      target: this.targetStore.snapshot(),
      predictor: trainedState(this.predictorStore, this.opt),
      obs: this.obsStats.state(),
      rng: this.rng.getState(),
    };
  }

  /** Restore `saveState()`. */
  loadState(s: unknown): void {
    const st = s as RndState;
    this.targetStore.restore(st.target);
    restoreTrained(this.predictorStore, this.opt, st.predictor);
    this.obsStats.restore(st.obs);
    this.rng = Rng.fromState(st.rng);
  }

  /** Loss of the last predictor minibatch. */
  get loss(): number {
    return this.lastLoss;
  }

  dispose(): void {
    this.targetStore.dispose();
    this.predictorStore.dispose();
  }
}
