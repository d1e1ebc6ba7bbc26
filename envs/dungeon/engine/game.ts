import { Rng } from '../../../src/core/rng.js';
import { COLS, NCELLS, T } from './consts.js';
import { viewFrom } from './fov.js';
import { GLYPH_CHAR, GLYPH_COLOR, PLAYER_GLYPH } from './glyphs.js';
import { KITTEN } from './bestiary.js';
import { OBJECTS, OBJECT_ID } from './items.js';
import { type Level, type Monster, type Obj, mkObj } from './level.js';
import { mkMonster } from './populate.js';

/** A freshly built level and where the player starts on it (when arriving by other means than stairs). */
export interface LevelBuild {
  level: Level;
  start: number;
}
/** Builds the level at `depth` from its own generator. */
export type LevelMaker = (depth: number, rng: Rng) => LevelBuild;

/** How a game is set up by its task. */
export interface GameSetup {
  makeLevel: LevelMaker;
  /** Bring a kitten along. */
  pet: boolean;
  /** One in `spawnRate` turns a random monster appears (0 = never). */
  spawnRate: number;
  /** Starting inventory: weapon, armour and some food. */
  kit: boolean;
}

/** Hunger states in NetHack's order (blstats[21]). */
export const enum Hunger {
  SATIATED = 0,
  NOT_HUNGRY = 1,
  HUNGRY = 2,
  WEAK = 3,
  FAINTING = 4,
}
/** Hunger state names for the status line and state(). */
export const HUNGER_NAMES = ['Satiated', 'Not hungry', 'Hungry', 'Weak', 'Fainting'] as const;

/** Per-step event record, read by rewards (fixed-size, reused). */
export class StepEvents {
  /** Species killed by the player this step. */
  readonly killed = new Int16Array(16);
  nKilled = 0;
  /** Object kinds picked up this step. */
  readonly picked = new Int16Array(64);
  nPicked = 0;
  /** Object kinds eaten this step. */
  ateKind = -1;
  clear(): void {
    this.nKilled = 0;
    this.nPicked = 0;
    this.ateKind = -1;
  }
}

/** The whole game state and the machinery shared by the action, monster and effect modules. */
export class Game {
  rng: Rng;
  levels: Array<Level | undefined> = [];
  lv!: Level;
  depth = 1;
  maxDepthReached = 1;
  pos = 0;
  hp = 16;
  hpmax = 16;
  pw = 5;
  pwmax = 5;
  ulevel = 1;
  uexp = 0;
  urexp = 0;
  nutrition = 900;
  hunger: Hunger = Hunger.NOT_HUNGRY;
  gold = 0;
  time = 1;
  str = 16;
  dex = 14;
  con = 14;
  int = 10;
  wis = 10;
  cha = 10;
  inv: Obj[] = [];
  wielded: Obj | null = null;
  armor: { body: Obj | null; head: Obj | null; shield: Obj | null } = { body: null, head: null, shield: null };
  amulet: Obj | null = null;
  dead = false;
  deathCause = '';
  /** Set by a wand of digging: fall to the next level at the end of the action. */
  pendingFall = false;
  /** Last compass direction moved (aim of zapped wands when no target is seen). */
  lastDir = 0;
  /** Message text of the current step ('' when none). */
  msg = '';
  /** Messages of recent steps: a ring of 8 (see `recentMessages`). */
  private readonly ring: string[] = ['', '', '', '', '', '', '', ''];
  private ringNext = 0;
  private ringCount = 0;
  /** Set when the inventory changed this step (observation arrays refresh only then). */
  invDirty = true;
  readonly ev = new StepEvents();

  /** Displayed glyph per cell: what the player sees now or remembers. */
  readonly disp: Int16Array;
  readonly dchars: Uint8Array;
  readonly dcolors: Uint8Array;
  /** 1 where the cell is in view now. */
  readonly inView: Uint8Array;
  /** Bumped on every change of `disp`, so observers can skip unchanged frames. */
  version = 0;
  private view: Int16Array | null = null;
  private levelSeed = 0;

