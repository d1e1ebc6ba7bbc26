import type { RgbFrame } from '../../src/core/env.js';
import { COLS, NCELLS, ROWS } from './engine/consts.js';
import { type Game, HUNGER_NAMES } from './engine/game.js';
import { GLYPH_CHAR, GLYPH_COLOR } from './engine/glyphs.js';
import { drawTile, TILE } from './tiles.js';

// ANSI SGR codes for NetHack's 16 colours (black drawn as dark grey so dark floor stays visible).
const SGR = ['90', '31', '32', '33', '34', '35', '36', '37', '37', '91', '92', '93', '94', '95', '96', '97'];

/** The two NetHack status lines. */
export function statusLines(g: Game): [string, string] {
  const h = g.hunger === 1 ? '' : ` ${HUNGER_NAMES[g.hunger]}`;
  return [
    `Agent the Stripling  St:${g.str} Dx:${g.dex} Co:${g.con} In:${g.int} Wi:${g.wis} Ch:${g.cha} Neutral S:${g.score}`,
    `Dlvl:${g.depth} $:${g.gold} HP:${Math.max(0, g.hp)}(${g.hpmax}) Pw:${g.pw}(${g.pwmax}) AC:${g.ac} ` +
      `Xp:${g.ulevel}/${g.uexp} T:${g.time}${h}`,
  ];
}

/** A coloured terminal picture: message line, map, status lines. */
export function renderAnsi(g: Game): string {
  const out: string[] = [g.msg];
  for (let y = 0; y < ROWS; y++) {
    let line = '';
    let cur = -1;
    for (let x = 0; x < COLS; x++) {
      const gl = g.disp[y * COLS + x]!;
      const col = GLYPH_COLOR[gl]!;
      if (col !== cur) {
        line += `\x1b[${SGR[col]}m`;
        cur = col;
      }
      line += String.fromCharCode(GLYPH_CHAR[gl]!);
    }
    out.push(`${line}\x1b[0m`);
  }
  out.push(...statusLines(g));
  return out.join('\n');
}

/** Plain text of the map (no colours), for state() and tests. */
export function renderText(g: Game): string {
  const rows: string[] = [];
  for (let y = 0; y < ROWS; y++) rows.push(String.fromCharCode(...g.dchars.subarray(y * COLS, (y + 1) * COLS)));
  return rows.join('\n');
}

/** An RGB image of the map: one TILE x TILE tile per cell, drawn from the glyph ids. */
export function renderRgb(g: Game): RgbFrame {
  const width = COLS * TILE,
    height = ROWS * TILE;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < NCELLS; i++) drawTile(data, width, (i % COLS) * TILE, ((i / COLS) | 0) * TILE, g.disp[i]!);
  return { width, height, data };
}
