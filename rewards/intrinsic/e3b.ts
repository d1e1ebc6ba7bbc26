import * as tf from '@tensorflow/tfjs';
import { Rng, type RngState } from '../../src/core/rng.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import type { TransitionBatch } from '../../src/stream/batch.js';
import {
  RewardConfigError,
  type RewardComponentConfig,
  type RewardContext,
  type RewardSourceInfo,
} from '../registry.js';
import type { RewardSource } from '../../src/core/reward.js';
import { EllipticalBonus } from './elliptical.js';
import { EpisodeTracker } from './episode-tracker.js';
import { Adam, restoreTrained, trainedState, type TrainedState } from '../../src/tensor/adam.js';
import { Mlp } from '../../src/tensor/network.js';
import { ParamStore } from '../../src/tensor/params.js';
import { gatherRows, minibatches } from './minibatch.js';
import { obsRows, resolveObsKey } from './obs.js';
import { defineParams } from '../../src/core/params.js';
import { sourceOptions } from '../options.js';

/** The checkpoint of an E3B source. */
interface E3BState {
  nets: TrainedState;
  bonus: number[][];
  tracker: number[];
  rng: RngState;
}

const int = (min: number, dflt: number, doc: string) =>
  ({ kind: 'number', integer: true, min, default: dflt, doc }) as const;

/** E3B's options (seed: the run's seed + 2003 when absent). */
const E3B_PARAMS = defineParams({
  hidden: { kind: 'numbers', integer: true, positive: true, default: [128], doc: 'hidden layer sizes' },
  latentDim: int(1, 32, 'size of the embedding phi'),
  ridge: { kind: 'number', positive: true, default: 0.1, doc: 'ridge of the inverse covariance, lambda I' },
  lr: { kind: 'number', positive: true, default: 1e-3, doc: "the inverse-dynamics model's Adam learning rate" },
  batchSize: int(1, 256, 'inverse-dynamics minibatch size'),
  epochs: int(1, 1, 'inverse-dynamics epochs per batch'),
  seed: { kind: 'number', integer: true, optional: true, doc: 'seed of the networks' },
});

/**
 * E3B (Henaff et al. 2022): an encoder phi trained by inverse dynamics (predict a_t from phi(s_t),
 * phi(s_{t+1})); reward `phi(s')^T C^-1 phi(s')` where `C = lambda I + sum of phi phi^T` over the
 * episode so far, its inverse kept per env by Sherman–Morrison and reset at each episode start.
 * Defaults: ridge lambda 0.1 (paper), episodic, `rms` normalisation (the paper's recommended
 * `--reward_norm int` divides by a running std); ReLU MLP encoder hidden [128], latent 32, Adam lr 1e-3
 * (the paper uses a conv encoder on MiniHack glyphs), on src/tensor's layers (orthogonal init) and Adam.
 * Discrete actions train with cross-entropy, Box actions with mean squared error.
 */
export class E3BSource implements RewardSource {
  readonly kind = 'intrinsic' as const;
  private readonly key: string;
  private readonly dim: number;
  readonly latentDim: number;
  readonly ridge: number;
  private readonly store = new ParamStore('e3b');
  private readonly encoder: Mlp;
  private readonly inverse: Mlp;
  private readonly opt: Adam;
  private readonly bonus: EllipticalBonus[];
  private readonly tracker: EpisodeTracker;
  private readonly discrete: number | undefined;
  private readonly actDim: number;
  private readonly batchSize: number;
  private readonly epochs: number;
  private rng: Rng;
  private lastLoss = NaN;

  constructor(
    readonly name: string,
    cfg: RewardComponentConfig,
    ctx: RewardContext,
  ) {
    const { key, dim } = resolveObsKey(cfg, ctx.observationSpace);
    this.key = key;
    this.dim = dim;
    const a = ctx.actionSpace;
    if (a instanceof Discrete) {
      this.discrete = a.n;
      this.actDim = a.n;
    } else if (a instanceof Box) {
      this.discrete = undefined;
      this.actDim = a.size;
    } else
      throw new RewardConfigError(
        'source',
        `e3b's inverse-dynamics model needs a Discrete or Box action space, got ${a.toJSON().type}`,
      );
    const o = sourceOptions(cfg, E3B_PARAMS);
    this.latentDim = o.latentDim;
    this.ridge = o.ridge;
    const hidden = o.hidden;
    const seed = o.seed ?? ctx.seed + 2003;
    this.batchSize = o.batchSize;
    this.epochs = o.epochs;
    const latent = this.latentDim;
    this.encoder = new Mlp(this.store, 'encoder', dim, hidden, latent, 1, 'relu', new Rng(seed));
    this.inverse = new Mlp(this.store, 'inverse', 2 * latent, hidden, this.actDim, 1, 'relu', new Rng(seed + 1));
    this.opt = new Adam(this.store.list(), { lr: o.lr });
    this.bonus = Array.from({ length: ctx.numEnvs }, () => new EllipticalBonus(this.latentDim, this.ridge));
    this.tracker = new EpisodeTracker(ctx.numEnvs);
    this.rng = new Rng(seed + 2);
  }

