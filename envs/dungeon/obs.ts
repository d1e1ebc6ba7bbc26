import { RxgymError } from '../../src/core/env.js';
import { Box, Dict, type Space, type TypedArray } from '../../src/core/spaces.js';
import { COLS, ROWS } from './engine/consts.js';
import { objName } from './engine/effects.js';
import type { Game } from './engine/game.js';
import type { Obj } from './engine/level.js';
import { NUM_GLYPHS, OBJ_OFF } from './engine/glyphs.js';
import { OBJECTS, OCLASS_NUM } from './engine/items.js';

/** Every observation key the dungeon can produce. */
export const OBS_KEYS = [
  'glyphs',
  'chars',
  'colors',
  'blstats',
  'message',
  'glyphs_crop',
  'chars_crop',
  'colors_crop',
  'inv_glyphs',
  'inv_letters',
  'inv_oclasses',
  'inv_strs',
] as const;
/** An observation key. */
export type ObsKey = (typeof OBS_KEYS)[number];
/** MiniHack's default keys (without `specials`). */
export const DEFAULT_KEYS: readonly ObsKey[] = [
  'glyphs',
  'chars',
  'colors',
  'glyphs_crop',
  'chars_crop',
  'blstats',
  'message',
];
/** Number of blstats entries (NLE order). */
export const BLSTATS = 27;
const INV = 55;
const INV_STR = 80;
const MSG = 256;

/** The observation of one step: requested keys only, each a preallocated typed array reused every step. */
export type DungeonObs = Record<string, TypedArray>;

/** Builds the observation space and writes observations without allocating. */
export class ObsWriter {
  readonly space: Space<DungeonObs>;
  readonly obs: DungeonObs = {};
  private readonly has: Record<ObsKey, boolean>;
  private lastMsg = '';
  private lastMsgLen = 0;
  private lastVersion = -1;
  private lastPos = -1;
  private lastGame: Game | null = null;
  private readonly half: number;

  constructor(
    keys: readonly string[],
    readonly crop: number,
  ) {
    if (!Array.isArray(keys) || keys.length === 0)
      throw new RxgymError(`observationKeys must be a non-empty array of keys from: ${OBS_KEYS.join(', ')}`);
    for (const k of keys)
      if (!(OBS_KEYS as readonly string[]).includes(k))
        throw new RxgymError(`unknown observation key "${String(k)}"; use some of: ${OBS_KEYS.join(', ')}`);
    if (!Number.isInteger(crop) || crop < 1 || crop % 2 === 0 || crop > ROWS) {
      throw new RxgymError(
        `cropSize must be an odd integer from 1 to ${ROWS} (the crop is centred on the player), got ${String(crop)}`,
      );
    }
    this.half = (crop - 1) >> 1;
    this.has = Object.fromEntries(OBS_KEYS.map((k) => [k, keys.includes(k)])) as Record<ObsKey, boolean>;
    const G = NUM_GLYPHS - 1;
    const defs: Record<ObsKey, Box> = {
      glyphs: new Box(0, G, [ROWS, COLS], 'int16'),
      chars: new Box(0, 255, [ROWS, COLS], 'uint8'),
      colors: new Box(0, 15, [ROWS, COLS], 'uint8'),
      blstats: new Box(-2147483648, 2147483647, [BLSTATS], 'int32'),
      message: new Box(0, 255, [MSG], 'uint8'),
      glyphs_crop: new Box(0, G, [crop, crop], 'int16'),
      chars_crop: new Box(0, 255, [crop, crop], 'uint8'),
      colors_crop: new Box(0, 15, [crop, crop], 'uint8'),
      inv_glyphs: new Box(0, G, [INV], 'int16'),
      inv_letters: new Box(0, 255, [INV], 'uint8'),
      inv_oclasses: new Box(0, 18, [INV], 'uint8'),
      inv_strs: new Box(0, 255, [INV, INV_STR], 'uint8'),
    };
    const spaces: Record<string, Box> = {};
    for (const k of keys as ObsKey[]) {
      spaces[k] = defs[k];
      this.obs[k] = new (
        k === 'blstats'
          ? Int32Array
          : k === 'glyphs' || k === 'glyphs_crop' || k === 'inv_glyphs'
            ? Int16Array
            : Uint8Array
      )(defs[k].size);
    }
    this.space = new Dict(spaces) as unknown as Space<DungeonObs>;
  }

  /** Write the observation of `g`; `full` rewrites everything (after reset). */
  write(g: Game, full: boolean): DungeonObs {
    const o = this.obs,
      h = this.has;
    // The maps only change when the display changed; the crops also when the player moved.
    const mapChanged = full || g.version !== this.lastVersion || g !== this.lastGame;
    const cropChanged = mapChanged || g.pos !== this.lastPos;
    this.lastVersion = g.version;
    this.lastPos = g.pos;
    this.lastGame = g;
    if (mapChanged) {
      if (h.glyphs) o.glyphs!.set(g.disp);
      if (h.chars) o.chars!.set(g.dchars);
      if (h.colors) o.colors!.set(g.dcolors);
    }
    if (h.blstats) this.blstats(g, o.blstats as Int32Array);
    if (h.message && (full || g.msg !== this.lastMsg)) this.message(g.msg, o.message as Uint8Array);
    if (cropChanged) {
      if (h.glyphs_crop) this.cropOf(g, g.disp, o.glyphs_crop as Int16Array, 0);
      if (h.chars_crop) this.cropBytes(g, g.dchars, o.chars_crop as Uint8Array, 32);
      if (h.colors_crop) this.cropBytes(g, g.dcolors, o.colors_crop as Uint8Array, 0);
    }
    if (full || g.invDirty) {
      this.inventory(g);
      g.invDirty = false;
    }
    return o;
  }

