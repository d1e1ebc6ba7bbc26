import type { Rng } from '../../../src/core/rng.js';
import { ORACLE } from './bestiary.js';
import { COLS, ROWS, T } from './consts.js';
import type { LevelBuild, LevelMaker } from './game.js';
import { carveMaze } from './gen-maze.js';
import { carveRoom, joinAll, placeRooms, type Room, roomCell } from './gen-rooms.js';
import { GOLD, KEY } from './items.js';
import { Level, mkObj } from './level.js';
import { mkMonster, randomFreeCell, randomObject, spawnMonster } from './populate.js';

function centred(w: number, h: number, lit: boolean): Room {
  const lx = Math.floor((COLS - w) / 2),
    ly = Math.floor((ROWS - h) / 2);
  return { lx, ly, hx: lx + w - 1, hy: ly + h - 1, lit };
}

function pickOther(r: Room, rng: Rng, not: number): number {
  for (;;) {
    const c = roomCell(r, rng);
    if (c !== not) return c;
  }
}

/** Room-NxN: a single room; reach the down stairs. */
export function roomLevel(size: number, opts: { randomStart: boolean; dark: boolean; monsters: number }): LevelMaker {
  return (depth, rng) => {
    const lv = Level.create(depth);
    const r = centred(size, size, !opts.dark);
    carveRoom(lv, r);
    const start = opts.randomStart ? roomCell(r, rng) : r.ly * COLS + r.lx;
    const down = pickOther(r, rng, start);
    lv.set(down, T.STAIRS_DOWN);
    lv.down = down;
    lv.finishTerrain();
    for (let k = 0; k < opts.monsters; k++) spawnMonster(lv, rng, 2, -1, start);
    return { level: lv, start };
  };
}

/** MazeWalk-WxH: a maze; reach the down stairs. */
export function mazeLevel(w: number, h: number): LevelMaker {
  return (depth, rng) => {
    const lv = Level.create(depth);
    const cells = carveMaze(lv, rng, w, h);
    const start = cells[rng.int(0, cells.length)]!;
    let down = start;
    while (down === start) down = cells[rng.int(0, cells.length)]!;
    lv.set(down, T.STAIRS_DOWN);
    lv.down = down;
    lv.finishTerrain();
    return { level: lv, start };
  };
}

/** Corridor-R: R rooms joined by corridors; start in one, stairs in another. */
export function corridorLevel(nRooms: number): LevelMaker {
  return (depth, rng) => {
    const lv = Level.create(depth);
    const rooms = placeRooms(lv, rng, nRooms, () => true);
    joinAll(lv, rng, rooms, { lockedChance: 0, closedChance: 0.2 });
    const a = rng.int(0, rooms.length);
    let b = a;
    while (b === a && rooms.length > 1) b = rng.int(0, rooms.length);
    const start = roomCell(rooms[a]!, rng);
    const down = pickOther(rooms[b]!, rng, start);
    lv.set(down, T.STAIRS_DOWN);
    lv.down = down;
    lv.finishTerrain();
    return { level: lv, start };
  };
}

/** KeyRoom-S: an SxS room with a key and a locked closet holding the stairs. */
export function keyRoomLevel(size: number): LevelMaker {
  return (depth, rng) => {
    const lv = Level.create(depth);
    const w = size,
      h = Math.min(size, 15);
    const r = { ...centred(w, h, true), lx: Math.floor((COLS - w) / 2) - 2 };
    r.hx = r.lx + w - 1;
    carveRoom(lv, r);
    const cy = rng.int(r.ly, r.hy + 1);
    const closet: Room = { lx: r.hx + 2, ly: cy, hx: r.hx + 2, hy: cy, lit: true };
    for (let y = cy - 1; y <= cy + 1; y++)
      for (let x = r.hx + 1; x <= r.hx + 3; x++) {
        lv.set(y * COLS + x, T.WALL);
        lv.lit[y * COLS + x] = 1;
      }
    carveRoom(lv, closet);
    for (let y = r.ly - 1; y <= r.hy + 1; y++) lv.set(y * COLS + r.hx + 1, T.WALL);
    lv.set(cy * COLS + r.hx + 1, T.DOOR_LOCKED);
    const down = cy * COLS + r.hx + 2;
    lv.set(down, T.STAIRS_DOWN);
    lv.down = down;
    const start = roomCell(r, rng);
    const key = pickOther(r, rng, start);
    lv.addObj(key, mkObj(KEY));
    lv.finishTerrain();
    return { level: lv, start };
  };
}

/** River: a lit field split by a two-cell-wide river; boulders pushed into the water make a ford. */
export function riverLevel(): LevelMaker {
  return (depth, rng) => {
    const lv = Level.create(depth);
    const r = centred(36, 9, true);
    carveRoom(lv, r);
    const x0 = r.lx + 18;
    for (let y = r.ly; y <= r.hy; y++) {
      lv.set(y * COLS + x0, T.WATER);
      lv.set(y * COLS + x0 + 1, T.WATER);
    }
    const bridge = rng.int(r.ly + 1, r.hy);
    lv.boulder[bridge * COLS + x0 - 2] = 1;
    lv.boulder[bridge * COLS + x0 - 5] = 1;
    for (let k = 0; k < 3; k++) {
      const y = rng.int(r.ly + 1, r.hy),
        x = rng.int(r.lx + 2, x0 - 1);
      if (Math.abs(y - bridge) > 1) lv.boulder[y * COLS + x] = 1;
    }
    let start = -1;
    while (start < 0) {
      const y = rng.int(r.ly, r.hy + 1),
        x = rng.int(r.lx, r.lx + 4);
      if (!lv.boulder[y * COLS + x]) start = y * COLS + x;
    }
    const down = rng.int(r.ly, r.hy + 1) * COLS + rng.int(x0 + 4, r.hx + 1);
    lv.set(down, T.STAIRS_DOWN);
    lv.down = down;
    lv.finishTerrain();
    return { level: lv, start };
  };
}

