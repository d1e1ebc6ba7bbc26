import type { RgbFrame } from '../core/env.js';

/** The nearest xterm-256 colour of an RGB triple (6x6x6 cube or grey ramp). */
export function xterm256(r: number, g: number, b: number): number {
  const q = (v: number): number => (v < 48 ? 0 : v < 115 ? 1 : Math.min(5, Math.floor((v - 35) / 40)));
  const levels = [0, 95, 135, 175, 215, 255];
  const cr = q(r);
  const cg = q(g);
  const cb = q(b);
  const cube = 16 + 36 * cr + 6 * cg + cb;
  const dc = (levels[cr]! - r) ** 2 + (levels[cg]! - g) ** 2 + (levels[cb]! - b) ** 2;
  const grey = Math.round((r + g + b) / 3);
  const gi = Math.max(0, Math.min(23, Math.round((grey - 8) / 10)));
  const gv = 8 + gi * 10;
  const dg = (gv - r) ** 2 + (gv - g) ** 2 + (gv - b) ** 2;
  return dg < dc ? 232 + gi : cube;
}

/**
 * An RGB frame as terminal text: each cell is '▀' with the upper pixel as foreground and the lower as
 * background, downscaled (box average) to fit `cols x rows` cells while keeping the aspect ratio.
 */
export function rgbToHalfBlocks(frame: RgbFrame, cols: number, rows: number): string {
  const { width, height, data } = frame;
  if (width <= 0 || height <= 0 || cols <= 0 || rows <= 0) return '';
  const scale = Math.max(width / cols, height / (rows * 2), 1);
  const outW = Math.max(1, Math.floor(width / scale));
  const outH = Math.max(2, Math.floor(height / scale / 2) * 2);
  const px = (ox: number, oy: number): number => {
    const x0 = Math.floor(ox * scale);
    const y0 = Math.floor(oy * scale);
    const x1 = Math.min(width, Math.max(x0 + 1, Math.floor((ox + 1) * scale)));
    const y1 = Math.min(height, Math.max(y0 + 1, Math.floor((oy + 1) * scale)));
    let r = 0;
    let g = 0;
    let b = 0;
    let n = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const k = (y * width + x) * 3;
        r += data[k]!;
        g += data[k + 1]!;
        b += data[k + 2]!;
        n++;
      }
    }
    return n === 0 ? 16 : xterm256(r / n, g / n, b / n);
  };
  const lines: string[] = [];
  for (let oy = 0; oy < outH; oy += 2) {
    let line = '';
    for (let ox = 0; ox < outW; ox++) line += `\x1b[38;5;${px(ox, oy)};48;5;${px(ox, oy + 1)}m▀`;
    lines.push(`${line}\x1b[0m`);
  }
  return lines.join('\n');
}
