import { COLS, NCELLS, T, opaque } from './consts.js';
import { type SightCache, sightCacheFor } from './sight-cache.js';
import { G, OBJ_OFF, MON_OFF, PET_OFF } from './glyphs.js';
import { BOULDER } from './items.js';

const scratchLayout = new Uint8Array(NCELLS);
const POOL: Level[] = [];
const OPAQUE = Uint8Array.from({ length: 16 }, (_, t) => (opaque(t) ? 1 : 0));

/** An object lying on the floor or carried. */
export interface Obj {
  kind: number;
  qty: number;
  /** Species id for corpses, -1 otherwise. */
  corpseOf: number;
  /** Enchantment of weapons and armour. */
  spe: number;
  /** Inventory letter while carried. */
  letter: string;
}

/** A monster on a level. */
export interface Monster {
  kind: number;
  pos: number;
  hp: number;
  hpmax: number;
  /** Accumulated movement points (acts while >= 12). */
  movement: number;
  tame: boolean;
  peaceful: boolean;
  /** Turns left asleep (0 = awake). */
  sleep: number;
  dead: boolean;
}

/** One dungeon level: flat typed arrays over the 21x79 map plus object and monster layers. */
export class Level {
  readonly terrain = new Uint8Array(NCELLS);
  /** 1 where the cell is lit. */
  readonly lit = new Uint8Array(NCELLS);
  /** The glyph the terrain shows while in view. */
  readonly tglyph = new Int16Array(NCELLS);
  /** 1 where a boulder sits. */
  readonly boulder = new Uint8Array(NCELLS);
  /** Remembered glyph of each cell (0 = never seen). */
  readonly mem = new Int16Array(NCELLS);
  /** Objects per cell (top of pile last). */
  readonly objs: Array<Obj[] | null> = new Array<Obj[] | null>(NCELLS).fill(null);
  /** Monster occupying each cell. */
  readonly monAt: Array<Monster | null> = new Array<Monster | null>(NCELLS).fill(null);
  /** Monsters on the level; dead ones stay flagged until `compact()` (so turn loops never skip one). */
  monsters: Monster[] = [];
  deadCount = 0;
  /** Number of fountains (for the sound of bubbling water). */
  fountains = 0;
  /** Number of cells with a non-blank remembered glyph (the Scout measure). */
  seen = 0;
  /** `seen` at the last Scout reward, so revisits only pay for new cells. */
  seenScored = 0;
  up = -1;
  down = -1;
  private sightCache: SightCache | null = null;

  constructor(public depth: number) {}

  /** A cleared level from the pool (levels of finished episodes are recycled), or a new one. */
  static create(depth: number): Level {
    const lv = POOL.pop();
    if (!lv) return new Level(depth);
    lv.depth = depth;
    return lv;
  }

  /** Clear this level and return it to the pool; it must not be used afterwards. */
  release(): void {
    this.terrain.fill(0);
    this.lit.fill(0);
    this.tglyph.fill(0);
    this.boulder.fill(0);
    this.mem.fill(0);
    this.objs.fill(null);
    this.monAt.fill(null);
    this.monsters = [];
    this.deadCount = 0;
    this.fountains = 0;
    this.seen = 0;
    this.seenScored = 0;
    this.up = -1;
    this.down = -1;
    this.sightCache = null;
    if (POOL.length < 16) POOL.push(this);
  }

  /** Set terrain of a cell (call `finishTerrain` after bulk edits). */
  set(i: number, t: T): void {
    this.terrain[i] = t;
  }

  /** Recompute terrain glyphs everywhere and drop view caches. */
  finishTerrain(): void {
    for (let i = 0; i < NCELLS; i++) this.tglyph[i] = this.terrainGlyph(i);
    this.invalidateView();
  }

  /** Update one cell's terrain and glyph after the level is built (doors, digging, boulders). */
  change(i: number, t: T): void {
    this.terrain[i] = t;
    this.tglyph[i] = this.terrainGlyph(i);
    this.invalidateView();
  }

  /** Forget cached fields of view (after any change to what blocks sight or to lighting). */
  invalidateView(): void {
    this.sightCache = null;
  }

