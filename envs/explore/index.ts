import { envRegistry, type EnvRegistry } from '../../src/core/registry.js';
import { ExploreArena } from './arena.js';
import { ExploreDungeon } from './dungeon.js';
import { ExploreMaze } from './maze.js';

/** Where worker threads find this registrar: they import this module and call it with their env registry. */
const source = { module: import.meta.url, export: 'registerExplore' };

/** Register the reward-free worlds Explore-Maze-v0, Explore-Dungeon-v0 and Explore-Arena-v0 into `envs`. */
export function registerExplore(envs: EnvRegistry = envRegistry): void {
  const family = 'explore';
  envs.register({
    id: 'Explore-Maze-v0',
    entryPoint: (kw) => new ExploreMaze(kw),
    maxEpisodeSteps: 1000,
    family,
    source,
  });
  envs.register({
    id: 'Explore-Dungeon-v0',
    entryPoint: (kw) => new ExploreDungeon(kw),
    maxEpisodeSteps: 2000,
    family,
    source,
  });
  envs.register({
    id: 'Explore-Arena-v0',
    entryPoint: (kw) => new ExploreArena(kw),
    maxEpisodeSteps: 500,
    family,
    source,
  });
}
