import type { Rng } from '../../src/core/rng.js';
import { ALL_ACTIONS, NAV_ACTIONS, Act } from './engine/actions.js';
import type { GameSetup, LevelMaker } from './engine/game.js';
import {
  corridorLevel,
  dungeonLevels,
  keyRoomLevel,
  mazeLevel,
  riverLevel,
  roomLevel,
  scatter,
} from './engine/levels.js';

/** How a task pays: the sparse goals and the NLE-style dense measures. */
export type RewardKind = 'stairs' | 'descend' | 'depth' | 'gold' | 'eat' | 'scout' | 'score' | 'oracle' | 'custom';

/** A registered dungeon task. */
export interface TaskSpec {
  /** The id is `Dungeon-${name}-v0`. */
  name: string;
  /** Engine action codes exposed as Discrete(actions.length), in this order. */
  actions: readonly number[];
  maxSteps: number;
  reward: RewardKind;
  /** Depth to reach for the 'depth' reward. */
  targetDepth?: number;
  /** A fresh game setup for one episode. */
  setup(): GameSetup;
  /** One-line description for `rxgym envs` and the docs. */
  doc: string;
}

const SKILL_NAV = [...NAV_ACTIONS, Act.PICKUP, Act.APPLY, Act.OPEN, Act.KICK];

function simple(make: LevelMaker, extra: Partial<GameSetup> = {}): () => GameSetup {
  return () => ({ makeLevel: make, pet: false, spawnRate: 0, kit: false, ...extra });
}

function dungeon(opts: {
  maxDepth: number;
  oracle: boolean;
  richness: number;
  decorate?: (lv: import('./engine/level.js').Level, rng: Rng, start: number) => void;
}): () => GameSetup {
  return () => {
    const d = dungeonLevels({
      maxDepth: opts.maxDepth,
      richness: opts.richness,
      oracleDepth: (rng) => (opts.oracle ? rng.int(5, 10) : 0),
    });
    const make: LevelMaker = (depth, rng) => {
      const b = d.make(depth, rng);
      opts.decorate?.(b.level, rng, b.start);
      return b;
    };
    return { makeLevel: make, pet: true, spawnRate: 70, kit: true };
  };
}

