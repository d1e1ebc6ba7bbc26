import { C } from './consts.js';

/** Object classes, with NetHack's display characters. */
export type ObjClass = 'gold' | 'food' | 'tool' | 'potion' | 'scroll' | 'wand' | 'weapon' | 'armor' | 'amulet' | 'rock';

/** NLE object class numbers (inv_oclasses). */
export const OCLASS_NUM: Record<ObjClass, number> = {
  weapon: 2,
  armor: 3,
  amulet: 5,
  tool: 6,
  food: 7,
  potion: 8,
  scroll: 9,
  wand: 11,
  gold: 12,
  rock: 14,
};

/** An object kind. */
export interface ObjKind {
  name: string;
  cls: ObjClass;
  ch: string;
  color: number;
  /** Food: nutrition. */
  nutrition?: number;
  /** Weapon: damage dice. */
  dmg?: [number, number];
  /** Armour: AC bonus and slot. */
  ac?: number;
  slot?: 'body' | 'head' | 'shield';
  /** Relative frequency within its class for random generation. */
  freq: number;
}

/** All object kinds; indices are stable object ids. */
export const OBJECTS: readonly ObjKind[] = [
  { name: 'gold piece', cls: 'gold', ch: '$', color: C.YELLOW, freq: 0 },
  { name: 'food ration', cls: 'food', ch: '%', color: C.BROWN, nutrition: 800, freq: 4 },
  { name: 'apple', cls: 'food', ch: '%', color: C.RED, nutrition: 50, freq: 3 },
  { name: 'carrot', cls: 'food', ch: '%', color: C.ORANGE, nutrition: 50, freq: 3 },
  { name: 'fortune cookie', cls: 'food', ch: '%', color: C.YELLOW, nutrition: 40, freq: 2 },
  { name: 'lembas wafer', cls: 'food', ch: '%', color: C.WHITE, nutrition: 800, freq: 1 },
  { name: 'corpse', cls: 'food', ch: '%', color: C.RED, nutrition: 0, freq: 0 },
  { name: 'skeleton key', cls: 'tool', ch: '(', color: C.GRAY, freq: 0 },
  { name: 'potion of healing', cls: 'potion', ch: '!', color: C.MAGENTA, freq: 4 },
  { name: 'potion of extra healing', cls: 'potion', ch: '!', color: C.BRIGHT_MAGENTA, freq: 2 },
  { name: 'potion of gain level', cls: 'potion', ch: '!', color: C.CYAN, freq: 1 },
  { name: 'potion of booze', cls: 'potion', ch: '!', color: C.BROWN, freq: 2 },
  { name: 'potion of sickness', cls: 'potion', ch: '!', color: C.GREEN, freq: 2 },
  { name: 'potion of water', cls: 'potion', ch: '!', color: C.BRIGHT_BLUE, freq: 2 },
  { name: 'scroll of light', cls: 'scroll', ch: '?', color: C.WHITE, freq: 3 },
  { name: 'scroll of teleportation', cls: 'scroll', ch: '?', color: C.WHITE, freq: 2 },
  { name: 'scroll of magic mapping', cls: 'scroll', ch: '?', color: C.WHITE, freq: 2 },
  { name: 'scroll of enchant weapon', cls: 'scroll', ch: '?', color: C.WHITE, freq: 2 },
  { name: 'scroll of enchant armor', cls: 'scroll', ch: '?', color: C.WHITE, freq: 2 },
  { name: 'wand of striking', cls: 'wand', ch: '/', color: C.BROWN, freq: 2 },
  { name: 'wand of sleep', cls: 'wand', ch: '/', color: C.BLUE, freq: 1 },
  { name: 'wand of digging', cls: 'wand', ch: '/', color: C.GRAY, freq: 1 },
  { name: 'wand of light', cls: 'wand', ch: '/', color: C.YELLOW, freq: 1 },
  { name: 'dagger', cls: 'weapon', ch: ')', color: C.CYAN, dmg: [1, 4], freq: 3 },
  { name: 'short sword', cls: 'weapon', ch: ')', color: C.CYAN, dmg: [1, 6], freq: 2 },
  { name: 'long sword', cls: 'weapon', ch: ')', color: C.CYAN, dmg: [1, 8], freq: 1 },
  { name: 'mace', cls: 'weapon', ch: ')', color: C.CYAN, dmg: [1, 6], freq: 2 },
  { name: 'axe', cls: 'weapon', ch: ')', color: C.CYAN, dmg: [1, 6], freq: 1 },
  { name: 'leather armor', cls: 'armor', ch: '[', color: C.BROWN, ac: 2, slot: 'body', freq: 3 },
  { name: 'ring mail', cls: 'armor', ch: '[', color: C.GRAY, ac: 3, slot: 'body', freq: 2 },
  { name: 'orcish helm', cls: 'armor', ch: '[', color: C.GRAY, ac: 1, slot: 'head', freq: 2 },
  { name: 'small shield', cls: 'armor', ch: '[', color: C.BROWN, ac: 1, slot: 'shield', freq: 2 },
  { name: 'amulet of life saving', cls: 'amulet', ch: '"', color: C.CYAN, freq: 1 },
  { name: 'boulder', cls: 'rock', ch: '0', color: C.GRAY, freq: 0 },
];

/** Object id by name. */
export const OBJECT_ID: ReadonlyMap<string, number> = new Map(OBJECTS.map((o, i) => [o.name, i]));
/** Frequently used object ids. */
export const GOLD = OBJECT_ID.get('gold piece')!;
/** The corpse kind (the species is stored on the object). */
export const CORPSE = OBJECT_ID.get('corpse')!;
/** The skeleton key. */
export const KEY = OBJECT_ID.get('skeleton key')!;
/** The boulder (kept in its own layer, not as a floor object). */
export const BOULDER = OBJECT_ID.get('boulder')!;
/** The amulet of life saving. */
export const AMULET = OBJECT_ID.get('amulet of life saving')!;
/** Short aliases accepted by the level format. */
export const OBJECT_ALIASES: ReadonlyMap<string, number> = new Map([
  ['gold', GOLD],
  ['key', KEY],
  ['food', OBJECT_ID.get('food ration')!],
  ['amulet', AMULET],
]);
