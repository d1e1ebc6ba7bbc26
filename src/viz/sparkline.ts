const BARS = '▁▂▃▄▅▆▇█';

/** The last `width` values as a unicode bar sparkline scaled between their min and max (flat series sit low). */
export function sparkline(values: readonly number[], width: number): string {
  const xs = values.slice(-Math.max(0, width)).filter((v) => Number.isFinite(v));
  if (xs.length === 0) return '';
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const span = hi - lo;
  let out = '';
  for (const x of xs) {
    const k = span > 0 ? Math.round(((x - lo) / span) * (BARS.length - 1)) : 0;
    out += BARS[k];
  }
  return out;
}
