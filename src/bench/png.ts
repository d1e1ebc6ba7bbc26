import { PNG } from 'pngjs';
import type { Drawing } from './chart.js';
import { glyph, GLYPH_ADVANCE, GLYPH_HEIGHT } from './font5x7.js';

function rgb(color: string): [number, number, number] | undefined {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return undefined;
  const v = parseInt(m[1]!, 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Rasterise a drawing (our own scanline code: square-brush lines, filled/stroked rectangles, 5x7 bitmap text). */
export function toPng(d: Drawing): Buffer {
  const W = Math.ceil(d.width);
  const H = Math.ceil(d.height);
  const png = new PNG({ width: W, height: H });
  const buf = png.data;
  const bg = rgb(d.background) ?? [255, 255, 255];
  for (let i = 0; i < W * H; i++) {
    buf[i * 4] = bg[0];
    buf[i * 4 + 1] = bg[1];
    buf[i * 4 + 2] = bg[2];
    buf[i * 4 + 3] = 255;
  }
  const put = (x: number, y: number, c: [number, number, number]): void => {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= W || yi >= H) return;
    const k = (yi * W + xi) * 4;
    buf[k] = c[0];
    buf[k + 1] = c[1];
    buf[k + 2] = c[2];
  };
  const brush = (x: number, y: number, w: number, c: [number, number, number]): void => {
    const r = Math.max(0, Math.floor((w - 1) / 2));
    const r2 = w - 1 - r;
    for (let dy = -r; dy <= r2; dy++) for (let dx = -r; dx <= r2; dx++) put(x + dx, y + dy, c);
  };
  const line = (x1: number, y1: number, x2: number, y2: number, w: number, c: [number, number, number]): void => {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x2 - x1), Math.abs(y2 - y1))));
    for (let i = 0; i <= n; i++) brush(x1 + ((x2 - x1) * i) / n, y1 + ((y2 - y1) * i) / n, w, c);
  };
  for (const s of d.shapes) {
    switch (s.kind) {
      case 'line': {
        const c = rgb(s.color);
        if (c) line(s.x1, s.y1, s.x2, s.y2, s.width, c);
        break;
      }
      case 'polyline': {
        const c = rgb(s.color);
        if (!c) break;
        for (let i = 1; i < s.points.length; i++) line(s.points[i - 1]![0], s.points[i - 1]![1], s.points[i]![0], s.points[i]![1], s.width, c);
        if (s.points.length === 1) brush(s.points[0]![0], s.points[0]![1], s.width + 1, c);
        break;
      }
      case 'rect': {
        const f = rgb(s.fill);
        if (f) for (let y = Math.round(s.y); y < Math.round(s.y + s.h); y++) for (let x = Math.round(s.x); x < Math.round(s.x + s.w); x++) put(x, y, f);
        const st = s.stroke ? rgb(s.stroke) : undefined;
        if (st) {
          line(s.x, s.y, s.x + s.w, s.y, 1, st);
          line(s.x, s.y + s.h, s.x + s.w, s.y + s.h, 1, st);
          line(s.x, s.y, s.x, s.y + s.h, 1, st);
          line(s.x + s.w, s.y, s.x + s.w, s.y + s.h, 1, st);
        }
        break;
      }
      case 'text': {
        const c = rgb(s.color);
        if (!c) break;
        const scale = s.size >= 14 ? 2 : 1;
        const width = s.text.length * GLYPH_ADVANCE * scale;
        let x = s.anchor === 'middle' ? s.x - width / 2 : s.anchor === 'end' ? s.x - width : s.x;
        const top = s.y - GLYPH_HEIGHT * scale;
        for (const ch of s.text) {
          const rows = glyph(ch);
          rows.forEach((bits, ry) => {
            for (let cx = 0; cx < 5; cx++) {
              if (bits & (0x10 >> cx)) for (let sy = 0; sy < scale; sy++) for (let sx = 0; sx < scale; sx++) put(x + cx * scale + sx, top + ry * scale + sy, c);
            }
          });
          x += GLYPH_ADVANCE * scale;
        }
        break;
      }
    }
  }
  return PNG.sync.write(png);
}