  /**
   * `rng` is the env's generator (the episode continues its stream); `screen` lends a finished game's display arrays.
   */
  constructor(
    readonly setup: GameSetup,
    rng: Rng,
    screen?: Game,
  ) {
    this.disp = screen?.disp ?? new Int16Array(NCELLS);
    this.dchars = screen?.dchars ?? new Uint8Array(NCELLS).fill(32);
    this.dcolors = screen?.dcolors ?? new Uint8Array(NCELLS);
    this.inView = screen?.inView ?? new Uint8Array(NCELLS);
    this.rng = rng;
    this.levelSeed = this.rng.int(0, 2 ** 31 - 1);
  }

  /** The level at `depth`, generated on first visit from a seed fixed at reset. */
  levelAt(depth: number): LevelBuild {
    // Depth 1 is built first thing in the episode, so the game's own stream is history-free there; deeper
    // levels get their own generator so they do not depend on how the player got to them.
    if (depth === 1 && this.levels.length === 0) return this.setup.makeLevel(depth, this.rng);
    const seed = (Math.imul(this.levelSeed ^ 0x5bd1e995, 31) + depth * 7919) >>> 1;
    return this.setup.makeLevel(depth, new Rng(seed));
  }

  /** Start the game on depth 1. */
  begin(): void {
    const b = this.levelAt(1);
    this.levels[1] = b.level;
    if (this.setup.kit) {
      const w = this.give(mkObj(OBJECT_ID.get('dagger')!))!;
      w.spe = 1;
      this.wielded = w;
      this.armor.body = this.give(mkObj(OBJECT_ID.get('leather armor')!));
      this.give(mkObj(OBJECT_ID.get('apple')!, 2));
    }
    let pet: Monster | undefined;
    if (this.setup.pet) pet = mkMonster(KITTEN, b.start, this.rng, { tame: true });
    this.enterLevel(b.level, b.start, pet);
  }

  /** Queue a message for this step's message line. */
  say(s: string): void {
    this.msg = this.msg === '' ? s : `${this.msg}  ${s}`;
  }

  /** Armour class: 10 minus worn armour. */
  get ac(): number {
    const a = this.armor;
    let ac = 10;
    if (a.body) ac -= acOf(a.body.kind) + a.body.spe;
    if (a.head) ac -= acOf(a.head.kind) + a.head.spe;
    if (a.shield) ac -= acOf(a.shield.kind) + a.shield.spe;
    return ac;
  }

  /** NetHack's bottom-line score: experience points, gold and 50 per level below the first. */
  get score(): number {
    return this.urexp + this.gold + 50 * (this.maxDepthReached - 1);
  }

  private setDisp(i: number, g: number): void {
    if (this.disp[i] === g) return;
    this.version++;
    this.disp[i] = g;
    this.dchars[i] = GLYPH_CHAR[g]!;
    this.dcolors[i] = GLYPH_COLOR[g]!;
  }

  /** Redraw one cell from the level (call after anything in it changes). */
  refresh(i: number): void {
    const lv = this.lv;
    if (this.inView[i]) {
      const mg = lv.memGlyph(i);
      if (lv.mem[i] === 0 && mg !== 0) lv.seen++;
      lv.mem[i] = mg;
      this.setDisp(i, i === this.pos ? PLAYER_GLYPH : lv.liveGlyph(i));
    } else if (this.disp[i] !== lv.mem[i]) {
      this.setDisp(i, lv.mem[i]!);
    }
  }

  /** Recompute what is in view after the player moved or sight lines changed. */
  updateView(): void {
    const nv = viewFrom(this.lv, this.pos);
    const ov = this.view;
    if (nv === ov) return;
    if (ov) for (let k = 0; k < ov.length; k++) this.inView[ov[k]!] = 0;
    for (let k = 0; k < nv.length; k++) this.inView[nv[k]!] = 1;
    this.view = nv;
    if (ov)
      for (let k = 0; k < ov.length; k++) {
        const i = ov[k]!;
        if (!this.inView[i]) this.refresh(i);
      }
    for (let k = 0; k < nv.length; k++) this.refresh(nv[k]!);
  }

  /** Forget the cached view (after doors, boulders or light changed). */
  viewChanged(): void {
    this.lv.invalidateView();
    this.updateView();
  }

  /** Move the player to cell `to` on the current level. */
  moveTo(to: number): void {
    const from = this.pos;
    this.pos = to;
    this.refresh(from);
    this.updateView();
    this.refresh(to);
  }