  /** Embeddings phi of `rows` raw observations, `rows x latentDim`. */
  embed(data: Float32Array, rows: number): Float32Array {
    return tf.tidy(() => this.encoder.apply(tf.tensor2d(data, [rows, this.dim])).dataSync() as Float32Array).slice();
  }

  compute(batch: TransitionBatch): Float32Array {
    const { data, rows } = obsRows(batch.nextObs, this.key);
    const phi = this.embed(data, rows);
    const out = new Float32Array(rows);
    for (let k = 0; k < rows; k++) {
      const b = this.bonus[k % batch.numEnvs]!;
      if (this.tracker.enter(batch, k)) b.reset();
      out[k] = b.step(phi, k * this.latentDim);
    }
    return out;
  }

  update(batch: TransitionBatch): void {
    const cur = obsRows(batch.obs, this.key);
    const nxt = obsRows(batch.nextObs, this.key);
    const acts = batch.actions;
    const ad = this.discrete === undefined ? batch.actionDim : 1;
    for (let e = 0; e < this.epochs; e++) {
      for (const mb of minibatches(cur.rows, this.batchSize, this.rng)) {
        const B = mb.length;
        // s_t and s_t+1 go through the encoder as one [2B, dim] batch: one product per layer instead of two.
        const both = new Float32Array(2 * B * this.dim);
        both.set(gatherRows(cur.data, this.dim, mb));
        both.set(gatherRows(nxt.data, this.dim, mb), B * this.dim);
        const av = new Float32Array(B * ad);
        for (let r = 0; r < B; r++) for (let j = 0; j < ad; j++) av[r * ad + j] = acts[mb[r]! * ad + j]!;
        const x = tf.tensor2d(both, [2 * B, this.dim]);
        const y =
          this.discrete !== undefined
            ? tf.tidy(() => tf.oneHot(tf.tensor1d(av, 'int32'), this.discrete!))
            : tf.tensor2d(av, [B, ad]);
        try {
          this.lastLoss = this.opt.step(() => {
            const z = this.encoder.apply(x);
            const h = tf.concat([tf.slice(z, [0, 0], [B, -1]), tf.slice(z, [B, 0], [B, -1])], 1);
            const out = this.inverse.apply(h);
            const loss =
              this.discrete !== undefined ? tf.losses.softmaxCrossEntropy(y, out) : tf.losses.meanSquaredError(y, out);
            return loss as tf.Scalar;
          }).loss;
        } finally {
          x.dispose();
          y.dispose();
        }
      }
    }
  }

  /** Checkpoint state: weights and Adam of both networks, per-env inverses, episode ids, the minibatch RNG. */
  saveState(): E3BState {
    return {
      nets: trainedState(this.store, this.opt),
      bonus: this.bonus.map((b) => b.state()),
      tracker: this.tracker.state(),
      rng: this.rng.getState(),
    };
  }
  /** Restore `saveState()`. */
  loadState(s: unknown): void {
    const st = s as E3BState;
    restoreTrained(this.store, this.opt, st.nets);
    st.bonus.forEach((b, i) => this.bonus[i]?.restore(b));
    this.tracker.restore(st.tracker);
    this.rng = Rng.fromState(st.rng);
  }

  /** Inverse-dynamics loss of the last minibatch. */
  get loss(): number {
    return this.lastLoss;
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** Registry info of `e3b`. */
export const e3bInfo: RewardSourceInfo = {
  defaults: { normalize: 'rms', episodic: true },
  options: ['key', ...Object.keys(E3B_PARAMS)],
  description: 'E3B elliptical episodic bonus on an inverse-dynamics embedding',
};
