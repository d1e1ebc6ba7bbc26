import type { RgbFrame } from '../../src/core/env.js';

/** An RGB color. */
export type Rgb = readonly [number, number, number];

/** A blank frame filled with `bg`. */
export function newFrame(width: number, height: number, bg: Rgb): RgbFrame {
  const f = { width, height, data: new Uint8Array(width * height * 3) };
  clear(f, bg);
  return f;
}

/** Fill the whole frame with `c`. */
export function clear(f: RgbFrame, c: Rgb): void {
  const d = f.data;
  for (let p = 0; p < d.length; p += 3) {
    d[p] = c[0];
    d[p + 1] = c[1];
    d[p + 2] = c[2];
  }
}

function put(f: RgbFrame, x: number, y: number, c: Rgb): void {
  if (x < 0 || y < 0 || x >= f.width || y >= f.height) return;
  const p = (y * f.width + x) * 3;
  f.data[p] = c[0];
  f.data[p + 1] = c[1];
  f.data[p + 2] = c[2];
}

/** Fill a convex or concave simple polygon (even-odd scanline). Coordinates in pixels, y down. */
export function fillPolygon(f: RgbFrame, pts: ReadonlyArray<readonly [number, number]>, c: Rgb): void {
  let y0 = Infinity,
    y1 = -Infinity;
  for (const [, y] of pts) {
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const xs: number[] = [];
  for (let y = Math.max(0, Math.floor(y0)); y <= Math.min(f.height - 1, Math.ceil(y1)); y++) {
    const sy = y + 0.5;
    xs.length = 0;
    for (let i = 0; i < pts.length; i++) {
      const [ax, ay] = pts[i]!;
      const [bx, by] = pts[(i + 1) % pts.length]!;
      if ((ay <= sy && by > sy) || (by <= sy && ay > sy)) xs.push(ax + ((sy - ay) / (by - ay)) * (bx - ax));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      for (let x = Math.max(0, Math.round(xs[k]!)); x < Math.min(f.width, Math.round(xs[k + 1]!)); x++) put(f, x, y, c);
    }
  }
}

/** Fill a circle. */
export function fillCircle(f: RgbFrame, cx: number, cy: number, r: number, c: Rgb): void {
  for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
    for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) put(f, x, y, c);
    }
  }
}

/** A line of width `w` from (ax, ay) to (bx, by). */
export function thickLine(f: RgbFrame, ax: number, ay: number, bx: number, by: number, w: number, c: Rgb): void {
  const len = Math.hypot(bx - ax, by - ay) || 1;
  const nx = (-(by - ay) / len) * (w / 2),
    ny = ((bx - ax) / len) * (w / 2);
  fillPolygon(
    f,
    [
      [ax + nx, ay + ny],
      [bx + nx, by + ny],
      [bx - nx, by - ny],
      [ax - nx, ay - ny],
    ],
    c,
  );
}
