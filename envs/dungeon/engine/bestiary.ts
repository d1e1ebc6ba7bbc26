import { C } from './consts.js';

/** One melee attack: a verb and damage dice nDd. */
export interface Attack {
  verb: 'bites' | 'claws' | 'hits' | 'stings' | 'kicks' | 'butts' | 'touches' | 'squeezes';
  n: number;
  d: number;
}

/** A monster species. */
export interface MonsterKind {
  name: string;
  ch: string;
  color: number;
  level: number;
  /** Movement points per turn; the player has 12. */
  speed: number;
  ac: number;
  attacks: Attack[];
  /** Nutrition of its corpse (0 leaves no corpse). */
  corpse: number;
  /** Relative frequency in random generation (0: never generated at random). */
  freq: number;
  /** Moves only orthogonally (grid bugs). */
  orthogonal?: boolean;
  /** Never hostile (the Oracle). */
  peaceful?: boolean;
  /** What the player hears when it is out of sight, or undefined. */
  sound?: string;
}

const A = (verb: Attack['verb'], n: number, d: number): Attack => ({ verb, n, d });

/** The bestiary, ordered roughly by difficulty. Indices are stable monster ids. */
export const MONSTERS: readonly MonsterKind[] = [
  {
    name: 'newt',
    ch: ':',
    color: C.YELLOW,
    level: 0,
    speed: 6,
    ac: 8,
    attacks: [A('bites', 1, 3)],
    corpse: 20,
    freq: 5,
  },
  {
    name: 'jackal',
    ch: 'd',
    color: C.BROWN,
    level: 0,
    speed: 12,
    ac: 7,
    attacks: [A('bites', 1, 2)],
    corpse: 250,
    freq: 3,
    sound: 'You hear a jackal howling.',
  },
  {
    name: 'sewer rat',
    ch: 'r',
    color: C.BROWN,
    level: 0,
    speed: 12,
    ac: 7,
    attacks: [A('bites', 1, 3)],
    corpse: 12,
    freq: 1,
  },
  {
    name: 'grid bug',
    ch: 'x',
    color: C.MAGENTA,
    level: 0,
    speed: 12,
    ac: 9,
    attacks: [A('bites', 1, 1)],
    corpse: 10,
    freq: 3,
    orthogonal: true,
  },
  {
    name: 'lichen',
    ch: 'F',
    color: C.BRIGHT_GREEN,
    level: 0,
    speed: 1,
    ac: 9,
    attacks: [A('touches', 0, 0)],
    corpse: 200,
    freq: 4,
  },
  {
    name: 'kobold',
    ch: 'k',
    color: C.RED,
    level: 0,
    speed: 6,
    ac: 10,
    attacks: [A('hits', 1, 4)],
    corpse: 100,
    freq: 1,
  },
  {
    name: 'goblin',
    ch: 'o',
    color: C.GRAY,
    level: 0,
    speed: 6,
    ac: 10,
    attacks: [A('hits', 1, 6)],
    corpse: 50,
    freq: 2,
  },
  {
    name: 'gecko',
    ch: ':',
    color: C.CYAN,
    level: 1,
    speed: 6,
    ac: 8,
    attacks: [A('bites', 1, 3)],
    corpse: 20,
    freq: 5,
  },
  {
    name: 'giant rat',
    ch: 'r',
    color: C.BROWN,
    level: 1,
    speed: 10,
    ac: 7,
    attacks: [A('bites', 1, 3)],
    corpse: 30,
    freq: 2,
  },
  {
    name: 'hobbit',
    ch: 'h',
    color: C.GREEN,
    level: 1,
    speed: 9,
    ac: 10,
    attacks: [A('hits', 1, 6)],
    corpse: 200,
    freq: 2,
  },
  {
    name: 'gnome',
    ch: 'G',
    color: C.BROWN,
    level: 1,
    speed: 6,
    ac: 10,
    attacks: [A('hits', 1, 6)],
    corpse: 100,
    freq: 1,
  },
  {
    name: 'coyote',
    ch: 'd',
    color: C.BROWN,
    level: 1,
    speed: 12,
    ac: 7,
    attacks: [A('bites', 1, 3)],
    corpse: 250,
    freq: 1,
    sound: 'You hear a coyote yipping.',
  },
  {
    name: 'hill orc',
    ch: 'o',
    color: C.YELLOW,
    level: 1,
    speed: 9,
    ac: 10,
    attacks: [A('hits', 1, 6)],
    corpse: 200,
    freq: 2,
  },
  {
    name: 'giant ant',
    ch: 'a',
    color: C.BROWN,
    level: 2,
    speed: 18,
    ac: 3,
    attacks: [A('bites', 1, 4)],
    corpse: 10,
    freq: 3,
  },
  {
    name: 'homunculus',
    ch: 'i',
    color: C.GREEN,
    level: 2,
    speed: 12,
    ac: 6,
    attacks: [A('bites', 1, 3)],
    corpse: 100,
    freq: 2,
  },
  {
    name: 'dwarf',
    ch: 'h',
    color: C.RED,
    level: 2,
    speed: 6,
    ac: 10,
    attacks: [A('hits', 1, 8)],
    corpse: 300,
    freq: 3,
    sound: 'You hear the sound of digging.',
  },
  {
    name: 'jaguar',
    ch: 'f',
    color: C.BROWN,
    level: 4,
    speed: 12,
    ac: 6,
    attacks: [A('claws', 1, 4), A('claws', 1, 4), A('bites', 1, 8)],
    corpse: 600,
    freq: 2,
  },
  {
    name: 'soldier ant',
    ch: 'a',
    color: C.BLUE,
    level: 3,
    speed: 18,
    ac: 3,
    attacks: [A('bites', 2, 4), A('stings', 3, 4)],
    corpse: 5,
    freq: 2,
  },
  {
    name: 'owlbear',
    ch: 'Y',
    color: C.BROWN,
    level: 5,
    speed: 12,
    ac: 5,
    attacks: [A('claws', 1, 6), A('claws', 1, 6), A('squeezes', 2, 8)],
    corpse: 700,
    freq: 1,
  },
  {
    name: 'troll',
    ch: 'T',
    color: C.BROWN,
    level: 7,
    speed: 12,
    ac: 4,
    attacks: [A('hits', 4, 2), A('claws', 4, 2), A('bites', 2, 6)],
    corpse: 800,
    freq: 1,
  },
  {
    name: 'kitten',
    ch: 'f',
    color: C.WHITE,
    level: 0,
    speed: 18,
    ac: 6,
    attacks: [A('bites', 1, 6)],
    corpse: 150,
    freq: 0,
  },
  {
    name: 'little dog',
    ch: 'd',
    color: C.WHITE,
    level: 2,
    speed: 18,
    ac: 6,
    attacks: [A('bites', 1, 6)],
    corpse: 150,
    freq: 0,
  },
  {
    name: 'Oracle',
    ch: '@',
    color: C.BRIGHT_BLUE,
    level: 12,
    speed: 0,
    ac: 0,
    attacks: [],
    corpse: 0,
    freq: 0,
    peaceful: true,
  },
];

/** Monster id by name. */
export const MONSTER_ID: ReadonlyMap<string, number> = new Map(MONSTERS.map((m, i) => [m.name, i]));
/** Id of the kitten, the default pet. */
export const KITTEN = MONSTER_ID.get('kitten')!;
/** Id of the Oracle. */
export const ORACLE = MONSTER_ID.get('Oracle')!;
