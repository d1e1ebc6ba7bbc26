import { MONSTERS } from './engine/bestiary.js';
import { COLS, NCELLS } from './engine/consts.js';
import { objName } from './engine/effects.js';
import { type Game, HUNGER_NAMES } from './engine/game.js';
import { OBJECTS } from './engine/items.js';
import { invString } from './obs.js';

/** Compact plain-JSON state of a dungeon game, for reward code. */
export interface DungeonState {
  task: string;
  depth: number;
  time: number;
  player: {
    x: number;
    y: number;
    hp: number;
    hpmax: number;
    level: number;
    exp: number;
    ac: number;
    gold: number;
    score: number;
    hunger: string;
    nutrition: number;
    dead: boolean;
  };
  inventory: Array<{ letter: string; name: string; cls: string; qty: number; text: string }>;
  monsters: Array<{ name: string; x: number; y: number; attitude: 'hostile' | 'peaceful' | 'tame'; dist: number }>;
  objects: Array<{ name: string; cls: string; x: number; y: number; dist: number }>;
  stairs: { down: [number, number] | null; up: [number, number] | null };
  seenCells: number;
  message: string;
  messages: string[];
}

/** The `describeState()` text: a .d.ts-style description of `DungeonState` for prompts. */
export const STATE_DTS = `interface DungeonState {
  task: string;                 // task name, e.g. "Room-5x5"
  depth: number;                // dungeon level, 1 = top
  time: number;                 // game turns elapsed
  player: { x: number; y: number;          // column 0..78, row 0..20
    hp: number; hpmax: number; level: number; exp: number; ac: number;  // lower ac is better
    gold: number; score: number; hunger: string; nutrition: number; dead: boolean };
  inventory: { letter: string; name: string; cls: string; qty: number; text: string }[];
  monsters: { name: string; x: number; y: number; attitude: "hostile" | "peaceful" | "tame"; dist: number }[]; // in view now
  objects: { name: string; cls: string; x: number; y: number; dist: number }[];   // in view now (top of each pile)
  stairs: { down: [number, number] | null; up: [number, number] | null };       // [x, y] once seen
  seenCells: number;            // map cells seen so far on this level
  message: string;              // this step's message line ("" when none)
  messages: string[];           // recent non-empty messages, oldest first
}`;

function xy(i: number): [number, number] {
  return [i % COLS, (i / COLS) | 0];
}

/** Build the state of `g`. */
export function stateOf(g: Game, task: string): DungeonState {
  const lv = g.lv;
  const [px, py] = xy(g.pos);
  const d = (i: number): number => Math.max(Math.abs((i % COLS) - px), Math.abs(((i / COLS) | 0) - py));
  const monsters: DungeonState['monsters'] = [];
  const objects: DungeonState['objects'] = [];
  for (let i = 0; i < NCELLS; i++) {
    if (!g.inView[i]) continue;
    const m = lv.monAt[i];
    if (m && !m.dead)
      monsters.push({
        name: MONSTERS[m.kind]!.name,
        x: i % COLS,
        y: (i / COLS) | 0,
        attitude: m.tame ? 'tame' : m.peaceful ? 'peaceful' : 'hostile',
        dist: d(i),
      });
    const pile = lv.objs[i];
    if (pile && pile.length > 0) {
      const o = pile[pile.length - 1]!;
      objects.push({ name: objName(o), cls: OBJECTS[o.kind]!.cls, x: i % COLS, y: (i / COLS) | 0, dist: d(i) });
    }
    if (lv.boulder[i]) objects.push({ name: 'a boulder', cls: 'rock', x: i % COLS, y: (i / COLS) | 0, dist: d(i) });
  }
  return {
    task,
    depth: g.depth,
    time: g.time,
    player: {
      x: px,
      y: py,
      hp: g.hp,
      hpmax: g.hpmax,
      level: g.ulevel,
      exp: g.uexp,
      ac: g.ac,
      gold: g.gold,
      score: g.score,
      hunger: HUNGER_NAMES[g.hunger]!,
      nutrition: g.nutrition,
      dead: g.dead,
    },
    inventory: g.inv.map((o) => ({
      letter: o.letter,
      name: objName(o),
      cls: OBJECTS[o.kind]!.cls,
      qty: o.qty,
      text: invString(g, o),
    })),
    monsters,
    objects,
    stairs: {
      down: lv.down >= 0 && lv.mem[lv.down] !== 0 ? xy(lv.down) : null,
      up: lv.up >= 0 && lv.mem[lv.up] !== 0 ? xy(lv.up) : null,
    },
    seenCells: lv.seen,
    message: g.msg,
    messages: g.recentMessages(),
  };
}
