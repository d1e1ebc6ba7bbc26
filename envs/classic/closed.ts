import { RxgymError } from '../../src/core/env.js';

/** The error of `reset()` or `step()` on a closed env, worded as the MuJoCo and dungeon envs word it. */
export function closedError(id: string): RxgymError {
  return new RxgymError(`${id}: env is closed; create a new one with make()`);
}
