import type { TransitionBatch } from '../../src/stream/batch.js';
import type { RewardComponentConfig, RewardContext, RewardSourceInfo } from '../registry.js';
import type { RewardSource } from '../../src/core/reward.js';
import { obsRows, resolveObsKey } from './obs.js';
import { defineParams } from '../../src/core/params.js';
import { sourceOptions } from '../options.js';
import { RndNets, type RndSettings } from './rnd-nets.js';

const int = (min: number, dflt: number, doc: string) =>
  ({ kind: 'number', integer: true, min, default: dflt, doc }) as const;

/** The RND networks' options, shared by `rnd` and `noveld` (seed: the run's seed + 1009 when absent). */
const RND_PARAMS = defineParams({
  hidden: { kind: 'numbers', integer: true, positive: true, default: [128, 128], doc: 'hidden layer sizes' },
  latentDim: int(1, 64, 'size of the random features'),
  lr: { kind: 'number', positive: true, default: 1e-3, doc: "the predictor's Adam learning rate" },
  batchSize: int(1, 256, 'predictor minibatch size'),
  epochs: int(1, 1, 'predictor epochs per batch'),
  updateProportion: { kind: 'number', positive: true, max: 1, default: 1, doc: 'share of a batch the predictor fits' },
  obsClip: { kind: 'number', positive: true, default: 5, doc: 'normalised observations are clipped to +-obsClip' },
  seed: { kind: 'number', integer: true, optional: true, doc: 'seed of the networks' },
});

/** Read the RND network options shared by `rnd` and `noveld`. */
export function rndSettings(cfg: RewardComponentConfig, ctx: RewardContext, inputDim: number): RndSettings {
  const o = sourceOptions(cfg, RND_PARAMS);
  return { inputDim, ...o, seed: o.seed ?? ctx.seed + 1009 };
}

/** Option names of the RND networks. */
export const RND_OPTIONS = ['key', ...Object.keys(RND_PARAMS)];

/**
 * Random Network Distillation (Burda et al. 2018): reward `mean((f^(s') - f(s'))^2)` over the latent
 * dims, with observations normalised by running mean/std and clipped to +-5. Defaults follow the
 * paper where it applies (obs clip 5, rms reward scaling by the running std of the discounted
 * intrinsic return with gamma 0.99, non-episodic, proportion of experience for the predictor 1.0);
 * the networks are MLPs (hidden [128, 128], latent 64, Adam lr 1e-3 as RLeXplore) instead of the
 * paper's Atari conv nets, to fit CPU budgets.
 */
export class RndSource implements RewardSource {
  readonly kind = 'intrinsic' as const;
  private readonly key: string;
  readonly nets: RndNets;

  constructor(
    readonly name: string,
    cfg: RewardComponentConfig,
    ctx: RewardContext,
  ) {
    const { key, dim } = resolveObsKey(cfg, ctx.observationSpace);
    this.key = key;
    this.nets = new RndNets(rndSettings(cfg, ctx, dim));
  }

  compute(batch: TransitionBatch): Float32Array {
    const { data, rows } = obsRows(batch.nextObs, this.key);
    const e = this.nets.sqError(data, rows);
    const out = new Float32Array(rows);
    const L = this.nets.s.latentDim;
    for (let k = 0; k < rows; k++) out[k] = e[k]! / L;
    return out;
  }

  update(batch: TransitionBatch): void {
    const { data, rows } = obsRows(batch.nextObs, this.key);
    this.nets.train(data, rows);
  }

  saveState(): unknown {
    return this.nets.saveState();
  }
  loadState(s: unknown): void {
    this.nets.loadState(s);
  }

  dispose(): void {
    this.nets.dispose();
  }
}

/** Registry info of `rnd`. */
export const rndInfo: RewardSourceInfo = {
  defaults: { normalize: 'rms', episodic: false },
  options: RND_OPTIONS,
  description: 'Random Network Distillation prediction error (non-episodic, rms-scaled)',
};
