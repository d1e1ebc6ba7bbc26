import type { TransitionBatch } from '../../src/stream/batch.js';
import type { RewardComponentConfig, RewardContext, RewardSourceInfo } from '../registry.js';
import type { RewardSource } from '../../src/core/reward.js';
import { obsRows, resolveObsKey } from './obs.js';
import { numOpt, sizesOpt } from './options.js';
import { RndNets, type RndSettings } from './rnd-nets.js';

/** Read the RND network options shared by `rnd` and `noveld`. */
export function rndSettings(cfg: RewardComponentConfig, ctx: RewardContext, inputDim: number): RndSettings {
  return {
    inputDim,
    hidden: sizesOpt(cfg, 'hidden', [128, 128]),
    latentDim: numOpt(cfg, 'latentDim', 64, { int: true, min: 1 }),
    lr: numOpt(cfg, 'lr', 1e-3, { gt: 0 }),
    batchSize: numOpt(cfg, 'batchSize', 256, { int: true, min: 1 }),
    epochs: numOpt(cfg, 'epochs', 1, { int: true, min: 1 }),
    updateProportion: numOpt(cfg, 'updateProportion', 1, { gt: 0, max: 1 }),
    obsClip: numOpt(cfg, 'obsClip', 5, { gt: 0 }),
    seed: numOpt(cfg, 'seed', ctx.seed + 1009, { int: true }),
  };
}

/** Option names of the RND networks. */
export const RND_OPTIONS = ['key', 'hidden', 'latentDim', 'lr', 'batchSize', 'epochs', 'updateProportion', 'obsClip', 'seed'] as const;

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

  constructor(readonly name: string, cfg: RewardComponentConfig, ctx: RewardContext) {
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
