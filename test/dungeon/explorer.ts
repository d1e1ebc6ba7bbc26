import { Act } from '../../envs/dungeon/engine/actions.js';
import { COLS, DX, DY, NCELLS, T } from '../../envs/dungeon/engine/consts.js';
import type { DungeonEnv } from '../../envs/dungeon/env.js';
import { G, MON_OFF, OBJ_OFF, PET_OFF, PLAYER_GLYPH } from '../../envs/dungeon/engine/glyphs.js';
import { BOULDER, KEY, OBJECTS } from '../../envs/dungeon/engine/items.js';
import { MONSTER_ID } from '../../envs/dungeon/engine/bestiary.js';
import { Rng } from '../../src/core/rng.js';

const ORACLE_GLYPH = MON_OFF + MONSTER_ID.get('Oracle')!;

/** What the explorer is after. */
export type Goal = 'stairs' | 'descend' | 'oracle';

/**
 * A scripted explorer: BFS over the map it has seen (the displayed glyphs plus the cells that have been in view),
 * heading for the down stairs, a key when a door proved locked, an unexplored frontier otherwise; it picks up keys,
 * unlocks or kicks locked doors, pushes boulders into water, eats when hungry and descends.
 */
export class Explorer {
  private readonly known = new Uint8Array(NCELLS);
  private readonly locked = new Uint8Array(NCELLS);
  private readonly dist = new Int32Array(NCELLS);
  private readonly first = new Int8Array(NCELLS);
  private readonly queue = new Int32Array(NCELLS);
  private readonly act: Map<number, number>;
  private lastTry = -1;
  private depth = 1;
  private readonly rng = new Rng(99);

  constructor(
    private readonly env: DungeonEnv,
    private readonly goal: Goal,
  ) {
    this.act = new Map(env.task.actions.map((a, i) => [a, i]));
  }

  private has(a: Act): boolean {
    return this.act.has(a);
  }

  /** The next action id. */
  next(): number {
    const g = this.env.game;
    if (g.depth !== this.depth) {
      this.known.fill(0);
      this.locked.fill(0);
      this.depth = g.depth;
    }
    for (let i = 0; i < NCELLS; i++) if (g.inView[i]) this.known[i] = 1;
    if (this.lastTry >= 0 && g.msg.includes('This door is locked.')) this.locked[this.lastTry] = 1;
    this.lastTry = -1;
    const here = g.lv.terrain[g.pos];
    const pile = g.lv.objs[g.pos];
    const hasKey = g.inv.some((o) => o.kind === KEY);
    if (pile?.some((o) => o.kind === KEY) && !hasKey && this.has(Act.PICKUP)) return this.id(Act.PICKUP);
    if (g.hunger >= 2 && this.has(Act.EAT) && g.inv.some((o) => OBJECTS[o.kind]!.cls === 'food'))
      return this.id(Act.EAT);
    const oracleSearch = this.goal === 'oracle';
    if (here === T.STAIRS_DOWN && this.goal === 'descend' && this.has(Act.DOWN)) return this.id(Act.DOWN);
    if (here === T.STAIRS_DOWN && oracleSearch && !this.oracleHere() && this.bfs((i) => this.frontier(i)) < 0)
      return this.id(Act.DOWN);
    // Unlock or kick a locked door next to us.
    for (let d = 0; d < 4; d++) {
      const n = this.nb(g.pos, d);
      if (n >= 0 && this.locked[n] && g.lv.terrain[n] === T.DOOR_LOCKED) {
        if (hasKey && this.has(Act.APPLY)) {
          this.locked[n] = 0;
          return this.id(Act.APPLY);
        }
        if (!hasKey && this.has(Act.KICK) && !this.keyKnown()) return this.id(Act.KICK);
      }
      if (n >= 0 && this.locked[n] && g.lv.terrain[n] !== T.DOOR_LOCKED) this.locked[n] = 0;
    }
    const disp = g.disp;
    const oracle = oracleSearch && this.oracleHere();
    const want = (i: number): boolean => {
      const gl = disp[i]!;
      if (oracle) return this.adjacentToOracle(i);
      if (gl === G.STAIRS_DOWN && !oracleSearch) return true;
      if (gl === OBJ_OFF + KEY && !hasKey && this.anyLocked()) return true;
      return false;
    };
    let step = this.bfs(want);
    if (step < 0) step = this.bfs((i) => this.frontier(i));
    if (step < 0 && oracleSearch) step = this.bfs((i) => disp[i] === G.STAIRS_DOWN);
    if (step < 0) {
      const push = this.riverPush();
      if (push >= 0) return push;
    }
    if (step < 0 && hasKey) step = this.bfs((i) => this.nextToLocked(i));
    if (step < 0) return this.id(this.rng.int(0, 8) as Act);
    const to = this.nb(g.pos, step);
    if (g.lv.terrain[to] === T.DOOR_LOCKED || g.lv.terrain[to] === T.DOOR_CLOSED) this.lastTry = to;
    return this.id(step as Act);
  }