/** Every dungeon task. */
export const TASKS: readonly TaskSpec[] = [
  ...([5, 15] as const).flatMap((s): TaskSpec[] => [
    {
      name: `Room-${s}x${s}`,
      actions: NAV_ACTIONS,
      maxSteps: s === 5 ? 100 : 300,
      reward: 'stairs',
      setup: simple(roomLevel(s, { randomStart: false, dark: false, monsters: 0 })),
      doc: `a lit ${s}x${s} room; start in the corner, reach the down stairs`,
    },
    {
      name: `Room-Random-${s}x${s}`,
      actions: NAV_ACTIONS,
      maxSteps: s === 5 ? 100 : 300,
      reward: 'stairs',
      setup: simple(roomLevel(s, { randomStart: true, dark: false, monsters: 0 })),
      doc: `a lit ${s}x${s} room; random start and stairs`,
    },
    {
      name: `Room-Dark-${s}x${s}`,
      actions: NAV_ACTIONS,
      maxSteps: s === 5 ? 100 : 300,
      reward: 'stairs',
      setup: simple(roomLevel(s, { randomStart: true, dark: true, monsters: 0 })),
      doc: `a dark ${s}x${s} room: only adjacent cells are seen`,
    },
    {
      name: `Room-Monster-${s}x${s}`,
      actions: NAV_ACTIONS,
      maxSteps: s === 5 ? 100 : 300,
      reward: 'stairs',
      setup: simple(roomLevel(s, { randomStart: true, dark: false, monsters: s === 5 ? 1 : 3 })),
      doc: `a lit ${s}x${s} room with hostile monsters (attack by moving into them)`,
    },
  ]),
  {
    name: 'Corridor-R3',
    actions: NAV_ACTIONS,
    maxSteps: 1000,
    reward: 'stairs',
    setup: simple(corridorLevel(3)),
    doc: '3 rooms linked by dark corridors',
  },
  {
    name: 'Corridor-R5',
    actions: NAV_ACTIONS,
    maxSteps: 1000,
    reward: 'stairs',
    setup: simple(corridorLevel(5)),
    doc: '5 rooms linked by dark corridors',
  },
  {
    name: 'KeyRoom-S5',
    actions: SKILL_NAV,
    maxSteps: 200,
    reward: 'stairs',
    setup: simple(keyRoomLevel(5)),
    doc: 'pick up the key (`pickup`), unlock the closet door (`apply`), reach the stairs',
  },
  {
    name: 'KeyRoom-S15',
    actions: SKILL_NAV,
    maxSteps: 400,
    reward: 'stairs',
    setup: simple(keyRoomLevel(15)),
    doc: 'as KeyRoom-S5 in a 15x15 room',
  },
  {
    name: 'MazeWalk-9x9',
    actions: NAV_ACTIONS,
    maxSteps: 1000,
    reward: 'stairs',
    setup: simple(mazeLevel(9, 9)),
    doc: 'a 9x9 maze',
  },
  {
    name: 'MazeWalk-15x15',
    actions: NAV_ACTIONS,
    maxSteps: 1000,
    reward: 'stairs',
    setup: simple(mazeLevel(15, 15)),
    doc: 'a 15x15 maze',
  },
  {
    name: 'MazeWalk-45x19',
    actions: NAV_ACTIONS,
    maxSteps: 2000,
    reward: 'stairs',
    setup: simple(mazeLevel(45, 19)),
    doc: 'a 45x19 maze',
  },
  {
    name: 'River',
    actions: NAV_ACTIONS,
    maxSteps: 400,
    reward: 'stairs',
    setup: simple(riverLevel()),
    doc: 'push boulders into the river to cross it, reach the stairs',
  },
  {
    name: 'Eat',
    actions: ALL_ACTIONS,
    maxSteps: 5000,
    reward: 'eat',
    setup: dungeon({
      maxDepth: 12,
      oracle: true,
      richness: 1,
      decorate: (lv, rng, s) => scatter(lv, rng, 'food', 4, s),
    }),
    doc: 'the dungeon; reward = nutrition gained by eating',
  },
  {
    name: 'Gold',
    actions: ALL_ACTIONS,
    maxSteps: 5000,
    reward: 'gold',
    setup: dungeon({
      maxDepth: 12,
      oracle: true,
      richness: 1,
      decorate: (lv, rng, s) => scatter(lv, rng, 'gold', 4, s),
    }),
    doc: 'the dungeon; reward = change in gold',
  },
  {
    name: 'Scout',
    actions: ALL_ACTIONS,
    maxSteps: 5000,
    reward: 'scout',
    setup: dungeon({ maxDepth: 12, oracle: true, richness: 1 }),
    doc: 'the dungeon; reward = newly seen map cells',
  },
  {
    name: 'Score',
    actions: ALL_ACTIONS,
    maxSteps: 5000,
    reward: 'score',
    setup: dungeon({ maxDepth: 12, oracle: true, richness: 1.5 }),
    doc: 'the dungeon; reward = change in the in-game score',
  },
  {
    name: 'Staircase',
    actions: ALL_ACTIONS,
    maxSteps: 5000,
    reward: 'descend',
    setup: dungeon({ maxDepth: 12, oracle: true, richness: 1 }),
    doc: 'the dungeon; +1 for going down the stairs once',
  },
  {
    name: 'StaircaseLvl3',
    actions: ALL_ACTIONS,
    maxSteps: 5000,
    reward: 'depth',
    targetDepth: 3,
    setup: dungeon({ maxDepth: 12, oracle: true, richness: 1 }),
    doc: 'the dungeon; +1 on reaching depth 3',
  },
  {
    name: 'StaircaseLvl4',
    actions: ALL_ACTIONS,
    maxSteps: 5000,
    reward: 'depth',
    targetDepth: 4,
    setup: dungeon({ maxDepth: 12, oracle: true, richness: 1 }),
    doc: 'the dungeon; +1 on reaching depth 4',
  },
  {
    name: 'Oracle',
    actions: ALL_ACTIONS,
    maxSteps: 10000,
    reward: 'oracle',
    setup: dungeon({ maxDepth: 12, oracle: true, richness: 1 }),
    doc: 'the dungeon; +1 for standing next to the peaceful Oracle on depth 5-9',
  },
];
