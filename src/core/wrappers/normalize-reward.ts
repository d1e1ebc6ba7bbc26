import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { RunningMeanStd } from '../running-stats.js';
import { Wrapper } from '../wrapper.js';
import { checkOptions, numOption } from './options.js';

/** Options of NormalizeReward. */
export interface NormalizeRewardOptions { gamma?: number; epsilon?: number }

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
    checkOptions('NormalizeReward', opts, ['gamma', 'epsilon']);
    this.gamma = numOption('NormalizeReward', 'gamma', opts.gamma, 0.99, 0, 1);
    this.epsilon = numOption('NormalizeReward', 'epsilon', opts.epsilon, 1e-8, 0);
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