  /** The field-of-view cache of the current sight layout (looked up again after any change). */
  sight(): SightCache {
    if (this.sightCache) return this.sightCache;
    const layout = scratchLayout;
    const ter = this.terrain,
      bo = this.boulder,
      lit = this.lit;
    for (let i = 0; i < NCELLS; i++) layout[i] = OPAQUE[ter[i]!]! | bo[i]! | (lit[i]! << 1);
    this.sightCache = sightCacheFor(layout);
    return this.sightCache;
  }

  private wallish(j: number): boolean {
    if (j < 0 || j >= NCELLS) return false;
    const t = this.terrain[j]!;
    return t === T.WALL || (t >= T.DOORWAY && t <= T.DOOR_LOCKED);
  }

  private vertical(i: number): boolean {
    const x = i % COLS;
    const ud = this.wallish(i - COLS) || this.wallish(i + COLS);
    const lr = (x > 0 && this.wallish(i - 1)) || (x < COLS - 1 && this.wallish(i + 1));
    const both = this.wallish(i - COLS) && this.wallish(i + COLS);
    return both || (ud && !lr);
  }

  /** The glyph of a cell's terrain when seen. */
  terrainGlyph(i: number): number {
    switch (this.terrain[i]) {
      case T.STONE:
        return G.BLANK;
      case T.WALL:
        return this.vertical(i) ? G.VWALL : G.HWALL;
      case T.FLOOR:
        return G.FLOOR;
      case T.CORRIDOR:
        return this.lit[i] ? G.LIT_CORRIDOR : G.CORRIDOR;
      case T.DOORWAY:
        return G.DOORWAY;
      case T.DOOR_BROKEN:
        return G.DOOR_BROKEN;
      case T.DOOR_OPEN:
        return this.vertical(i) ? G.DOOR_OPEN_V : G.DOOR_OPEN_H;
      case T.DOOR_CLOSED:
      case T.DOOR_LOCKED:
        return G.DOOR_CLOSED;
      case T.STAIRS_UP:
        return G.STAIRS_UP;
      case T.STAIRS_DOWN:
        return G.STAIRS_DOWN;
      case T.FOUNTAIN:
        return G.FOUNTAIN;
      case T.WATER:
        return G.WATER;
      case T.LAVA:
        return G.LAVA;
      case T.TRAP:
        return G.TRAP;
      case T.TREE:
        return G.TREE;
      default:
        return G.BLANK;
    }
  }

  /** What a remembered cell shows: boulder, top object, or terrain (dark floor when unlit). */
  memGlyph(i: number): number {
    if (this.boulder[i]) return OBJ_OFF + BOULDER;
    const o = this.objs[i];
    if (o && o.length > 0) return OBJ_OFF + o[o.length - 1]!.kind;
    const g = this.tglyph[i]!;
    return g === G.FLOOR && !this.lit[i] ? G.DARK_FLOOR : g;
  }

  /** What a cell in view shows, the player aside: monster, boulder, top object, or terrain. */
  liveGlyph(i: number): number {
    const m = this.monAt[i];
    if (m) return (m.tame ? PET_OFF : MON_OFF) + m.kind;
    if (this.boulder[i]) return OBJ_OFF + BOULDER;
    const o = this.objs[i];
    if (o && o.length > 0) return OBJ_OFF + o[o.length - 1]!.kind;
    return this.tglyph[i]!;
  }

  /** Put an object on the floor (on top of the pile). */
  addObj(i: number, o: Obj): void {
    let pile = this.objs[i];
    if (!pile) {
      pile = [];
      this.objs[i] = pile;
    }
    pile.push(o);
  }

  /** Drop dead monsters from the list, in place. */
  compact(): void {
    if (this.deadCount === 0) return;
    let j = 0;
    for (let k = 0; k < this.monsters.length; k++) {
      const m = this.monsters[k]!;
      if (!m.dead) this.monsters[j++] = m;
    }
    this.monsters.length = j;
    this.deadCount = 0;
  }

  /** Place a monster (the cell must be free). */
  addMonster(m: Monster): void {
    this.monsters.push(m);
    this.monAt[m.pos] = m;
  }
}

/** A fresh object. */
export function mkObj(kind: number, qty = 1, corpseOf = -1): Obj {
  return { kind, qty, corpseOf, spe: 0, letter: '' };
}
