import type { Env, StepResult } from '../env.js';
import { RxgymError } from '../env.js';
import { Wrapper } from '../wrapper.js';

/** Applies `fn` to every reward. */
export class TransformReward<O, A> extends Wrapper<O, A> {
  constructor(
    env: Env<O, A>,
    readonly fn: (reward: number) => number,
  ) {
    super(env);
    if (typeof fn !== 'function') throw new RxgymError('TransformReward: fn must be a function (reward) => newReward');
  }

  override step(action: A): StepResult<O> {
    const r = this.env.step(action);
    r.reward = this.fn(r.reward);
    return r;
  }
}
