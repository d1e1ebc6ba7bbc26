import type { Info, StepResult } from '../../src/core/env.js';

/** The empty, frozen info the classic envs return: they have nothing to report per step. */
export const NO_INFO: Info = Object.freeze({});

/**
 * The infos of a task with a goal (MountainCar reaching the flag, Acrobot swinging up): `success` on every step, true
 * on the step that reaches it, so that evaluation and `rxgym bench` report a success rate (Gymnasium's info is empty;
 * this key is rxgym's, as for the dungeon and manipulation tasks).
 */
export const GOAL_INFO: readonly [Info, Info] = [Object.freeze({ success: false }), Object.freeze({ success: true })];

/** A step result reused by every step (no allocation on the hot path); `set` rewrites all five fields. */
export class ReusedStep<O> {
  private readonly r: StepResult<O>;
  constructor(obs: O) {
    this.r = { obs, reward: 0, terminated: false, truncated: false, info: NO_INFO };
  }
  /** The shared result, rewritten for this step. */
  set(obs: O, reward: number, terminated: boolean, info: Info = NO_INFO): StepResult<O> {
    const r = this.r;
    r.obs = obs;
    r.reward = reward;
    r.terminated = terminated;
    r.truncated = false;
    r.info = info;
    return r;
  }
}
