import { C } from './consts.js';
import { MONSTERS } from './bestiary.js';
import { OBJECTS } from './items.js';

/**
 * Integer glyph ids (int16), one per thing that can be drawn in a cell:
 * 0 blank (unexplored or solid rock), then map features, objects, monsters, pets, the player.
 */
export const enum G {
  BLANK = 0,
  VWALL = 1,
  HWALL = 2,
  DOORWAY = 3,
  DOOR_BROKEN = 4,
  DOOR_OPEN_V = 5,
  DOOR_OPEN_H = 6,
  DOOR_CLOSED = 7,
  FLOOR = 8,
  DARK_FLOOR = 9,
  CORRIDOR = 10,
  LIT_CORRIDOR = 11,
  STAIRS_UP = 12,
  STAIRS_DOWN = 13,
  FOUNTAIN = 14,
  WATER = 15,
  LAVA = 16,
  TRAP = 17,
  TREE = 18,
}
const CMAP: Array<[string, number, string]> = [
  [' ', C.BLACK, 'dark part of a room or unexplored'],
  ['|', C.GRAY, 'wall'],
  ['-', C.GRAY, 'wall'],
  ['.', C.GRAY, 'doorway'],
  ['.', C.GRAY, 'broken door'],
  ['-', C.BROWN, 'open door'],
  ['|', C.BROWN, 'open door'],
  ['+', C.BROWN, 'closed door'],
  ['.', C.GRAY, 'floor of a room'],
  ['.', C.BLACK, 'dark part of a room'],
  ['#', C.GRAY, 'corridor'],
  ['#', C.WHITE, 'lit corridor'],
  ['<', C.GRAY, 'staircase up'],
  ['>', C.GRAY, 'staircase down'],
  ['{', C.BLUE, 'fountain'],
  ['}', C.BLUE, 'water'],
  ['}', C.RED, 'molten lava'],
  ['^', C.MAGENTA, 'trap'],
  ['#', C.GREEN, 'tree'],
];
/** First object glyph: OBJ_OFF + object id. */
export const OBJ_OFF = 32;
/** First monster glyph: MON_OFF + monster id. */
export const MON_OFF = OBJ_OFF + OBJECTS.length;
/** First pet glyph: PET_OFF + monster id. */
export const PET_OFF = MON_OFF + MONSTERS.length;
/** The player's glyph. */
export const PLAYER_GLYPH = PET_OFF + MONSTERS.length;
/** Number of glyph ids (observation bound is NUM_GLYPHS - 1). */
export const NUM_GLYPHS = PLAYER_GLYPH + 1;

/** Display character of each glyph. */
export const GLYPH_CHAR = new Uint8Array(NUM_GLYPHS);
/** Display colour (NetHack CLR_*) of each glyph. */
export const GLYPH_COLOR = new Uint8Array(NUM_GLYPHS);
/** A short description of each glyph, for `state()` and docs. */
export const GLYPH_NAME: string[] = new Array<string>(NUM_GLYPHS).fill('');

GLYPH_CHAR.fill(32);
CMAP.forEach(([ch, col, name], i) => {
  GLYPH_CHAR[i] = ch.charCodeAt(0);
  GLYPH_COLOR[i] = col;
  GLYPH_NAME[i] = name;
});
OBJECTS.forEach((o, i) => {
  GLYPH_CHAR[OBJ_OFF + i] = o.ch.charCodeAt(0);
  GLYPH_COLOR[OBJ_OFF + i] = o.color;
  GLYPH_NAME[OBJ_OFF + i] = o.name;
});
MONSTERS.forEach((m, i) => {
  GLYPH_CHAR[MON_OFF + i] = m.ch.charCodeAt(0);
  GLYPH_COLOR[MON_OFF + i] = m.color;
  GLYPH_NAME[MON_OFF + i] = m.name;
  GLYPH_CHAR[PET_OFF + i] = m.ch.charCodeAt(0);
  GLYPH_COLOR[PET_OFF + i] = m.color;
  GLYPH_NAME[PET_OFF + i] = `tame ${m.name}`;
});
GLYPH_CHAR[PLAYER_GLYPH] = 64;
GLYPH_COLOR[PLAYER_GLYPH] = C.WHITE;
GLYPH_NAME[PLAYER_GLYPH] = 'you';
