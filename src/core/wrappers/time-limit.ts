import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { RxgymError } from '../env.js';
import { Wrapper } from '../wrapper.js';

/** Truncates an episode after `maxEpisodeSteps` steps (`truncated: true`), as Gymnasium's TimeLimit. */
export class TimeLimit<O, A> extends Wrapper<O, A> {
  private elapsed = 0;
  constructor(
    env: Env<O, A>,
    readonly maxEpisodeSteps: number,
  ) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new RxgymError(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${String(maxEpisodeSteps)}`);
    }
  }
  override reset(opts?: ResetOptions): ResetResult<O> {
    this.elapsed = 0;
    return this.env.reset(opts);
  }
  override step(action: A): StepResult<O> {
    const r = this.env.step(action);
    this.elapsed++;
    if (this.elapsed >= this.maxEpisodeSteps) r.truncated = true;
    return r;
  }
}
