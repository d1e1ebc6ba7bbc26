import type { Info, StepResult } from '../../src/core/env.js';

/** The empty, frozen info the classic envs return: they have nothing to report per step. */
export const NO_INFO: Info = Object.freeze({});

/** A step result reused by every step (no allocation on the hot path); `set` rewrites all five fields. */
export class ReusedStep<O> {
  private readonly r: StepResult<O>;
  constructor(obs: O) {
    this.r = { obs, reward: 0, terminated: false, truncated: false, info: NO_INFO };
  }
  /** The shared result, rewritten for this step. */
  set(obs: O, reward: number, terminated: boolean): StepResult<O> {
    const r = this.r;
    r.obs = obs;
    r.reward = reward;
    r.terminated = terminated;
    r.truncated = false;
    r.info = NO_INFO;
    return r;
  }
}
