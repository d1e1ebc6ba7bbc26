import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { Table } from '../bench/table.js';
import { toVega } from './render.js';

/** A part of an HTML report: a table, interactive charts, or a paragraph of text. */
export type Section =
  | { kind: 'table'; title?: string; table: Table }
  | { kind: 'charts'; title?: string; charts: TopLevelSpec[] }
  | { kind: 'text'; title?: string; text: string };

let vegaSource: string | undefined;
/** Vega's browser build, inlined so the report opens offline. */
function vegaScript(): string {
  if (vegaSource === undefined) {
    const main = createRequire(import.meta.url).resolve('vega');
    vegaSource = readFileSync(join(dirname(main), 'vega.min.js'), 'utf8');
  }
  return vegaSource;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// JSON inside <script>: '<' escaped so no "</script>" or "<!--" in data can end the element.
const jsonInScript = (x: unknown): string => JSON.stringify(x).replace(/</g, '\\u003c');

const STYLE = `
body { font-family: system-ui, 'DejaVu Sans', Arial, sans-serif; margin: 24px; color: #222; max-width: 1280px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
p.sub, p.note { color: #555; margin: 4px 0; font-size: 14px; }
table { border-collapse: collapse; font-size: 14px; margin: 8px 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; } th { background: #f3f3f3; }
td:nth-child(-n+2), th:nth-child(-n+2) { text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 18px; }
.chart { border: 1px solid #e3e3e3; padding: 8px; min-width: 200px; min-height: 120px; }
.error { color: #b00; }
`;

// Renders every chart with Vega's own view (SVG), hover tooltips through its default handler (the title attribute),
// and marks the page when all have rendered, so a browser test can wait for it.
const BOOT = `
const specs = JSON.parse(document.getElementById('rxgym-specs').textContent);
const state = (window.rxgymCharts = { total: specs.length, rendered: 0, errors: [] });
Promise.all(specs.map((spec, i) => {
  const el = document.getElementById('chart-' + i);
  return new vega.View(vega.parse(spec), { renderer: 'svg', container: el, hover: true }).runAsync()
    .then(() => { el.dataset.rendered = 'true'; state.rendered += 1; })
    .catch((e) => {
      state.errors.push(String(e));
      el.innerHTML = '<p class="error">chart failed: ' + String(e) + '</p>';
      console.error(e);
    });
})).then(() => { document.body.dataset.charts = state.errors.length ? 'failed' : 'rendered'; });
`;

/** One self-contained HTML page (Vega inline, specs and data inline, no network): title, tables, interactive charts. */
export function reportHtml(title: string, subtitle: string, sections: readonly Section[]): string {
  const specs: unknown[] = [];
  const body: string[] = [`<h1>${esc(title)}</h1>`, `<p class="sub">${esc(subtitle)}</p>`];
  for (const s of sections) {
    if (s.title) body.push(`<h2>${esc(s.title)}</h2>`);
    if (s.kind === 'text') body.push(`<p class="note">${esc(s.text)}</p>`);
    else if (s.kind === 'table') {
      const t = s.table;
      body.push('<table>', `<tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`);
      for (const r of t.rows) body.push(`<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`);
      body.push('</table>', ...t.notes.map((n) => `<p class="note">${esc(n)}</p>`));
    } else {
      body.push('<div class="charts">');
      for (const spec of s.charts) {
        body.push(`<div class="chart" id="chart-${specs.length}"></div>`);
        specs.push(toVega(spec));
      }
      body.push('</div>');
    }
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    `<script>${vegaScript()}</script>`,
    '</head><body>',
    ...body,
    `<script type="application/json" id="rxgym-specs">${jsonInScript(specs)}</script>`,
    `<script>${BOOT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
