import type { Rng } from '../../../src/core/rng.js';
import { COLS, ROWS, T } from './consts.js';
import type { Level } from './level.js';

/**
 * Carve a perfect maze (iterative depth-first backtracker) into a w x h region centred on the map:
 * walls everywhere, passages at odd offsets, all lit. Returns the passage cells.
 */
export function carveMaze(lv: Level, rng: Rng, w: number, h: number): number[] {
  const W = w % 2 === 0 ? w + 1 : w,
    H = h % 2 === 0 ? h + 1 : h;
  const ox = Math.floor((COLS - W) / 2),
    oy = Math.floor((ROWS - H) / 2);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (oy + y) * COLS + ox + x;
      lv.set(i, T.WALL);
      lv.lit[i] = 1;
    }
  const cw = (W - 1) / 2,
    ch = (H - 1) / 2;
  const seen = new Uint8Array(cw * ch);
  const cellAt = (cx: number, cy: number): number => (oy + 1 + 2 * cy) * COLS + ox + 1 + 2 * cx;
  const stack: number[] = [rng.int(0, cw * ch)];
  seen[stack[0]!] = 1;
  lv.set(cellAt(stack[0]! % cw, (stack[0]! / cw) | 0), T.FLOOR);
  const out: number[] = [cellAt(stack[0]! % cw, (stack[0]! / cw) | 0)];
  const nb: number[] = [];
  while (stack.length > 0) {
    const c = stack[stack.length - 1]!;
    const cx = c % cw,
      cy = (c / cw) | 0;
    nb.length = 0;
    if (cx > 0 && !seen[c - 1]) nb.push(c - 1);
    if (cx < cw - 1 && !seen[c + 1]) nb.push(c + 1);
    if (cy > 0 && !seen[c - cw]) nb.push(c - cw);
    if (cy < ch - 1 && !seen[c + cw]) nb.push(c + cw);
    if (nb.length === 0) {
      stack.pop();
      continue;
    }
    const n = nb[rng.int(0, nb.length)]!;
    seen[n] = 1;
    const nx = n % cw,
      ny = (n / cw) | 0;
    const a = cellAt(cx, cy),
      b = cellAt(nx, ny);
    const mid = (a + b) / 2;
    lv.set(mid, T.FLOOR);
    lv.set(b, T.FLOOR);
    out.push(mid, b);
    stack.push(n);
  }
  return out;
}
