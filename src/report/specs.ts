import type { TopLevelSpec } from 'vega-lite';

/** One value of a chart: a series (stack, component, counter ...) at an env step, with an optional band. */
export interface ChartRow {
  step: number;
  series: string;
  value: number;
  lo?: number;
  hi?: number;
}

/** One chart: what it shows (title, axis, what the band means) and its rows. */
export interface ChartPanel {
  title: string;
  /** A second title line: what the lines and the band are. */
  subtitle?: string;
  yTitle: string;
  rows: ChartRow[];
  yDomain?: [number, number];
  /** The step axis, shared by the panels of one env (a lone evaluation would otherwise span the whole axis). */
  xDomain?: [number, number];
  /** Mark each point of these series (or all): sparse series such as evaluations, with error bars for their band. */
  points?: boolean | readonly string[];
  legendTitle?: string;
}

/** Colour-blind-safe palette (Okabe–Ito), then Tableau's for more series. */
export const PALETTE = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#000000',
  '#F0E442',
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/** Shared look: a font every renderer has, sizes readable in a PNG at a glance. */
export const CONFIG = {
  font: FONT,
  title: { fontSize: 15, subtitleFontSize: 11, subtitleColor: '#555', anchor: 'start' as const, offset: 8 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 12, titleFontSize: 12, symbolStrokeWidth: 3, labelLimit: 260 },
  view: { stroke: '#999' },
};

// 0, 500, 2.5k, 1.2M: a compact step label without SI prefixes on small numbers.
const STEP_LABEL =
  "abs(datum.value) >= 1e6 ? format(datum.value / 1e6, '.3~f') + 'M' : abs(datum.value) >= 1e3 ? " +
  "format(datum.value / 1e3, '.3~f') + 'k' : format(datum.value, '~g')";

/** The order of all series across panels, so one series keeps its colour everywhere. */
export function seriesOrder(panels: readonly ChartPanel[]): string[] {
  return [...new Set(panels.flatMap((p) => p.rows.map((r) => r.series)))];
}

function color(domain: readonly string[], legend: object): object {
  const range = domain.map((_, i) => PALETTE[i % PALETTE.length]!);
  return { field: 'series', type: 'nominal', sort: domain, scale: { domain, range }, legend };
}

