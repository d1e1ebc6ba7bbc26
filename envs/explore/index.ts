import { register } from '../../src/core/registry.js';
import { setExplorationFactory } from '../../src/train/exploration.js';
import { ExploreArena } from './arena.js';
import { ExploreDungeon } from './dungeon.js';
import { ExploreMaze } from './maze.js';
import { explorationFor } from './metrics.js';

export { ExplorationTracker, explorationFor, exploreEvent, type ExploreMetrics } from './metrics.js';

/**
 * Register the reward-free worlds Explore-Maze-v0, Explore-Dungeon-v0 and Explore-Arena-v0, and install the
 * exploration tracker training runs use (`explore` events for the dungeon, the maze and the arena).
 */
export function registerExplore(): void {
  setExplorationFactory(explorationFor);
  register({ id: 'Explore-Maze-v0', entryPoint: (kw) => new ExploreMaze(kw), maxEpisodeSteps: 1000, kwargs: {}, family: 'explore' });
  register({ id: 'Explore-Dungeon-v0', entryPoint: (kw) => new ExploreDungeon(kw), maxEpisodeSteps: 2000, kwargs: {}, family: 'explore' });
  register({ id: 'Explore-Arena-v0', entryPoint: (kw) => new ExploreArena(kw), maxEpisodeSteps: 500, kwargs: {}, family: 'explore' });
}
