/** Map height in cells (NetHack's ROWNO). */
export const ROWS = 21;
/** Map width in cells (NetHack's COLNO - 1). */
export const COLS = 79;
/** Number of map cells. */
export const NCELLS = ROWS * COLS;

/** Terrain kinds, one byte per cell. */
export const enum T {
  STONE = 0,
  WALL = 1,
  FLOOR = 2,
  CORRIDOR = 3,
  DOORWAY = 4,
  DOOR_BROKEN = 5,
  DOOR_OPEN = 6,
  DOOR_CLOSED = 7,
  DOOR_LOCKED = 8,
  STAIRS_UP = 9,
  STAIRS_DOWN = 10,
  FOUNTAIN = 11,
  WATER = 12,
  LAVA = 13,
  TRAP = 14,
  TREE = 15,
}

/** NetHack colour indices (CLR_*). */
export const enum C {
  BLACK = 0,
  RED = 1,
  GREEN = 2,
  BROWN = 3,
  BLUE = 4,
  MAGENTA = 5,
  CYAN = 6,
  GRAY = 7,
  NONE = 8,
  ORANGE = 9,
  BRIGHT_GREEN = 10,
  YELLOW = 11,
  BRIGHT_BLUE = 12,
  BRIGHT_MAGENTA = 13,
  BRIGHT_CYAN = 14,
  WHITE = 15,
}

/** True when the terrain blocks sight. */
export function opaque(t: number): boolean {
  return t === T.STONE || t === T.WALL || t === T.DOOR_CLOSED || t === T.DOOR_LOCKED || t === T.TREE;
}

/** True when a creature may stand on the terrain (water and lava are enterable but deadly). */
export function walkable(t: number): boolean {
  return !(t === T.STONE || t === T.WALL || t === T.DOOR_CLOSED || t === T.DOOR_LOCKED || t === T.TREE);
}

/** True for door cells, where diagonal moves are forbidden (as in NetHack). */
export function isDoor(t: number): boolean {
  return t === T.DOOR_BROKEN || t === T.DOOR_OPEN || t === T.DOOR_CLOSED || t === T.DOOR_LOCKED || t === T.DOORWAY;
}

/** Row/column deltas of the 8 compass directions in NLE order: N, E, S, W, NE, SE, SW, NW. */
export const DY = [-1, 0, 1, 0, -1, 1, 1, -1] as const;
/** Column deltas matching DY. */
export const DX = [0, 1, 0, -1, 1, 1, -1, -1] as const;
/** Compass names matching DY/DX. */
export const DIR_NAMES = [
  'north',
  'east',
  'south',
  'west',
  'northeast',
  'southeast',
  'southwest',
  'northwest',
] as const;
