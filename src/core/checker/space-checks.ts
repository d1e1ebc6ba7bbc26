import { Box, Dict, Discrete, MultiBinary, MultiDiscrete, Tuple, type Space } from '../spaces.js';

/** True when `x` has the methods of a Space. */
export function isSpace(x: unknown): x is Space<unknown> {
  const s = x as Space<unknown> | undefined;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.sample === 'function' &&
    typeof s.contains === 'function' &&
    typeof s.toJSON === 'function'
  );
}

/** Problems with a space's definition ([] when fine). */
export function spaceProblems(space: unknown, what: string): string[] {
  if (!isSpace(space))
    return [`${what} is not a Space (it needs sample, contains and toJSON); build it from rxgym's spaces`];
  const out: string[] = [];
  if (space instanceof Discrete && space.n <= 0) out.push(`${what}: Discrete n must be positive`);
  if (space instanceof MultiDiscrete && space.nvec.some((n) => n <= 0))
    out.push(`${what}: MultiDiscrete nvec entries must be positive`);
  if (space instanceof MultiBinary && space.size <= 0) out.push(`${what}: MultiBinary must have a positive size`);
  if (space instanceof Box) {
    if (space.low.length !== space.size || space.high.length !== space.size)
      out.push(`${what}: Box low/high do not match its shape`);
    for (let i = 0; i < space.size; i++) {
      if (Number.isNaN(space.low[i]!) || Number.isNaN(space.high[i]!)) out.push(`${what}: Box bound ${i} is NaN`);
    }
  }
  if (space instanceof Dict) {
    for (const [k, s] of Object.entries(space.spaces)) out.push(...spaceProblems(s, `${what}.${k}`));
  }
  if (space instanceof Tuple) space.spaces.forEach((s, i) => out.push(...spaceProblems(s, `${what}[${i}]`)));
  return out;
}

/** Deep equality for observations and infos (typed arrays element-wise, NaN equal to NaN). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<number>,
      y = b as unknown as ArrayLike<number>;
    if (a.constructor !== b.constructor || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++)
      if (!(x[i] === y[i] || (Number.isNaN(x[i]!) && Number.isNaN(y[i]!)))) return false;
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (
    typeof a === 'object' &&
    typeof b === 'object' &&
    a !== null &&
    b !== null &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const ka = Object.keys(a),
      kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** A short description of a value for messages. */
export function describeValue(x: unknown): string {
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}(${(x as unknown as ArrayLike<number>).length})`;
  if (x === null) return 'null';
  if (Array.isArray(x)) return `array(${x.length})`;
  if (typeof x === 'object') return `object with keys {${Object.keys(x as object).join(', ')}}`;
  return `${typeof x} ${String(x)}`;
}
