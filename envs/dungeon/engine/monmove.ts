import { MONSTERS } from './bestiary.js';
import { monsterAttack, monsterFight } from './combat.js';
import { COLS, DX, DY, T, isDoor } from './consts.js';
import type { Game } from './game.js';
import type { Monster } from './level.js';

/** Chebyshev distance between two cells. */
export function dist(a: number, b: number): number {
  const ay = (a / COLS) | 0,
    by = (b / COLS) | 0;
  return Math.max(Math.abs(ay - by), Math.abs((a % COLS) - (b % COLS)));
}

function sqd(a: number, b: number): number {
  const dy = ((a / COLS) | 0) - ((b / COLS) | 0),
    dx = (a % COLS) - (b % COLS);
  return dy * dy + dx * dx;
}

/** Monsters that can open doors (humanoids). */
function opensDoors(kind: number): boolean {
  const c = MONSTERS[kind]!.ch;
  return c === 'h' || c === 'o' || c === 'k' || c === 'G' || c === '@';
}

/** Index of the cell one step from `from` in direction `d`, or -1 when the step is not allowed for `m`. */
function stepCell(g: Game, m: Monster, from: number, d: number): number {
  if (d >= 4 && MONSTERS[m.kind]!.orthogonal) return -1;
  const y = ((from / COLS) | 0) + DY[d]!,
    x = (from % COLS) + DX[d]!;
  if (y < 0 || y >= 21 || x < 0 || x >= COLS) return -1;
  const i = y * COLS + x;
  const lv = g.lv;
  const t = lv.terrain[i]!;
  if (t === T.STONE || t === T.WALL || t === T.TREE || t === T.WATER || t === T.LAVA || t === T.DOOR_LOCKED) return -1;
  if (d >= 4 && (t === T.DOOR_OPEN || t === T.DOOR_CLOSED || lv.terrain[from] === T.DOOR_OPEN)) return -1;
  if (lv.boulder[i] || lv.monAt[i] || i === g.pos) return -1;
  if (t === T.DOOR_CLOSED && !opensDoors(m.kind)) return -1;
  return i;
}

function moveMon(g: Game, m: Monster, to: number): void {
  const lv = g.lv;
  if (lv.terrain[to] === T.DOOR_CLOSED) {
    lv.change(to, T.DOOR_OPEN);
    g.say(g.inView[to] ? 'You see a door open.' : 'You hear a door open.');
    g.viewChanged();
    return;
  }
  const from = m.pos;
  lv.monAt[from] = null;
  m.pos = to;
  lv.monAt[to] = m;
  g.refresh(from);
  g.refresh(to);
}

function stepToward(g: Game, m: Monster, target: number): boolean {
  let best = -1,
    bestD = sqd(m.pos, target);
  const start = g.rng.int(0, 8);
  for (let k = 0; k < 8; k++) {
    const i = stepCell(g, m, m.pos, (start + k) & 7);
    if (i < 0) continue;
    const d = sqd(i, target);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  if (best < 0) return false;
  moveMon(g, m, best);
  return true;
}

function wander(g: Game, m: Monster): void {
  const start = g.rng.int(0, 8);
  for (let k = 0; k < 8; k++) {
    const i = stepCell(g, m, m.pos, (start + k) & 7);
    if (i >= 0 && (!isDoor(g.lv.terrain[i]!) || g.rng.random() < 0.5)) {
      moveMon(g, m, i);
      return;
    }
  }
}

function adjacentTo(m: Monster, cell: number): boolean {
  const d = dist(m.pos, cell);
  if (d !== 1) return false;
  if (!MONSTERS[m.kind]!.orthogonal) return true;
  return sqd(m.pos, cell) === 1;
}

function petTurn(g: Game, m: Monster): void {
  const lv = g.lv;
  for (let d = 0; d < 8; d++) {
    const y = ((m.pos / COLS) | 0) + DY[d]!,
      x = (m.pos % COLS) + DX[d]!;
    if (y < 0 || y >= 21 || x < 0 || x >= COLS) continue;
    const o = lv.monAt[y * COLS + x];
    if (
      o &&
      !o.tame &&
      !o.peaceful &&
      !o.dead &&
      MONSTERS[o.kind]!.level <= MONSTERS[m.kind]!.level + 2 &&
      g.rng.random() < 0.8
    ) {
      monsterFight(g, m, o);
      return;
    }
  }
  if (dist(m.pos, g.pos) > 2) {
    if (!stepToward(g, m, g.pos)) wander(g, m);
  } else if (g.rng.random() < 0.6) wander(g, m);
}

function monsterTurn(g: Game, m: Monster): void {
  if (m.sleep > 0) {
    if (dist(m.pos, g.pos) <= 1 && g.rng.random() < 0.5) m.sleep = 0;
    else {
      m.sleep--;
      return;
    }
  }
  if (m.tame) {
    petTurn(g, m);
    return;
  }
  if (m.peaceful) {
    if (g.rng.random() < 0.3) wander(g, m);
    return;
  }
  if (adjacentTo(m, g.pos)) {
    monsterAttack(g, m);
    return;
  }
  if ((g.inView[m.pos] || dist(m.pos, g.pos) <= 6) && stepToward(g, m, g.pos)) return;
  if (g.rng.random() < 0.7) wander(g, m);
}

/** Every monster on the level spends its movement points (NetHack speed: 12 per player turn). */
export function moveMonsters(g: Game): void {
  const ms = g.lv.monsters;
  const n = ms.length;
  for (let k = 0; k < n; k++) {
    const m = ms[k]!;
    if (m.dead) continue;
    const spd = MONSTERS[m.kind]!.speed;
    if (spd === 0) continue;
    m.movement += spd;
    while (m.movement >= 12 && !m.dead && !g.dead) {
      m.movement -= 12;
      monsterTurn(g, m);
    }
  }
  g.lv.compact();
}
