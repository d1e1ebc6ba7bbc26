import { register } from '../../src/core/registry.js';
import { DungeonEnv } from './env.js';
import { makeCustom } from './custom.js';
import { TASKS } from './tasks.js';

/** Register every `Dungeon-*-v0` task and `Dungeon-Custom-v0`. */
export function registerDungeon(): void {
  for (const t of TASKS) {
    register({
      id: `Dungeon-${t.name}-v0`,
      entryPoint: (kwargs) => new DungeonEnv(t, kwargs),
      maxEpisodeSteps: t.maxSteps,
      kwargs: {},
      family: 'dungeon',
    });
  }
  register({ id: 'Dungeon-Custom-v0', entryPoint: (kwargs) => makeCustom(kwargs), maxEpisodeSteps: 1000, kwargs: {}, family: 'dungeon' });
}
