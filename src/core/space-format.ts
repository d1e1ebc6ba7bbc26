/** Longest list of numbers printed in full in a space's description or an error message. */
const MAX_LIST = 8;

/** A number as spaces print it: integers and decimals as JavaScript does, infinities as `inf`/`-inf`. */
export function formatNumber(x: number): string {
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  return String(x);
}

/** `[a, b, c]`, shortened to the first entries and a count when the list is long. */
export function formatList(xs: ArrayLike<number>): string {
  const n = xs.length;
  const shown = Array.from({ length: Math.min(n, MAX_LIST) }, (_, i) => formatNumber(xs[i]!));
  return `[${shown.join(', ')}${n > MAX_LIST ? `, ... (${n} values)` : ''}]`;
}

/** The single value every entry holds, or undefined when they differ. */
export function uniform(xs: ArrayLike<number>): number | undefined {
  for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[0]) return undefined;
  return xs.length ? xs[0] : undefined;
}

/** A short, unambiguous description of an offending value for an error message. */
export function formatValue(x: unknown): string {
  if (typeof x === 'number') return formatNumber(x);
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x);
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    return `${x.constructor.name} ${formatList(x as unknown as ArrayLike<number>)}`;
  }
  if (Array.isArray(x)) {
    return x.every((v) => typeof v === 'number') ? formatList(x as number[]) : `array of ${x.length}`;
  }
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return `object {${Object.keys(x).slice(0, MAX_LIST).join(', ')}}`;
  return `${typeof x} ${String(x)}`;
}
