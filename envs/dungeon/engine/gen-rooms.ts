import type { Rng } from '../../../src/core/rng.js';
import { COLS, NCELLS, ROWS, T } from './consts.js';
import type { Level } from './level.js';

/** A rectangular room: interior bounds (inclusive), walls one cell outside. */
export interface Room {
  lx: number;
  ly: number;
  hx: number;
  hy: number;
  lit: boolean;
}

/** Carve a room: walls around, floor inside, lighting on both. */
export function carveRoom(lv: Level, r: Room): void {
  for (let y = r.ly - 1; y <= r.hy + 1; y++) {
    for (let x = r.lx - 1; x <= r.hx + 1; x++) {
      const i = y * COLS + x;
      const inside = x >= r.lx && x <= r.hx && y >= r.ly && y <= r.hy;
      lv.set(i, inside ? T.FLOOR : T.WALL);
      lv.lit[i] = r.lit ? 1 : 0;
    }
  }
}

/** A random interior cell of `r`. */
export function roomCell(r: Room, rng: Rng): number {
  return rng.int(r.ly, r.hy + 1) * COLS + rng.int(r.lx, r.hx + 1);
}

function overlaps(a: Room, b: Room): boolean {
  // Walls plus one cell of rock between rooms, so corridors can always run around them.
  return !(a.hx + 2 < b.lx - 1 || b.hx + 2 < a.lx - 1 || a.hy + 2 < b.ly - 1 || b.hy + 2 < a.ly - 1);
}

/** Place up to `count` random non-overlapping rooms (after any `fixed` ones), sorted left to right. */
export function placeRooms(
  lv: Level,
  rng: Rng,
  count: number,
  litChance: (rng: Rng) => boolean,
  fixed: Room[] = [],
  maxW = 12,
  maxH = 5,
): Room[] {
  const rooms = [...fixed];
  for (let tries = 0; tries < 400 && rooms.length < count; tries++) {
    const w = rng.int(2, maxW + 1),
      h = rng.int(2, maxH + 1);
    const lx = rng.int(3, COLS - 3 - w),
      ly = rng.int(2, ROWS - 2 - h);
    const r: Room = { lx, ly, hx: lx + w - 1, hy: ly + h - 1, lit: litChance(rng) };
    if (r.hx > COLS - 4 || r.hy > ROWS - 3) continue;
    if (rooms.some((o) => overlaps(o, r))) continue;
    rooms.push(r);
  }
  for (const r of rooms) carveRoom(lv, r);
  return rooms.sort((a, b) => a.lx - b.lx);
}

/** How doors are chosen when rooms are joined. */
export interface DoorMix {
  lockedChance: number;
  closedChance: number;
}

function pickDoor(rng: Rng, mix: DoorMix): T {
  const r = rng.random();
  if (r < mix.lockedChance) return T.DOOR_LOCKED;
  if (r < mix.lockedChance + mix.closedChance) return T.DOOR_CLOSED;
  const s = rng.random();
  return s < 0.5 ? T.DOORWAY : s < 0.65 ? T.DOOR_BROKEN : T.DOOR_OPEN;
}

function doorOn(r: Room, side: number, rng: Rng): [number, number] {
  // side 0 right, 1 top, 2 left, 3 bottom; returns [door cell, cell just outside]
  if (side === 0) {
    const y = rng.int(r.ly, r.hy + 1);
    return [y * COLS + r.hx + 1, y * COLS + r.hx + 2];
  }
  if (side === 2) {
    const y = rng.int(r.ly, r.hy + 1);
    return [y * COLS + r.lx - 1, y * COLS + r.lx - 2];
  }
  const x = rng.int(r.lx, r.hx + 1);
  if (side === 1) return [(r.ly - 1) * COLS + x, (r.ly - 2) * COLS + x];
  return [(r.hy + 1) * COLS + x, (r.hy + 2) * COLS + x];
}

const queue = new Int32Array(NCELLS);
const prev = new Int32Array(NCELLS);

/** Dig a corridor between two rooms through rock, with a door on each; false when no route exists. */
export function joinRooms(lv: Level, rng: Rng, a: Room, b: Room, mix: DoorMix): boolean {
  let sa: number, sb: number;
  if (b.lx > a.hx + 1) {
    sa = 0;
    sb = 2;
  } else if (b.hy < a.ly - 1) {
    sa = 1;
    sb = 3;
  } else if (b.hx < a.lx - 1) {
    sa = 2;
    sb = 0;
  } else {
    sa = 3;
    sb = 1;
  }
  const [da, oa] = doorOn(a, sa, rng);
  const [db, ob] = doorOn(b, sb, rng);
  const passable = (i: number): boolean => lv.terrain[i] === T.STONE || lv.terrain[i] === T.CORRIDOR;
  if (!passable(oa) || !passable(ob)) return false;
  prev.fill(-1);
  let head = 0,
    tail = 0;
  queue[tail++] = oa;
  prev[oa] = oa;
  const dirs = [1, -1, COLS, -COLS];
  while (head < tail) {
    const c = queue[head++]!;
    if (c === ob) break;
    const cx = c % COLS,
      cy = (c / COLS) | 0;
    const s = rng.int(0, 4);
    for (let k = 0; k < 4; k++) {
      const d = dirs[(s + k) & 3]!;
      const n = c + d;
      const nx = n % COLS,
        ny = (n / COLS) | 0;
      if (
        n < 0 ||
        n >= NCELLS ||
        Math.abs(nx - cx) + Math.abs(ny - cy) !== 1 ||
        ny < 1 ||
        ny > ROWS - 2 ||
        nx < 1 ||
        nx > COLS - 2
      )
        continue;
      if (prev[n] !== -1 || !passable(n)) continue;
      prev[n] = c;
      queue[tail++] = n;
    }
  }
  if (prev[ob] === -1) return false;
  for (let c = ob; ; c = prev[c]!) {
    lv.set(c, T.CORRIDOR);
    if (c === oa) break;
  }
  const isDoorT = (i: number): boolean => lv.terrain[i]! >= T.DOORWAY && lv.terrain[i]! <= T.DOOR_LOCKED;
  if (!isDoorT(da)) lv.set(da, pickDoor(rng, mix));
  if (!isDoorT(db)) lv.set(db, pickDoor(rng, mix));
  return true;
}

/** Join every room to the next one, plus a few extra links, as NetHack's makecorridors. */
export function joinAll(lv: Level, rng: Rng, rooms: Room[], mix: DoorMix): void {
  for (let k = 0; k + 1 < rooms.length; k++) {
    if (joinRooms(lv, rng, rooms[k]!, rooms[k + 1]!, mix)) continue;
    for (let tries = 0; tries < 20; tries++)
      if (joinRooms(lv, rng, rooms[rng.int(0, k + 1)]!, rooms[k + 1]!, mix)) break;
  }
  for (let k = 0; k + 2 < rooms.length; k += 2)
    if (rng.int(0, 2) === 0) joinRooms(lv, rng, rooms[k]!, rooms[k + 2]!, mix);
}