/** Options of the multi-level NetHack-style dungeon. */
export interface DungeonOptions {
  /** Deepest level (no down stairs there). */
  maxDepth: number;
  /** Depth of the Oracle's level (0: none). */
  oracleDepth: (rng: Rng) => number;
  /** Scales the number of objects, gold and monsters (1 = NetHack-like). */
  richness: number;
}

/**
 * The multi-level dungeon: rooms and corridors, doors, stairs, fountains, traps, objects, gold, monsters, the Oracle.
 */
export function dungeonLevels(opts: DungeonOptions): { make: LevelMaker; oracleDepth: number } {
  const state = { oracleDepth: 0 };
  const make = (depth: number, rng: Rng): LevelBuild => {
    const lv = Level.create(depth);
    const fixed: Room[] = [];
    const isOracle = depth === state.oracleDepth;
    if (isOracle) fixed.push(centred(11, 9, true));
    const litChance = (g: Rng): boolean => g.int(1, 2 + depth) < 11 && g.int(0, 77) !== 0;
    const rooms = placeRooms(lv, rng, rng.int(6, 10), litChance, fixed);
    joinAll(lv, rng, rooms, { lockedChance: 0.04, closedChance: 0.25 });
    const delphi = isOracle ? rooms.find((r) => r === fixed[0]) : undefined;
    const others = rooms.filter((r) => r !== delphi);
    const upRoom = others[rng.int(0, others.length)]!;
    let downRoom = upRoom;
    while (downRoom === upRoom && others.length > 1) downRoom = others[rng.int(0, others.length)]!;
    const up = roomCell(upRoom, rng);
    lv.set(up, T.STAIRS_UP);
    lv.up = up;
    if (depth < opts.maxDepth) {
      const down = pickOther(downRoom, rng, up);
      lv.set(down, T.STAIRS_DOWN);
      lv.down = down;
    }
    if (delphi) {
      const cx = (delphi.lx + delphi.hx) >> 1,
        cy = (delphi.ly + delphi.hy) >> 1;
      for (const [dx, dy] of [
        [0, -2],
        [0, 2],
        [-3, 0],
        [3, 0],
      ] as const) {
        lv.set((cy + dy) * COLS + cx + dx, T.FOUNTAIN);
        lv.fountains++;
      }
      lv.addMonster(mkMonster(ORACLE, cy * COLS + cx, rng, { peaceful: true }));
    }
    for (const r of others) {
      if (rng.int(0, 10) === 0) {
        const c = roomCell(r, rng);
        if (lv.terrain[c] === T.FLOOR) {
          lv.set(c, T.FOUNTAIN);
          lv.fountains++;
        }
      }
      if (rng.int(0, 8) === 0) {
        const c = roomCell(r, rng);
        if (lv.terrain[c] === T.FLOOR) lv.set(c, T.TRAP);
      }
    }
    lv.finishTerrain();
    for (const r of others) {
      if (rng.random() < 0.33 * opts.richness) {
        const c = roomCell(r, rng);
        if (lv.terrain[c] === T.FLOOR) lv.addObj(c, mkObj(GOLD, 1 + rng.int(0, 10 + depth * 10)));
      }
      let n = rng.random() < 0.33 * opts.richness ? 1 : 0;
      while (n > 0 && n < 6) {
        const c = roomCell(r, rng);
        if (lv.terrain[c] === T.FLOOR) lv.addObj(c, randomObject(rng));
        n = rng.random() < 0.2 * opts.richness ? n + 1 : 0;
      }
      if (rng.random() < 0.1) {
        const c = roomCell(r, rng);
        if (lv.terrain[c] === T.FLOOR && c !== up) lv.boulder[c] = 1;
      }
    }
    const nMon = Math.round((rooms.length / 3) * opts.richness);
    for (let k = 0; k < nMon; k++) spawnMonster(lv, rng, depth, -1, up);
    lv.invalidateView();
    return { level: lv, start: up };
  };
  return {
    make: (depth, rng) => {
      if (depth === 1) state.oracleDepth = opts.oracleDepth(rng.fork());
      return make(depth, rng);
    },
    get oracleDepth() {
      return state.oracleDepth;
    },
  };
}

/** Drop `count` random food items or gold piles on a level (for the Eat and Gold tasks). */
export function scatter(lv: Level, rng: Rng, what: 'food' | 'gold', count: number, avoid: number): void {
  for (let k = 0; k < count; k++) {
    const c = randomFreeCell(lv, rng, avoid, 2);
    if (c < 0) return;
    lv.addObj(c, what === 'gold' ? mkObj(GOLD, rng.int(5, 50)) : randomObject(rng, 'food'));
  }
}