/** A panel's layers: the band (when rows have one), the mean line, and with `interactive` hover tooltips. */
function layers(p: ChartPanel, domain: readonly string[], interactive: boolean): object[] {
  const x = {
    field: 'step',
    type: 'quantitative',
    title: 'env steps',
    axis: { labelExpr: STEP_LABEL, tickCount: 6 },
    ...(p.xDomain ? { scale: { domain: p.xDomain } } : {}),
  };
  const y = {
    field: 'value',
    type: 'quantitative',
    title: p.yTitle,
    scale: { zero: false, ...(p.yDomain ? { domain: p.yDomain } : {}) },
  };
  // Every layer states the same legend: they merge into one, drawn as full-colour strokes (not faint bands).
  const legend = { title: p.legendTitle ?? null, symbolType: 'stroke', symbolOpacity: 1, orient: 'right' };
  const sparse =
    p.points === true ? seriesOrder([p]) : p.points === undefined || p.points === false ? [] : [...p.points];
  const isSparse = { field: 'series', oneOf: sparse };
  const fade = (on: number): object =>
    interactive ? { condition: { param: 'pick', value: on }, value: 0.03 } : { value: on };
  const out: object[] = [];
  const withBand = (extra: object): object[] => [
    { filter: 'isValid(datum.lo) && isValid(datum.hi)' },
    { filter: extra },
  ];
  const band = {
    x,
    y: { field: 'lo', type: 'quantitative', scale: y.scale, title: p.yTitle },
    y2: { field: 'hi' },
    color: color(domain, legend),
  };
  if (p.rows.some((r) => r.lo !== undefined && r.hi !== undefined)) {
    // curves get a shaded band, sparse points (evaluations) error bars, unclipped: the last one sits on the axis end
    if (sparse.length < seriesOrder([p]).length) {
      out.push({
        transform: withBand({ not: isSparse }),
        mark: { type: 'area', clip: true },
        encoding: { ...band, opacity: fade(0.2) },
      });
    }
    if (sparse.length > 0) {
      out.push({
        transform: withBand(isSparse),
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: { ...band, opacity: fade(0.5) },
      });
    }
  }
  out.push({
    mark: { type: 'line', strokeWidth: 2.2, clip: true },
    ...(interactive
      ? { params: [{ name: 'pick', select: { type: 'point', fields: ['series'] }, bind: 'legend' }] }
      : {}),
    encoding: {
      x,
      y,
      color: color(domain, legend),
      ...(interactive ? { opacity: { condition: { param: 'pick', value: 1 }, value: 0.12 } } : {}),
    },
  });
  if (sparse.length > 0) {
    out.push({
      transform: [{ filter: isSparse }],
      mark: { type: 'point', filled: true, size: 60 },
      encoding: { x, y, color: color(domain, legend), opacity: fade(1) },
    });
  }
  if (interactive) {
    const tooltip = [
      { field: 'series', type: 'nominal', title: p.legendTitle ?? 'series' },
      { field: 'step', type: 'quantitative', format: ',', title: 'env steps' },
      { field: 'value', type: 'quantitative', format: '.4~g', title: p.yTitle },
      ...(p.rows.some((r) => r.lo !== undefined)
        ? [
            { field: 'lo', type: 'quantitative', format: '.4~g', title: 'band low' },
            { field: 'hi', type: 'quantitative', format: '.4~g', title: 'band high' },
          ]
        : []),
    ];
    out.push({
      params: [{ name: 'hover', select: { type: 'point', on: 'pointerover', nearest: true, clear: 'pointerout' } }],
      mark: { type: 'point', filled: true, size: 70 },
      encoding: {
        x,
        y,
        color: color(domain, legend),
        tooltip,
        opacity: { condition: { param: 'hover', empty: false, value: 1 }, value: 0 },
      },
    });
  }
  return out;
}

const title = (p: ChartPanel): object => ({ text: p.title, ...(p.subtitle ? { subtitle: p.subtitle } : {}) });

/** One interactive chart (hover for values, click the legend to pick series) for the HTML report. */
export function chartSpec(
  p: ChartPanel,
  opts: { width?: number; height?: number; colorDomain?: readonly string[] } = {},
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: title(p),
    width: opts.width ?? 520,
    height: opts.height ?? 240,
    data: { values: p.rows },
    layer: layers(p, opts.colorDomain ?? seriesOrder([p]), true),
  } as TopLevelSpec;
}

/** Static panels in a grid, for SVG and PNG; `sharedLegend` when every panel draws the same series (bench stacks). */
export function gridSpec(
  panels: readonly ChartPanel[],
  opts: { title: string; subtitle?: string; columns: number; sharedLegend: boolean; width?: number; height?: number },
): TopLevelSpec {
  const shared = seriesOrder(panels);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...CONFIG, background: 'white', padding: 12 },
    title: {
      text: opts.title,
      fontSize: 18,
      ...(opts.subtitle ? { subtitle: opts.subtitle, subtitleFontSize: 12 } : {}),
    },
    columns: opts.columns,
    spacing: 28,
    resolve: { scale: { color: opts.sharedLegend ? 'shared' : 'independent', y: 'independent', x: 'independent' } },
    concat: panels.map((p) => ({
      title: title(p),
      width: opts.width ?? 340,
      height: opts.height ?? 200,
      data: { values: p.rows },
      layer: layers(p, opts.sharedLegend ? shared : seriesOrder([p]), false),
    })),
  } as TopLevelSpec;
}
