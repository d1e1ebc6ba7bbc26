/** A drawing in pixel coordinates, rendered both to SVG (svg.ts) and to PNG (png.ts) by our own code. */
export type Shape =
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; color: string; width: number }
  | { kind: 'polyline'; points: [number, number][]; color: string; width: number }
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string; stroke?: string }
  | { kind: 'text'; x: number; y: number; text: string; color: string; size: number; anchor: 'start' | 'middle' | 'end' };

/** A drawing: size, background and shapes in painting order. */
export interface Drawing { width: number; height: number; background: string; shapes: Shape[] }

/** One curve: its label and (step, value) points. */
export interface Series { label: string; points: [number, number][] }
/** One panel of small multiples: a title and its curves. */
export interface Panel { title: string; yLabel: string; series: Series[]; yMin?: number; yMax?: number }

/** Colour-blind-safe palette (Okabe–Ito). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

function niceTicks(lo: number, hi: number, n: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function tickLabel(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(3)}`;
}

/** Lay out panels as a grid of line charts with shared legend (labels in series order, one colour each). */
export function lineCharts(panels: Panel[], opts: { columns?: number; panelWidth?: number; panelHeight?: number; title?: string } = {}): Drawing {
  const cols = Math.max(1, Math.min(opts.columns ?? 3, panels.length));
  const rows = Math.ceil(panels.length / cols);
  const pw = opts.panelWidth ?? 360;
  const ph = opts.panelHeight ?? 240;
  const labels = [...new Set(panels.flatMap((p) => p.series.map((s) => s.label)))];
  const headerH = opts.title ? 30 : 8;
  const legendH = 24;
  const width = cols * pw;
  const height = headerH + rows * ph + legendH;
  const shapes: Shape[] = [];
  if (opts.title) shapes.push({ kind: 'text', x: width / 2, y: 20, text: opts.title, color: '#000000', size: 14, anchor: 'middle' });
  panels.forEach((p, k) => {
    const ox = (k % cols) * pw;
    const oy = headerH + Math.floor(k / cols) * ph;
    const left = ox + 56;
    const right = ox + pw - 14;
    const top = oy + 24;
    const bottom = oy + ph - 36;
    const pts = p.series.flatMap((s) => s.points);
    const xs = pts.map((q) => q[0]);
    const ys = pts.map((q) => q[1]).filter(Number.isFinite);
    const x0 = 0;
    const x1 = xs.length ? Math.max(...xs, 1) : 1;
    let y0 = p.yMin ?? (ys.length ? Math.min(...ys) : 0);
    let y1 = p.yMax ?? (ys.length ? Math.max(...ys) : 1);
    if (!(y1 > y0)) {
      y0 -= 0.5;
      y1 += 0.5;
    }
    const sx = (x: number): number => left + ((x - x0) / (x1 - x0)) * (right - left);
    const sy = (y: number): number => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);
    shapes.push({ kind: 'text', x: (left + right) / 2, y: oy + 16, text: p.title, color: '#000000', size: 12, anchor: 'middle' });
    for (const t of niceTicks(y0, y1, 4)) {
      shapes.push({ kind: 'line', x1: left, y1: sy(t), x2: right, y2: sy(t), color: '#e0e0e0', width: 1 });
      shapes.push({ kind: 'text', x: left - 4, y: sy(t) + 4, text: tickLabel(t), color: '#444444', size: 10, anchor: 'end' });
    }
    for (const t of niceTicks(x0, x1, 4)) {
      shapes.push({ kind: 'line', x1: sx(t), y1: bottom, x2: sx(t), y2: bottom + 4, color: '#444444', width: 1 });
      shapes.push({ kind: 'text', x: sx(t), y: bottom + 16, text: tickLabel(t), color: '#444444', size: 10, anchor: 'middle' });
    }
    shapes.push({ kind: 'rect', x: left, y: top, w: right - left, h: bottom - top, fill: 'none', stroke: '#888888' });
    shapes.push({ kind: 'text', x: (left + right) / 2, y: bottom + 30, text: 'steps', color: '#444444', size: 10, anchor: 'middle' });
    shapes.push({ kind: 'text', x: ox + 4, y: top - 6, text: p.yLabel, color: '#444444', size: 10, anchor: 'start' });
    for (const s of p.series) {
      const color = PALETTE[labels.indexOf(s.label) % PALETTE.length]!;
      const ptsXY = s.points.filter((q) => Number.isFinite(q[1])).map(([x, y]) => [sx(x), sy(y)] as [number, number]);
      if (ptsXY.length > 0) shapes.push({ kind: 'polyline', points: ptsXY, color, width: 2 });
    }
  });
  let lx = 10;
  const ly = height - 8;
  labels.forEach((l, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    shapes.push({ kind: 'line', x1: lx, y1: ly - 4, x2: lx + 18, y2: ly - 4, color, width: 3 });
    shapes.push({ kind: 'text', x: lx + 22, y: ly, text: l, color: '#000000', size: 11, anchor: 'start' });
    lx += 34 + l.length * 7;
  });
  return { width, height, background: '#ffffff', shapes };
}
