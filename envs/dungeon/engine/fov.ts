import { COLS, NCELLS, ROWS, opaque } from './consts.js';
import type { Level } from './level.js';

const mark = new Uint8Array(NCELLS);
let count = 0;

// Octant transforms for recursive shadowcasting: (xx, xy, yx, yy).
const OCT = [
  [1, 0, 0, 1],
  [0, 1, 1, 0],
  [0, -1, 1, 0],
  [-1, 0, 0, 1],
  [-1, 0, 0, -1],
  [0, -1, -1, 0],
  [0, 1, -1, 0],
  [1, 0, 0, -1],
] as const;

function blocks(lv: Level, i: number): boolean {
  return opaque(lv.terrain[i]!) || lv.boulder[i] === 1;
}

function see(lv: Level, i: number, dist2: number): void {
  // A cell in line of sight is seen when lit, or when adjacent (NetHack's dark-room rule).
  if (!mark[i] && (lv.lit[i] || dist2 <= 2)) {
    mark[i] = 1;
    count++;
    const x = i % COLS,
      y = (i / COLS) | 0;
    if (x < minX) minX = x;
    else if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    else if (y > maxY) maxY = y;
  }
}

function cast(
  lv: Level,
  cx: number,
  cy: number,
  row: number,
  start: number,
  end: number,
  xx: number,
  xy: number,
  yx: number,
  yy: number,
): void {
  if (start < end) return;
  let newStart = 0;
  for (let j = row; j < 80; j++) {
    let blocked = false;
    for (let dx = -j, dy = -j; dx <= 0; dx++) {
      const lSlope = (dx - 0.5) / (dy + 0.5);
      const rSlope = (dx + 0.5) / (dy - 0.5);
      if (start < rSlope) continue;
      if (end > lSlope) break;
      const x = cx + dx * xx + dy * xy;
      const y = cy + dx * yx + dy * yy;
      if (x < 0 || y < 0 || x >= COLS || y >= ROWS) continue;
      const i = y * COLS + x;
      see(lv, i, dx * dx + dy * dy);
      if (blocked) {
        if (blocks(lv, i)) {
          newStart = rSlope;
          continue;
        }
        blocked = false;
        start = newStart;
      } else if (blocks(lv, i) && j < 80) {
        blocked = true;
        cast(lv, cx, cy, j + 1, start, lSlope, xx, xy, yx, yy);
        newStart = rSlope;
      }
    }
    if (blocked) break;
  }
}

let minX = 0,
  maxX = 0,
  minY = 0,
  maxY = 0;

/** The sorted cells visible from `pos` (cached per sight layout; identical views share one array). */
export function viewFrom(lv: Level, pos: number): Int16Array {
  const cache = lv.sight();
  const cached = cache.views[pos];
  if (cached) return cached;
  count = 0;
  const cx = pos % COLS,
    cy = (pos / COLS) | 0;
  minX = maxX = cx;
  minY = maxY = cy;
  see(lv, pos, 0);
  for (const [xx, xy, yx, yy] of OCT) cast(lv, cx, cy, 1, 1, 0, xx, xy, yx, yy);
  // Collect in index order by scanning the bounding box (cheaper than sorting).
  const out = new Int16Array(count);
  let k = 0,
    h = 2166136261;
  for (let y = minY; y <= maxY; y++) {
    for (let i = y * COLS + minX, e = y * COLS + maxX; i <= e; i++) {
      if (!mark[i]) continue;
      mark[i] = 0;
      out[k++] = i;
      h = Math.imul(h ^ i, 16777619);
    }
  }
  h = (h ^ count) >>> 0;
  const bucket = cache.dedupe.get(h);
  let shared: Int16Array | undefined;
  if (bucket) {
    for (const b of bucket) {
      if (b.length !== out.length) continue;
      let same = true;
      for (let j = 0; j < b.length; j++)
        if (b[j] !== out[j]) {
          same = false;
          break;
        }
      if (same) {
        shared = b;
        break;
      }
    }
  }
  if (!shared) {
    shared = out;
    if (bucket) bucket.push(out);
    else cache.dedupe.set(h, [out]);
  }
  cache.views[pos] = shared;
  return shared;
}