  private id(a: Act): number {
    const i = this.act.get(a);
    return i === undefined ? 0 : i;
  }

  private nb(pos: number, d: number): number {
    const y = ((pos / COLS) | 0) + DY[d]!,
      x = (pos % COLS) + DX[d]!;
    return y < 0 || y >= 21 || x < 0 || x >= COLS ? -1 : y * COLS + x;
  }

  private oracleHere(): boolean {
    const d = this.env.game.disp;
    for (let i = 0; i < NCELLS; i++) if (d[i] === ORACLE_GLYPH) return true;
    return false;
  }

  private adjacentToOracle(i: number): boolean {
    for (let d = 0; d < 8; d++) {
      const n = this.nb(i, d);
      if (n >= 0 && this.env.game.disp[n] === ORACLE_GLYPH) return true;
    }
    return false;
  }

  private anyLocked(): boolean {
    return this.locked.some((v) => v === 1);
  }
  private keyKnown(): boolean {
    return this.env.game.disp.some((v) => v === OBJ_OFF + KEY);
  }

  private nextToLocked(i: number): boolean {
    for (let d = 0; d < 4; d++) {
      const n = this.nb(i, d);
      if (n >= 0 && this.locked[n]) return true;
    }
    return false;
  }

  private passable(i: number): boolean {
    const gl = this.env.game.disp[i]!;
    if (this.locked[i]) return false;
    if (gl === G.BLANK || gl === G.VWALL || gl === G.HWALL || gl === G.WATER || gl === G.LAVA || gl === G.TREE)
      return false;
    if (gl === OBJ_OFF + BOULDER || gl === ORACLE_GLYPH) return false;
    return true;
  }

  private frontier(i: number): boolean {
    for (let d = 0; d < 8; d++) {
      const n = this.nb(i, d);
      if (n >= 0 && !this.known[n]) return true;
    }
    return !this.locked[i] && this.env.game.disp[i] === G.DOOR_CLOSED;
  }

  private isOpenDoor(i: number): boolean {
    const g = this.env.game;
    const gl = i === g.pos ? g.lv.mem[i]! : g.disp[i]!;
    return gl === G.DOOR_OPEN_H || gl === G.DOOR_OPEN_V || gl === G.DOOR_CLOSED;
  }

  /** BFS from the player; returns the first direction towards the nearest cell satisfying `goal`, or -1. */
  private bfs(goal: (i: number) => boolean): number {
    const g = this.env.game;
    this.dist.fill(-1);
    let head = 0,
      tail = 0;
    this.queue[tail++] = g.pos;
    this.dist[g.pos] = 0;
    while (head < tail) {
      const c = this.queue[head++]!;
      if (c !== g.pos && goal(c)) return this.first[c]!;
      for (let d = 0; d < 8; d++) {
        const n = this.nb(c, d);
        if (n < 0 || this.dist[n] !== -1) continue;
        if (!this.passable(n) && !(goal(n) && this.isOpenDoor(n))) continue;
        if (d >= 4 && (this.isOpenDoor(n) || this.isOpenDoor(c))) continue;
        const gl = g.disp[n]!;
        if (gl >= MON_OFF && gl < PET_OFF && gl !== ORACLE_GLYPH && c !== g.pos) continue;
        this.dist[n] = this.dist[c]! + 1;
        this.first[n] = c === g.pos ? d : this.first[c]!;
        this.queue[tail++] = n;
      }
    }
    return -1;
  }

  /** When the goal is cut off by water: walk west of the easternmost pushable boulder and push it east. */
  private riverPush(): number {
    const g = this.env.game;
    const cands: number[] = [];
    for (let i = 0; i < NCELLS; i++) {
      if (g.disp[i] !== OBJ_OFF + BOULDER) continue;
      let x = i + 1,
        ok = false;
      while (x % COLS !== 0) {
        const gl = g.disp[x]!;
        if (gl === G.WATER) {
          ok = true;
          break;
        }
        if (gl !== G.FLOOR && gl !== G.STAIRS_DOWN && gl !== PLAYER_GLYPH) break;
        x++;
      }
      if (ok) cands.push(i);
    }
    cands.sort((a, b) => (b % COLS) - (a % COLS));
    for (const b of cands) {
      if (g.pos === b - 1) return this.id(Act.E);
      const s = this.bfs((i) => i === b - 1);
      if (s >= 0) return this.id(s as Act);
    }
    return -1;
  }
}

/** Run the explorer for one episode; returns whether the task reported success. */
export function explore(
  env: DungeonEnv,
  goal: Goal,
  seed: number,
  maxSteps: number,
): { success: boolean; steps: number } {
  env.reset({ seed });
  const ex = new Explorer(env, goal);
  for (let t = 0; t < maxSteps; t++) {
    const r = env.step(ex.next());
    if (r.info.success) return { success: true, steps: t + 1 };
    if (r.terminated) return { success: false, steps: t + 1 };
  }
  return { success: false, steps: maxSteps };
}
