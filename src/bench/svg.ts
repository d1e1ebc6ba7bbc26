import type { Drawing } from './chart.js';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const r = (x: number): string => (Math.round(x * 10) / 10).toString();

/** A drawing as a standalone SVG document. */
export function toSvg(d: Drawing): string {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${d.width}" height="${d.height}" viewBox="0 0 ${d.width} ${d.height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    `<rect width="${d.width}" height="${d.height}" fill="${d.background}"/>`,
  ];
  for (const s of d.shapes) {
    switch (s.kind) {
      case 'line':
        out.push(`<line x1="${r(s.x1)}" y1="${r(s.y1)}" x2="${r(s.x2)}" y2="${r(s.y2)}" stroke="${s.color}" stroke-width="${s.width}"/>`);
        break;
      case 'polyline':
        out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="${s.width}" stroke-linejoin="round" points="${s.points.map(([x, y]) => `${r(x)},${r(y)}`).join(' ')}"/>`);
        break;
      case 'rect':
        out.push(`<rect x="${r(s.x)}" y="${r(s.y)}" width="${r(s.w)}" height="${r(s.h)}" fill="${s.fill}"${s.stroke ? ` stroke="${s.stroke}"` : ''}/>`);
        break;
      case 'text':
        out.push(`<text x="${r(s.x)}" y="${r(s.y)}" font-size="${s.size}" fill="${s.color}" text-anchor="${s.anchor}">${esc(s.text)}</text>`);
        break;
    }
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
