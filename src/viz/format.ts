/** Compact number formatting for panels and progress lines. */
export function fmtNum(x: number | undefined, digits = 3): string {
  if (x === undefined || Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(2);
  if (Number.isInteger(x)) return String(x);
  return x.toFixed(a >= 100 ? 1 : digits);
}

/** Integers with thousands separators (steps, counts). */
export function fmtInt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  return Math.round(x).toLocaleString('en-US');
}

/** Seconds as h:mm:ss or m:ss. */
export function fmtDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Mean of a list (NaN when empty). */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
