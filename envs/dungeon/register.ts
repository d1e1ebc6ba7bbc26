import { envRegistry, type EnvRegistry } from '../../src/core/registry.js';
import { DungeonEnv } from './env.js';
import { makeCustom } from './custom.js';
import { TASKS } from './tasks.js';

/** Where worker threads find this registrar: they import this module and call it with their env registry. */
const source = { module: import.meta.url, export: 'registerDungeon' };

/** Register every `Dungeon-*-v0` task and `Dungeon-Custom-v0` into `envs`. */
export function registerDungeon(envs: EnvRegistry = envRegistry): void {
  for (const t of TASKS) {
    envs.register({
      id: `Dungeon-${t.name}-v0`,
      entryPoint: (kwargs) => new DungeonEnv(t, kwargs),
      maxEpisodeSteps: t.maxSteps,
      kwargs: {},
      family: 'dungeon',
      source,
    });
  }
  envs.register({
    id: 'Dungeon-Custom-v0',
    entryPoint: (kwargs) => makeCustom(kwargs),
    maxEpisodeSteps: 1000,
    kwargs: {},
    family: 'dungeon',
    source,
  });
}
