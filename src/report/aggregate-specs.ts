import type { TopLevelSpec } from 'vega-lite';
import { CONFIG, PALETTE } from './specs.js';

/** One stack's estimate with its interval (an IQM bar) or one point of its performance profile (at `tau`). */
export interface AggregateRow {
  series: string;
  value: number;
  lo: number;
  hi: number;
  tau?: number;
}

/**
 * An aggregate chart: `interval` draws one point and CI bar per stack (rliable's interval estimates), `profile` one
 * line and CI band per stack over thresholds tau (the performance profile).
 */
export interface AggregatePanel {
  kind: 'interval' | 'profile';
  title: string;
  subtitle?: string;
  /** The value axis: the score for intervals, the fraction of runs above tau for profiles. */
  valueTitle: string;
  rows: AggregateRow[];
}

const LEGEND = { title: 'reward stack', symbolType: 'stroke', symbolOpacity: 1, orient: 'right' };

function color(domain: readonly string[], legend: object = LEGEND): object {
  const range = domain.map((_, i) => PALETTE[i % PALETTE.length]!);
  return { field: 'series', type: 'nominal', sort: domain, scale: { domain, range }, legend };
}

const unit = { domain: [0, 1] };

function intervalLayers(p: AggregatePanel, domain: readonly string[], interactive: boolean): object[] {
  const y = { field: 'series', type: 'nominal', sort: domain, title: null, axis: { labelLimit: 200 } };
  const x = { field: 'value', type: 'quantitative', title: p.valueTitle, scale: unit };
  const tooltip = interactive
    ? {
        tooltip: [
          { field: 'series', type: 'nominal', title: 'reward stack' },
          { field: 'value', type: 'quantitative', format: '.3f', title: p.valueTitle },
          { field: 'lo', type: 'quantitative', format: '.3f', title: '95% CI low' },
          { field: 'hi', type: 'quantitative', format: '.3f', title: '95% CI high' },
        ],
      }
    : {};
  return [
    {
      mark: { type: 'bar', height: 12, opacity: 0.35 },
      encoding: {
        y,
        x: { field: 'lo', type: 'quantitative', scale: unit, title: p.valueTitle },
        x2: { field: 'hi' },
        color: color(domain),
      },
    },
    {
      mark: { type: 'tick', thickness: 3, size: 16 },
      encoding: { y, x, color: color(domain), ...tooltip },
    },
  ];
}

function profileLayers(p: AggregatePanel, domain: readonly string[], interactive: boolean): object[] {
  const x = { field: 'tau', type: 'quantitative', title: 'score threshold τ', scale: unit };
  const y = { field: 'value', type: 'quantitative', title: p.valueTitle, scale: unit };
  const out: object[] = [
    {
      mark: { type: 'area', opacity: 0.15, interpolate: 'step-after' },
      encoding: {
        x,
        y: { field: 'lo', type: 'quantitative', scale: unit, title: p.valueTitle },
        y2: { field: 'hi' },
        color: color(domain),
      },
    },
    { mark: { type: 'line', strokeWidth: 2.2, interpolate: 'step-after' }, encoding: { x, y, color: color(domain) } },
  ];
  if (interactive) {
    out.push({
      mark: { type: 'point', filled: true, size: 40, opacity: 0 },
      encoding: {
        x,
        y,
        color: color(domain),
        tooltip: [
          { field: 'series', type: 'nominal', title: 'reward stack' },
          { field: 'tau', type: 'quantitative', format: '.2f', title: 'τ' },
          { field: 'value', type: 'quantitative', format: '.3f', title: p.valueTitle },
          { field: 'lo', type: 'quantitative', format: '.3f', title: '95% CI low' },
          { field: 'hi', type: 'quantitative', format: '.3f', title: '95% CI high' },
        ],
      },
    });
  }
  return out;
}

const layers = (p: AggregatePanel, domain: readonly string[], interactive: boolean): object[] =>
  p.kind === 'interval' ? intervalLayers(p, domain, interactive) : profileLayers(p, domain, interactive);

const title = (p: AggregatePanel): object => ({ text: p.title, ...(p.subtitle ? { subtitle: p.subtitle } : {}) });

const heightOf = (p: AggregatePanel, stacks: number): number => (p.kind === 'interval' ? 22 * stacks + 10 : 220);

/** One aggregate chart for the HTML report (hover for the values). */
export function aggregateChartSpec(p: AggregatePanel, colorDomain: readonly string[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: title(p),
    width: 420,
    height: heightOf(p, colorDomain.length),
    data: { values: p.rows },
    layer: layers(p, colorDomain, true),
  } as TopLevelSpec;
}

/** The aggregate panels side by side, static, for SVG and PNG. */
export function aggregateGridSpec(
  panels: readonly AggregatePanel[],
  opts: { title: string; subtitle?: string; colorDomain: readonly string[]; columns?: number },
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...CONFIG, background: 'white', padding: 12 },
    title: {
      text: opts.title,
      fontSize: 18,
      ...(opts.subtitle ? { subtitle: opts.subtitle, subtitleFontSize: 12 } : {}),
    },
    columns: opts.columns ?? 3,
    spacing: 28,
    resolve: { scale: { color: 'shared', y: 'independent', x: 'independent' } },
    concat: panels.map((p) => ({
      // the panel subtitles (what the bars are) go once into the grid's subtitle: long lines widen the columns
      title: p.title,
      width: 300,
      height: heightOf(p, opts.colorDomain.length),
      data: { values: p.rows },
      layer: layers(p, opts.colorDomain, false),
    })),
  } as TopLevelSpec;
}
