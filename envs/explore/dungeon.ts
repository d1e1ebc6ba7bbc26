import type { StepResult } from '../../src/core/env.js';
import { RxgymError } from '../../src/core/env.js';
import { Wrapper } from '../../src/core/wrapper.js';
import { DungeonEnv } from '../dungeon/env.js';
import type { DungeonObs } from '../dungeon/obs.js';
import { TASKS } from '../dungeon/tasks.js';

/**
 * Explore-Dungeon-v0: the multi-level dungeon of `Dungeon-Scout-v0` (12 levels, pet, monsters, items,
 * every action) with the reward removed: every step pays 0 and nothing is a success. Messages and
 * observations are the dungeon's own; kwargs are the dungeon's (observationKeys, cropSize, renderMode).
 */
export class ExploreDungeon extends Wrapper<DungeonObs, number> {
  constructor(kwargs: Record<string, unknown> = {}) {
    const scout = TASKS.find((t) => t.name === 'Scout');
    if (!scout) throw new RxgymError('Explore-Dungeon-v0: the dungeon task "Scout" it builds on is missing');
    super(new DungeonEnv({ ...scout, name: 'Explore' }, kwargs));
  }

  override step(action: number): StepResult<DungeonObs> {
    const r = this.env.step(action);
    r.reward = 0;
    r.info.success = false;
    return r;
  }
}