  /** Make `lv` the current level with the player at `pos`, bringing the pet along when `pet` is given. */
  enterLevel(lv: Level, pos: number, pet?: Monster): void {
    this.lv = lv;
    this.depth = lv.depth;
    if (lv.depth > this.maxDepthReached) this.maxDepthReached = lv.depth;
    const occupant = lv.monAt[pos];
    if (occupant) relocate(lv, occupant, this.rng);
    this.pos = pos;
    if (pet) {
      const spot = freeNear(lv, pos, this.rng);
      if (spot >= 0) {
        pet.pos = spot;
        lv.addMonster(pet);
      }
    }
    this.inView.fill(0);
    this.view = null;
    this.version++;
    if (lv.seen === 0) {
      this.disp.fill(0);
      this.dchars.fill(32);
      this.dcolors.fill(0);
    } else for (let i = 0; i < NCELLS; i++) this.setDisp(i, lv.mem[i]!);
    this.updateView();
    this.refresh(pos);
  }

  /** Hand an object to the player, merging stacks; returns the inventory object or null when full. */
  give(o: Obj): Obj | null {
    for (const x of this.inv) {
      if (x.kind === o.kind && x.corpseOf === o.corpseOf && x.spe === o.spe && stackable(o.kind)) {
        x.qty += o.qty;
        this.invDirty = true;
        return x;
      }
    }
    if (this.inv.length >= 52) return null;
    const used = new Set(this.inv.map((x) => x.letter));
    for (const l of LETTERS)
      if (!used.has(l)) {
        o.letter = l;
        break;
      }
    this.inv.push(o);
    this.invDirty = true;
    return o;
  }

  /** Remove one unit of `o` from the inventory. */
  useUp(o: Obj): void {
    o.qty--;
    if (o.qty <= 0) {
      this.inv.splice(this.inv.indexOf(o), 1);
      if (this.wielded === o) this.wielded = null;
    }
    this.invDirty = true;
  }

  /** Recycle this game's levels (the game must not be used afterwards). */
  release(): void {
    for (const lv of this.levels) lv?.release();
    this.levels = [];
  }

  /** Remember recent messages (called once per step). */
  endStep(): void {
    if (this.msg === '') return;
    this.ring[this.ringNext] = this.msg;
    this.ringNext = (this.ringNext + 1) & 7;
    if (this.ringCount < 8) this.ringCount++;
  }

  /** The last (up to 8) non-empty messages, oldest first. */
  recentMessages(): string[] {
    const out: string[] = [];
    for (let k = this.ringCount; k > 0; k--) out.push(this.ring[(this.ringNext - k + 8) & 7]!);
    return out;
  }
}

/** Inventory letters in NetHack's order. */
export const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function acOf(kind: number): number {
  return OBJECTS[kind]!.ac ?? 0;
}
function stackable(kind: number): boolean {
  const c = OBJECTS[kind]!.cls;
  return c === 'food' || c === 'potion' || c === 'scroll' || c === 'gold';
}

/** A free walkable cell next to `pos` (or -1). */
export function freeNear(lv: Level, pos: number, rng: Rng): number {
  const start = rng.int(0, 8);
  for (let r = 1; r <= 3; r++) {
    for (let k = 0; k < 8 * r; k++) {
      const dy = [-1, 0, 1, 0, -1, 1, 1, -1][(start + k) % 8]! * r;
      const dx = [0, 1, 0, -1, 1, 1, -1, -1][(start + k) % 8]! * r;
      const y = ((pos / COLS) | 0) + dy,
        x = (pos % COLS) + dx;
      if (y < 0 || y >= 21 || x < 0 || x >= COLS) continue;
      const i = y * COLS + x;
      const t = lv.terrain[i]!;
      if (
        (t === T.FLOOR || t === T.CORRIDOR || t === T.DOORWAY || t === T.DOOR_BROKEN || t === T.DOOR_OPEN) &&
        !lv.monAt[i] &&
        !lv.boulder[i] &&
        i !== pos
      )
        return i;
    }
  }
  return -1;
}

function relocate(lv: Level, m: Monster, rng: Rng): void {
  const spot = freeNear(lv, m.pos, rng);
  lv.monAt[m.pos] = null;
  if (spot < 0) {
    m.dead = true;
    lv.monsters = lv.monsters.filter((x) => x !== m);
    return;
  }
  m.pos = spot;
  lv.monAt[spot] = m;
}
