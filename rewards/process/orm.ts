import { Rng } from '../../src/core/rng.js';
import type { RewardComponentConfig, RewardContext, RewardSource } from '../../src/core/reward.js';
import type { TransitionBatch } from '../../src/stream/batch.js';
import { ORM_PARAMS, processOptions } from './options.js';
import { Scorer } from './scorer.js';

/**
 * `orm`: a learned outcome reward model, the noisy judge of PF-PPO's setting. At the last step of an episode that
 * ended (terminated) it pays its estimate, in [0, 1], of the outcome from the final observation (0 elsewhere, and
 * for cut episodes). It learns online from verified outcomes (the env's reward at that step: 1/0, or the fraction of
 * tests passed) on a random `labelFraction` of the finished episodes; the agent never sees the true outcome.
 */
export class OutcomeRewardModel implements RewardSource {
  readonly kind = 'process' as const;
  readonly stepRange = [0, 1] as const;
  readonly episodeRange = [0, 1] as const;
  private rng: Rng;
  private labelled = 0;

  constructor(
    readonly name: string,
    readonly scorer: Scorer,
    private readonly labelFraction: number,
    seed: number,
  ) {
    this.rng = new Rng(seed);
  }

  compute(batch: TransitionBatch): Float32Array {
    const n = batch.numSteps * batch.numEnvs;
    const out = new Float32Array(n);
    const ends: number[] = [];
    for (let k = 0; k < n; k++) if (batch.terminations[k]) ends.push(k);
    if (ends.length === 0) return out;
    const obs: typeof batch.nextObs = {};
    for (const [key, a] of Object.entries(batch.nextObs)) {
      const dim = a.data.length / n;
      const data = new (a.data.constructor as new (m: number) => typeof a.data)(ends.length * dim);
      ends.forEach((k, r) => data.set(a.data.subarray(k * dim, (k + 1) * dim), r * dim));
      obs[key] = { data, shape: a.shape };
    }
    const scores = this.scorer.score(obs, ends.length);
    ends.forEach((k, r) => {
      out[k] = scores[r]!;
    });
    return out;
  }

  update(batch: TransitionBatch): void {
    const n = batch.numSteps * batch.numEnvs;
    for (let k = 0; k < n; k++) {
      if (!batch.terminations[k] || this.rng.random() >= this.labelFraction) continue;
      this.scorer.ring.push(batch.nextObs, k, Math.min(1, Math.max(0, batch.rewards[k]!)));
      this.labelled++;
    }
    this.scorer.train();
  }

  /** Verified outcomes it was trained on so far. */
  get labels(): number {
    return this.labelled;
  }

  saveState(): unknown {
    return { scorer: this.scorer.saveState(), rng: this.rng.getState(), labelled: this.labelled };
  }

  loadState(s: unknown): void {
    const o = s as { scorer: unknown; rng: Parameters<typeof Rng.fromState>[0]; labelled: number };
    this.scorer.loadState(o.scorer);
    this.rng = Rng.fromState(o.rng);
    this.labelled = o.labelled;
  }

  dispose(): void {
    this.scorer.dispose();
  }
}

/** Build an `orm` component's source. */
export function createOrm(cfg: RewardComponentConfig, ctx: RewardContext): RewardSource {
  const o = processOptions(cfg, ORM_PARAMS);
  const settings = {
    hidden: o.hidden,
    lr: o.lr,
    batchSize: o.batchSize,
    updates: o.updates,
    capacity: o.capacity,
    seed: ctx.seed + 5279,
  };
  const scorer = new Scorer('orm', ctx.observationSpace, ctx.capabilities ?? {}, settings);
  return new OutcomeRewardModel(
    typeof cfg.name === 'string' ? cfg.name : 'orm',
    scorer,
    o.labelFraction,
    ctx.seed + 5281,
  );
}
