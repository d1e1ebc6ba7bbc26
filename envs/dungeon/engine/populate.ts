import type { Rng } from '../../../src/core/rng.js';
import { MONSTERS } from './bestiary.js';
import { dice } from './dice.js';
import { COLS, NCELLS, T } from './consts.js';
import { OBJECTS, type ObjClass } from './items.js';
import { type Level, type Monster, type Obj, mkObj } from './level.js';

/** A new monster of species `kind` at `pos` (not yet placed). */
export function mkMonster(
  kind: number,
  pos: number,
  rng: Rng,
  opts: { tame?: boolean; peaceful?: boolean; asleep?: boolean } = {},
): Monster {
  const k = MONSTERS[kind]!;
  const hp = k.level === 0 ? rng.int(1, 5) : dice(rng, k.level, 8);
  return {
    kind,
    pos,
    hp,
    hpmax: hp,
    movement: 0,
    tame: opts.tame ?? false,
    peaceful: opts.peaceful ?? k.peaceful ?? false,
    sleep: opts.asleep ? rng.int(5, 60) : 0,
    dead: false,
  };
}

/** A random species suited to `depth` (weighted by frequency; deeper levels allow stronger monsters). */
export function randomMonsterKind(rng: Rng, depth: number): number {
  const maxLvl = Math.floor(depth / 2) + 1 + (rng.int(0, 20) === 0 ? 2 : 0);
  let total = 0;
  for (const m of MONSTERS) if (m.freq > 0 && m.level <= maxLvl) total += m.freq;
  let r = rng.int(0, total);
  for (let i = 0; i < MONSTERS.length; i++) {
    const m = MONSTERS[i]!;
    if (m.freq > 0 && m.level <= maxLvl && (r -= m.freq) < 0) return i;
  }
  return 0;
}

/** True when a monster or object may be placed on cell `i`. */
export function freeFloor(lv: Level, i: number): boolean {
  const t = lv.terrain[i];
  return (t === T.FLOOR || t === T.CORRIDOR) && !lv.monAt[i] && !lv.boulder[i];
}

/** A random free floor cell at least `minDist` away from `avoid`, or -1. */
export function randomFreeCell(lv: Level, rng: Rng, avoid = -1, minDist = 0): number {
  for (let tries = 0; tries < 1000; tries++) {
    const i = rng.int(0, NCELLS);
    if (!freeFloor(lv, i) || lv.terrain[i] !== T.FLOOR) continue;
    if (
      avoid >= 0 &&
      Math.max(Math.abs(((i / COLS) | 0) - ((avoid / COLS) | 0)), Math.abs((i % COLS) - (avoid % COLS))) < minDist
    )
      continue;
    return i;
  }
  return -1;
}

/** Put a random hostile monster on the level (at `pos`, or somewhere away from `avoid`). */
export function spawnMonster(lv: Level, rng: Rng, depth: number, pos: number, avoid: number): Monster | null {
  const at = pos >= 0 ? pos : randomFreeCell(lv, rng, avoid, 6);
  if (at < 0 || lv.monAt[at]) return null;
  const m = mkMonster(randomMonsterKind(rng, depth), at, rng, { asleep: rng.int(0, 3) === 0 });
  lv.addMonster(m);
  return m;
}

const CLASS_WEIGHTS: Array<[ObjClass, number]> = [
  ['food', 20],
  ['potion', 16],
  ['scroll', 16],
  ['wand', 4],
  ['weapon', 10],
  ['armor', 10],
  ['amulet', 1],
];

/** A random object of `cls` (or of a random class). */
export function randomObject(rng: Rng, cls?: ObjClass): Obj {
  let c = cls;
  if (!c) {
    let r = rng.int(0, 77);
    for (const [k, w] of CLASS_WEIGHTS)
      if ((r -= w) < 0) {
        c = k;
        break;
      }
  }
  let total = 0;
  for (const o of OBJECTS) if (o.cls === c && o.freq > 0) total += o.freq;
  let r = rng.int(0, total);
  let kind = 0;
  for (let i = 0; i < OBJECTS.length; i++)
    if (OBJECTS[i]!.cls === c && OBJECTS[i]!.freq > 0 && (r -= OBJECTS[i]!.freq) < 0) {
      kind = i;
      break;
    }
  const o = mkObj(kind);
  if (c === 'wand') o.spe = rng.int(4, 9);
  return o;
}
