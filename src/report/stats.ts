// Student t quantiles t(0.975, df) for df = 1..30, then a few larger df; beyond the table the normal 1.96.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
const T975_LARGE: [number, number][] = [
  [40, 2.021],
  [60, 2.0],
  [120, 1.98],
];

/** The two-sided 95% Student t quantile for `df` degrees of freedom. */
export function t975(df: number): number {
  if (df < 1) return NaN;
  if (df <= T975.length) return T975[Math.floor(df) - 1]!;
  for (const [d, t] of T975_LARGE) if (df <= d) return t;
  return 1.96;
}

/** Mean over seeds and its 95% confidence interval (Student t; no interval for one value), optionally clipped. */
export function meanCi(
  xs: readonly number[],
  clip?: [number, number],
): { mean: number; lo?: number; hi?: number; n: number } {
  const v = xs.filter(Number.isFinite);
  const n = v.length;
  if (n === 0) return { mean: NaN, n };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, n };
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (t975(n - 1) * sd) / Math.sqrt(n);
  const lo = clip ? Math.max(clip[0], mean - half) : mean - half;
  const hi = clip ? Math.min(clip[1], mean + half) : mean + half;
  return { mean, lo, hi, n };
}
