import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/rng.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import type { TransitionBatch } from '../../src/stream/batch.js';
import { RewardConfigError, type RewardComponentConfig, type RewardContext, type RewardSourceInfo } from '../registry.js';
import type { RewardSource } from '../../src/core/reward.js';
import { EllipticalBonus } from './elliptical.js';
import { EpisodeTracker } from './episode-tracker.js';
import { gatherRows, minibatches, Mlp } from './mlp.js';
import { obsRows, resolveObsKey } from './obs.js';
import { numOpt, sizesOpt } from './options.js';

/**
 * E3B (Henaff et al. 2022): an encoder phi trained by inverse dynamics (predict a_t from phi(s_t),
 * phi(s_{t+1})); reward `phi(s')^T C^-1 phi(s')` where `C = lambda I + sum of phi phi^T` over the
 * episode so far, its inverse kept per env by Sherman–Morrison and reset at each episode start.
 * Defaults: ridge lambda 0.1 (paper), episodic, `rms` normalisation (the paper's recommended
 * `--reward_norm int` divides by a running std); MLP encoder hidden [128], latent 32, Adam lr 1e-3
 * (the paper uses a conv encoder on MiniHack glyphs). Discrete actions train with cross-entropy,
 * Box actions with mean squared error.
 */
export class E3BSource implements RewardSource {
  readonly kind = 'intrinsic' as const;
  private readonly key: string;
  private readonly dim: number;
  readonly latentDim: number;
  readonly ridge: number;
  private readonly encoder: Mlp;
  private readonly inverse: Mlp;
  private readonly opt: tf.Optimizer;
  private readonly bonus: EllipticalBonus[];
  private readonly tracker: EpisodeTracker;
  private readonly discrete: number | undefined;
  private readonly actDim: number;
  private readonly batchSize: number;
  private readonly epochs: number;
  private readonly rng: Rng;
  private lastLoss = NaN;

  constructor(readonly name: string, cfg: RewardComponentConfig, ctx: RewardContext) {
    const { key, dim } = resolveObsKey(cfg, ctx.observationSpace);
    this.key = key;
    this.dim = dim;
    const a = ctx.actionSpace;
    if (a instanceof Discrete) { this.discrete = a.n; this.actDim = a.n; }
    else if (a instanceof Box) { this.discrete = undefined; this.actDim = a.size; }
    else throw new RewardConfigError('source', `e3b's inverse-dynamics model needs a Discrete or Box action space, got ${a.toJSON().type}`);
    this.latentDim = numOpt(cfg, 'latentDim', 32, { int: true, min: 1 });
    this.ridge = numOpt(cfg, 'ridge', 0.1, { gt: 0 });
    const hidden = sizesOpt(cfg, 'hidden', [128]);
    const seed = numOpt(cfg, 'seed', ctx.seed + 2003, { int: true });
    this.batchSize = numOpt(cfg, 'batchSize', 256, { int: true, min: 1 });
    this.epochs = numOpt(cfg, 'epochs', 1, { int: true, min: 1 });
    this.encoder = new Mlp([dim, ...hidden, this.latentDim], seed);
    this.inverse = new Mlp([2 * this.latentDim, ...hidden, this.actDim], seed + 1);
    this.opt = tf.train.adam(numOpt(cfg, 'lr', 1e-3, { gt: 0 }));
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
    for (let e = 0; e < this.epochs; e++) {
      for (const mb of minibatches(cur.rows, this.batchSize, this.rng)) {
        const xs = gatherRows(cur.data, this.dim, mb);
        const xn = gatherRows(nxt.data, this.dim, mb);
        const ad = this.discrete === undefined ? batch.actionDim : 1;
        const av = new Float32Array(mb.length * ad);
        for (let r = 0; r < mb.length; r++) for (let j = 0; j < ad; j++) av[r * ad + j] = acts[mb[r]! * ad + j]!;
        this.lastLoss = tf.tidy(() => {
          const s = tf.tensor2d(xs, [mb.length, this.dim]);
          const s2 = tf.tensor2d(xn, [mb.length, this.dim]);
          const lossFn = (): tf.Scalar => {
            const h = tf.concat([this.encoder.apply(s), this.encoder.apply(s2)], 1) as tf.Tensor2D;
            const out = this.inverse.apply(h);
            if (this.discrete !== undefined) {
              const y = tf.oneHot(tf.tensor1d(av, 'int32'), this.discrete);
              return tf.losses.softmaxCrossEntropy(y, out) as tf.Scalar;
            }
            return tf.losses.meanSquaredError(tf.tensor2d(av, [mb.length, ad]), out) as tf.Scalar;
          };
          const l = this.opt.minimize(lossFn, true, [...this.encoder.vars, ...this.inverse.vars]);
          return l!.dataSync()[0]!;
        });
      }
    }
  }

  /** Plain state for checkpoints (weights, per-env inverses; Adam's moments restart). */
  saveState(): unknown {
    return { encoder: this.encoder.weights(), inverse: this.inverse.weights(), bonus: this.bonus.map((b) => b.state()), tracker: this.tracker.state() };
  }
  /** Restore `saveState()`. */
  loadState(s: unknown): void {
    const st = s as { encoder: number[][]; inverse: number[][]; bonus: number[][]; tracker: number[] };
    this.encoder.setWeights(st.encoder);
    this.inverse.setWeights(st.inverse);
    st.bonus.forEach((b, i) => this.bonus[i]?.restore(b));
    this.tracker.restore(st.tracker);
  }

  /** Inverse-dynamics loss of the last minibatch. */
  get loss(): number {
    return this.lastLoss;
  }

  dispose(): void {
    this.encoder.dispose();
    this.inverse.dispose();
    this.opt.dispose();
  }
}

/** Registry info of `e3b`. */
export const e3bInfo: RewardSourceInfo = {
  defaults: { normalize: 'rms', episodic: true },
  options: ['key', 'hidden', 'latentDim', 'ridge', 'lr', 'batchSize', 'epochs', 'seed'],
  description: 'E3B elliptical episodic bonus on an inverse-dynamics embedding',
};