  private blstats(g: Game, b: Int32Array): void {
    b[0] = g.pos % COLS;
    b[1] = (g.pos / COLS) | 0;
    b[2] = g.str;
    b[3] = g.str;
    b[4] = g.dex;
    b[5] = g.con;
    b[6] = g.int;
    b[7] = g.wis;
    b[8] = g.cha;
    b[9] = g.score;
    b[10] = g.hp;
    b[11] = g.hpmax;
    b[12] = g.depth;
    b[13] = g.gold;
    b[14] = g.pw;
    b[15] = g.pwmax;
    b[16] = g.ac;
    b[17] = 0;
    b[18] = g.ulevel;
    b[19] = g.uexp;
    b[20] = g.time;
    b[21] = g.hunger;
    b[22] = 0;
    b[23] = 0;
    b[24] = g.depth;
    b[25] = 0;
    b[26] = 0;
  }

  private message(s: string, m: Uint8Array): void {
    const n = Math.min(s.length, MSG);
    for (let i = 0; i < n; i++) m[i] = s.charCodeAt(i) & 0xff;
    if (n < this.lastMsgLen) m.fill(0, n, this.lastMsgLen);
    this.lastMsgLen = n;
    this.lastMsg = s;
  }

  // Two monomorphic copies (int16 glyphs, uint8 chars/colours) keep the element access fast.
  private cropOf(g: Game, src: Int16Array, dst: Int16Array, pad: number): void {
    const c = this.crop,
      hf = this.half;
    const py = (g.pos / COLS) | 0,
      px = g.pos % COLS;
    const x0 = px - hf,
      x1 = px + hf;
    const inside = x0 >= 0 && x1 < COLS;
    let k = 0;
    for (let y = py - hf; y <= py + hf; y++) {
      if (y < 0 || y >= ROWS) {
        dst.fill(pad, k, k + c);
        k += c;
        continue;
      }
      const row = y * COLS;
      if (inside) {
        for (let i = row + x0, e = row + x1; i <= e; i++) dst[k++] = src[i]!;
        continue;
      }
      for (let x = x0; x <= x1; x++) dst[k++] = x < 0 || x >= COLS ? pad : src[row + x]!;
    }
  }

  private cropBytes(g: Game, src: Uint8Array, dst: Uint8Array, pad: number): void {
    const c = this.crop,
      hf = this.half;
    const py = (g.pos / COLS) | 0,
      px = g.pos % COLS;
    const x0 = px - hf,
      x1 = px + hf;
    const inside = x0 >= 0 && x1 < COLS;
    let k = 0;
    for (let y = py - hf; y <= py + hf; y++) {
      if (y < 0 || y >= ROWS) {
        dst.fill(pad, k, k + c);
        k += c;
        continue;
      }
      const row = y * COLS;
      if (inside) {
        for (let i = row + x0, e = row + x1; i <= e; i++) dst[k++] = src[i]!;
        continue;
      }
      for (let x = x0; x <= x1; x++) dst[k++] = x < 0 || x >= COLS ? pad : src[row + x]!;
    }
  }

  private inventory(g: Game): void {
    const o = this.obs,
      h = this.has;
    if (!(h.inv_glyphs || h.inv_letters || h.inv_oclasses || h.inv_strs)) return;
    o.inv_glyphs?.fill(0);
    o.inv_letters?.fill(0);
    o.inv_oclasses?.fill(0);
    o.inv_strs?.fill(0);
    const n = Math.min(g.inv.length, INV);
    for (let k = 0; k < n; k++) {
      const it = g.inv[k]!;
      if (o.inv_glyphs) o.inv_glyphs[k] = OBJ_OFF + it.kind;
      if (o.inv_letters) o.inv_letters[k] = it.letter.charCodeAt(0);
      if (o.inv_oclasses) o.inv_oclasses[k] = OCLASS_NUM[OBJECTS[it.kind]!.cls];
      if (o.inv_strs) {
        const s = invString(g, it);
        for (let j = 0; j < Math.min(s.length, INV_STR - 1); j++) o.inv_strs[k * INV_STR + j] = s.charCodeAt(j) & 0xff;
      }
    }
  }
}

/** The inventory line of an item, as NetHack prints it ("a +1 dagger (weapon in hand)"). */
export function invString(g: Game, it: Obj): string {
  const worn = it === g.armor.body || it === g.armor.head || it === g.armor.shield || it === g.amulet;
  return `${objName(it)}${it === g.wielded ? ' (weapon in hand)' : worn ? ' (being worn)' : ''}${OBJECTS[it.kind]!.cls === 'wand' ? ` (0:${it.spe})` : ''}`;
}
