import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { RunningMeanStd } from '../running-stats.js';
import { Wrapper } from '../wrapper.js';
import { OPTION_WORDING, defineParams, resolveParams, type ParamsOf } from '../params.js';

const PARAMS = defineParams({
  gamma: { kind: 'number', min: 0, max: 1, default: 0.99, doc: 'discount of the return whose scale is estimated' },
  epsilon: { kind: 'number', min: 0, default: 1e-8, doc: 'added to the variance before the square root' },
});

/** Options of NormalizeReward. */
export type NormalizeRewardOptions = Partial<ParamsOf<typeof PARAMS>>;

/**
 * Scales rewards by the running standard deviation of the discounted return (gamma default 0.99), without subtracting
 * a mean, as Gymnasium's NormalizeReward: reward / sqrt(var(return) + epsilon).
 */
export class NormalizeReward<O, A> extends Wrapper<O, A> {
  readonly gamma: number;
  readonly epsilon: number;
  readonly returnRms = new RunningMeanStd(1);
  /** Whether steps update the statistics. */
  updateRunningMean = true;
  private discountedReward = 0;

  constructor(env: Env<O, A>, opts: NormalizeRewardOptions = {}) {
    super(env);
    const o = resolveParams('NormalizeReward', opts, PARAMS, OPTION_WORDING);
    this.gamma = o.gamma;
    this.epsilon = o.epsilon;
  }

  override reset(opts?: ResetOptions): ResetResult<O> {
    return this.env.reset(opts);
  }

  override step(action: A): StepResult<O> {
    const r = this.env.step(action);
    this.discountedReward = this.discountedReward * this.gamma * (r.terminated ? 0 : 1) + r.reward;
    if (this.updateRunningMean) this.returnRms.updateScalar(this.discountedReward);
    r.reward = r.reward / Math.sqrt(this.returnRms.var[0]! + this.epsilon);
    return r;
  }
}
