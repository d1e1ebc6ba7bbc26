import { RxgymError } from './env.js';
import type { Rng } from './rng.js';
import { formatList, formatNumber, formatValue, uniform } from './space-format.js';

/** Element types a Box can hold. */
export type BoxDtype = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'int32';
/** The typed array behind each Box dtype. */
export type TypedArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array;

/**
 * A Box bound as JSON text can hold it: a finite number, or the string "Infinity" / "-Infinity" (JSON has no
 * infinities, and `JSON.stringify` would write `null`). `spaceFromJSON` (space-json.ts) reads it back exactly.
 */
export type BoundJSON = number | 'Infinity' | '-Infinity';

/** JSON description of a space (`toJSON`); it survives `JSON.stringify` exactly (see BoundJSON). */
export type SpaceJSON =
  | { type: 'Discrete'; n: number; start: number }
  | { type: 'Box'; shape: number[]; dtype: BoxDtype; low: BoundJSON[]; high: BoundJSON[] }
  | { type: 'MultiDiscrete'; nvec: number[]; start: number[] }
  | { type: 'MultiBinary'; shape: number[] }
  | { type: 'Text'; minLength: number; maxLength: number; charset: string }
  | { type: 'Dict'; spaces: Record<string, SpaceJSON> }
  | { type: 'Tuple'; spaces: SpaceJSON[] };

/** Every space can sample (seeded), check membership and describe itself. */
export interface Space<T> {
  /** A random element; `mask` restricts the choice where the space supports it. */
  sample(rng: Rng, mask?: unknown): T;
  /** True when `x` is an element of this space. */
  contains(x: unknown): x is T;
  /** A plain JSON description. */
  toJSON(): SpaceJSON;
  /** Shape of one element ([] for scalars). */
  readonly shape: readonly number[];
}

const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  int32: Int32Array,
} as const;
const INT_RANGE: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

/** Allocate a typed array of `dtype` with `n` elements. */
export function allocTyped(dtype: BoxDtype, n: number): TypedArray {
  return new CTORS[dtype](n);
}

function prod(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}

/** The integers {start, ..., start + n - 1}. */
export class Discrete implements Space<number> {
  readonly shape: readonly number[] = [];
  constructor(
    readonly n: number,
    readonly start = 0,
  ) {
    const self = `Discrete(${formatValue(n)}, start=${formatValue(start)})`;
    if (!Number.isInteger(n) || n <= 0) {
      throw new RxgymError(`${self}: n must be a positive integer, got ${formatValue(n)}`);
    }
    if (!Number.isInteger(start)) throw new RxgymError(`${self}: start must be an integer, got ${formatValue(start)}`);
  }
  /** Uniform over the space, or over the entries where `mask[i] === 1`; an all-zero mask returns `start`. */
  sample(rng: Rng, mask?: ArrayLike<number> | null): number {
    checkRng(this, rng);
    // null is "no mask", as Gymnasium's None inside a Tuple or Dict mask
    if (mask == null) return this.start + rng.int(0, this.n);
    if (mask.length !== this.n) {
      const got = `mask ${formatValue(mask)} has length ${mask.length}`;
      throw new RxgymError(`${this}.sample: ${got}; pass one 0/1 per action (${this.n})`);
    }
    let valid = 0;
    for (let i = 0; i < this.n; i++) {
      const m = mask[i] as unknown;
      // probabilities ([0.2, 0.8]) or -1/2 were all taken as "allowed": a silently uniform sample
      if (m !== 0 && m !== 1 && m !== true && m !== false) {
        const got = `mask ${formatValue(mask)} has entry ${formatValue(m)} at ${i}`;
        throw new RxgymError(`${this}.sample: ${got}; entries are 1 (allowed) or 0 (not allowed)`);
      }
      if (m) valid++;
    }
    if (valid === 0) return this.start;
    let k = rng.int(0, valid);
    for (let i = 0; i < this.n; i++) if (mask[i] && k-- === 0) return this.start + i;
    return this.start;
  }
  contains(x: unknown): x is number {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }
  toJSON(): SpaceJSON {
    return { type: 'Discrete', n: this.n, start: this.start };
  }
  /** `Discrete(n)`, or `Discrete(n, start=s)`. */
  toString(): string {
    return this.start ? `Discrete(${this.n}, start=${this.start})` : `Discrete(${this.n})`;
  }
}

/** A (possibly unbounded) box in R^n or Z^n, stored as a typed array of `dtype`. */
export class Box implements Space<TypedArray> {
  readonly shape: readonly number[];
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly size: number;

  constructor(
    low: number | ArrayLike<number>,
    high: number | ArrayLike<number>,
    shape?: readonly number[],
    readonly dtype: BoxDtype = 'float32',
  ) {
    const shapeText = shape ? formatValue(shape) : 'shape inferred';
    const self = `Box(${formatValue(low)}, ${formatValue(high)}, ${shapeText}, ${String(dtype)})`;
    if (!(dtype in CTORS)) {
      throw new RxgymError(`${self}: unknown dtype ${formatValue(dtype)}; use one of ${Object.keys(CTORS).join(', ')}`);
    }
    for (const [name, v] of [
      ['low', low],
      ['high', high],
    ] as const) {
      if (!isNumbers(v)) {
        const fix = 'pass a number or an array of numbers';
        throw new RxgymError(`${self}: ${name} must be a number or numbers, got ${formatValue(v)}; ${fix}`);
      }
    }
    if (shape !== undefined && !Array.isArray(shape))
      throw new RxgymError(`${self}: shape must be an array of positive integers, e.g. [3], got ${formatValue(shape)}`);
    const inferred = shape ?? (typeof low !== 'number' ? [low.length] : typeof high !== 'number' ? [high.length] : [1]);
    for (const d of inferred) {
      if (!Number.isInteger(d) || d <= 0) {
        const got = `${formatValue(d)} in ${formatValue([...inferred])}`;
        throw new RxgymError(`${self}: shape must hold positive integers, got ${got}`);
      }
    }
    this.shape = [...inferred];
    this.size = prod(this.shape);
    this.low = broadcast(self, low, this.size, 'low');
    this.high = broadcast(self, high, this.size, 'high');
    // Bounds live in the element dtype, as Gymnasium's: a float32 observation equal to fround(4.8) is inside [.., 4.8].
    if (dtype === 'float32')
      for (let i = 0; i < this.size; i++) {
        this.low[i] = Math.fround(this.low[i]!);
        this.high[i] = Math.fround(this.high[i]!);
      }
    const range = INT_RANGE[dtype];
    // an integer Box holds the integers inside its bounds: sample() clamped to 0.5 and stored 0, outside the space
    if (range)
      for (let i = 0; i < this.size; i++) {
        this.low[i] = Math.ceil(this.low[i]!);
        this.high[i] = Math.floor(this.high[i]!);
        const lo = this.low[i]!,
          hi = this.high[i]!;
        if ((Number.isFinite(lo) && lo < range[0]) || (Number.isFinite(hi) && hi > range[1])) {
          const got = `bounds [${formatNumber(lo)}, ${formatNumber(hi)}] at ${i}`;
          const fix = `keep them within [${range[0]}, ${range[1]}] or choose a wider dtype`;
          throw new RxgymError(`${self}: ${got} exceed the range of ${dtype}; ${fix}`);
        }
      }
    for (let i = 0; i < this.size; i++) {
      if (!(this.low[i]! <= this.high[i]!)) {
        const lo = formatNumber(this.low[i]!),
          hi = formatNumber(this.high[i]!);
        const fix = 'every low must be <= its high (and not NaN)';
        throw new RxgymError(`${self}: low[${i}]=${lo} exceeds high[${i}]=${hi}; ${fix}`);
      }
    }
  }
  /** Bounded dims uniform, half-bounded shifted exponential, unbounded standard normal (as Gymnasium). */
  sample(rng: Rng, mask?: unknown): TypedArray {
    checkRng(this, rng);
    if (mask != null) throw noMask(this, mask);
    const out = allocTyped(this.dtype, this.size);
    const isInt = this.dtype !== 'float32' && this.dtype !== 'float64';
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!,
        hi = isInt ? this.high[i]! + 1 : this.high[i]!;
      const loF = Number.isFinite(lo),
        hiF = Number.isFinite(hi);
      let v: number;
      if (loF && hiF) v = rng.uniform(lo, hi);
      else if (loF) v = lo + rng.exponential();
      else if (hiF) v = hi - rng.exponential();
      else v = rng.normal();
      if (isInt) {
        v = Math.floor(v);
        const [a, b] = INT_RANGE[this.dtype]!;
        v = Math.min(Math.max(v, Math.max(a, lo)), Math.min(b, this.high[i]!));
      }
      out[i] = v;
    }
    return out;
  }
  contains(x: unknown): x is TypedArray {
    if (!ArrayBuffer.isView(x) || (x as TypedArray).length !== this.size) return false;
    const a = x as TypedArray;
    const isInt = this.dtype !== 'float32' && this.dtype !== 'float64';
    if (isInt && (a instanceof Float32Array || a instanceof Float64Array)) return false;
    for (let i = 0; i < this.size; i++) {
      const v = a[i]!;
      if (!(v >= this.low[i]! && v <= this.high[i]!)) return false;
    }
    return true;
  }
  /** True when every dimension has finite bounds on both sides. */
  isBounded(): boolean {
    for (let i = 0; i < this.size; i++)
      if (!Number.isFinite(this.low[i]!) || !Number.isFinite(this.high[i]!)) return false;
    return true;
  }
  toJSON(): SpaceJSON {
    return {
      type: 'Box',
      shape: [...this.shape],
      dtype: this.dtype,
      low: Array.from(this.low, boundToJSON),
      high: Array.from(this.high, boundToJSON),
    };
  }
  /** `Box(low, high, [shape], dtype)`, the bounds as one number when every entry shares it. */
  toString(): string {
    const bound = (xs: Float64Array) => {
      const u = uniform(xs);
      return u === undefined ? formatList(xs) : formatNumber(u);
    };
    return `Box(${bound(this.low)}, ${bound(this.high)}, [${this.shape.join(', ')}], ${this.dtype})`;
  }
}

/** A bound as JSON text can hold it; NaN never is one (the constructor refuses it). */
function boundToJSON(v: number): BoundJSON {
  return v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v;
}

/** A number, or an array (typed or plain) holding only numbers. */
function isNumbers(v: unknown): v is number | ArrayLike<number> {
  if (typeof v === 'number') return true;
  if (ArrayBuffer.isView(v)) return !(v instanceof DataView);
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

/** True when `x` has the methods of a Space (a sub-space of a Dict or Tuple). */
function isSpaceLike(x: unknown): boolean {
  const s = x as Space<unknown> | undefined;
  return typeof s?.sample === 'function' && typeof s.contains === 'function' && typeof s.toJSON === 'function';
}

function broadcast(self: string, v: number | ArrayLike<number>, n: number, name: string): Float64Array {
  const out = new Float64Array(n);
  if (typeof v === 'number') out.fill(v);
  else {
    if (v.length !== n) {
      const fix = `pass ${n} values or one number`;
      throw new RxgymError(`${self}: ${name} has ${v.length} values but the shape holds ${n}; ${fix}`);
    }
    for (let i = 0; i < n; i++) out[i] = v[i]!;
  }
  return out;
}

/** Several Discrete spaces side by side: element i in {start[i], ..., start[i] + nvec[i] - 1}. */
export class MultiDiscrete implements Space<Int32Array> {
  readonly shape: readonly number[];
  readonly nvec: Int32Array;
  readonly start: Int32Array;
  constructor(nvec: ArrayLike<number>, start?: ArrayLike<number>) {
    const self = `MultiDiscrete(${formatValue(nvec)}${start ? `, start=${formatValue(start)}` : ''})`;
    // a bare number made MultiDiscrete([]), a space of no components
    if (typeof nvec === 'number' || !isNumbers(nvec))
      throw new RxgymError(`${self}: nvec must be an array of sizes, e.g. [3, 4]; for one size use Discrete(n)`);
    if (nvec.length === 0) throw new RxgymError(`${self}: nvec must not be empty; pass one size per component`);
    for (let i = 0; i < nvec.length; i++) {
      if (!Number.isInteger(nvec[i]) || nvec[i]! <= 0) {
        throw new RxgymError(`${self}: nvec[${i}] must be a positive integer, got ${formatValue(nvec[i])}`);
      }
    }
    if (
      start !== undefined &&
      (typeof start === 'number' || !isNumbers(start) || !Array.from(start).every(Number.isInteger))
    )
      throw new RxgymError(`${self}: start must be an array of integers, one per component`);
    this.nvec = Int32Array.from(nvec);
    this.start = start ? Int32Array.from(start) : new Int32Array(this.nvec.length);
    if (this.start.length !== this.nvec.length) {
      const got = `start has ${this.start.length} entries and nvec ${this.nvec.length}`;
      throw new RxgymError(`${self}: ${got}; give one start per component`);
    }
    this.shape = [this.nvec.length];
  }
  /** Uniform per component; `mask` is an array of per-component 0/1 masks (all-zero picks start). */
  sample(rng: Rng, mask?: ArrayLike<ArrayLike<number> | null> | null): Int32Array {
    checkRng(this, rng);
    if (mask != null && mask.length !== this.nvec.length) {
      const got = `mask has ${mask.length} entries for ${this.nvec.length} components`;
      throw new RxgymError(`${this}.sample: ${got}; pass one 0/1 mask (or null) per component`);
    }
    const out = new Int32Array(this.nvec.length);
    for (let i = 0; i < out.length; i++) {
      const sub = new Discrete(this.nvec[i]!, this.start[i]!);
      out[i] = sub.sample(rng, mask ? mask[i] : undefined);
    }
    return out;
  }
  contains(x: unknown): x is Int32Array {
    if (!ArrayBuffer.isView(x) || (x as Int32Array).length !== this.nvec.length) return false;
    const a = x as Int32Array;
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!Number.isInteger(v) || v < this.start[i]! || v >= this.start[i]! + this.nvec[i]!) return false;
    }
    return true;
  }
  toJSON(): SpaceJSON {
    return { type: 'MultiDiscrete', nvec: Array.from(this.nvec), start: Array.from(this.start) };
  }
  /** `MultiDiscrete([n0, n1, ...])`, with `start=[...]` when any start is not 0. */
  toString(): string {
    const start = this.start.some((v) => v !== 0) ? `, start=${formatList(this.start)}` : '';
    return `MultiDiscrete(${formatList(this.nvec)}${start})`;
  }
}

/** Binary vectors of a given shape. */
export class MultiBinary implements Space<Int8Array> {
  readonly shape: readonly number[];
  readonly size: number;
  constructor(n: number | readonly number[]) {
    this.shape = typeof n === 'number' ? [n] : [...n];
    for (const d of this.shape) {
      if (!Number.isInteger(d) || d <= 0) {
        const self = `MultiBinary(${formatValue(n)})`;
        throw new RxgymError(`${self}: dimensions must be positive integers, got ${formatValue(d)}`);
      }
    }
    this.size = prod(this.shape);
  }
  /** Fair coin per element; `mask` entries 0 or 1 fix the value, 2 leaves it random. */
  sample(rng: Rng, mask?: ArrayLike<number> | null): Int8Array {
    checkRng(this, rng);
    if (mask && (mask.length !== this.size || Array.prototype.some.call(mask, (m) => m !== 0 && m !== 1 && m !== 2))) {
      const got = `mask ${formatValue(mask)}`;
      throw new RxgymError(`${this}.sample: ${got}; pass ${this.size} entries of 0, 1 (fixed) or 2 (random)`);
    }
    const out = new Int8Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const m = mask ? mask[i]! : 2;
      out[i] = m === 2 ? (rng.random() < 0.5 ? 1 : 0) : m;
    }
    return out;
  }
  contains(x: unknown): x is Int8Array {
    if (!ArrayBuffer.isView(x) || (x as Int8Array).length !== this.size) return false;
    for (const v of x as Int8Array) if (v !== 0 && v !== 1) return false;
    return true;
  }
  toJSON(): SpaceJSON {
    return { type: 'MultiBinary', shape: [...this.shape] };
  }
  /** `MultiBinary([d0, d1, ...])`. */
  toString(): string {
    return `MultiBinary([${this.shape.join(', ')}])`;
  }
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Strings of length minLength..maxLength over a charset. */
export class Text implements Space<string> {
  readonly shape: readonly number[] = [];
  readonly charset: string;
  /** The characters one by one: a character outside the BMP is two UTF-16 units of `charset`. */
  private readonly chars: readonly string[];
  constructor(
    readonly maxLength: number,
    readonly minLength = 1,
    charset = ALNUM,
  ) {
    const self = `Text(${formatValue(maxLength)}, minLength=${formatValue(minLength)})`;
    if (!Number.isInteger(maxLength) || maxLength < 0) {
      throw new RxgymError(`${self}: maxLength must be a non-negative integer, got ${formatValue(maxLength)}`);
    }
    if (!Number.isInteger(minLength) || minLength < 0 || minLength > maxLength) {
      const want = `an integer in [0, maxLength=${maxLength}]`;
      throw new RxgymError(`${self}: minLength must be ${want}, got ${formatValue(minLength)}`);
    }
    this.chars = [...new Set(charset)].sort();
    this.charset = this.chars.join('');
    // sample() would spell "undefined" for every character: a string the space does not contain
    if (this.charset.length === 0 && maxLength > 0)
      throw new RxgymError(`${self}: charset is empty; give the characters strings may hold, or maxLength 0`);
  }
  sample(rng: Rng, mask?: unknown): string {
    checkRng(this, rng);
    if (mask != null) throw noMask(this, mask);
    const len = rng.int(this.minLength, this.maxLength + 1);
    let s = '';
    for (let i = 0; i < len; i++) s += this.chars[rng.int(0, this.chars.length)];
    return s;
  }
  /** A string of minLength..maxLength characters (counted as characters, not UTF-16 units) from the charset. */
  contains(x: unknown): x is string {
    if (typeof x !== 'string') return false;
    const chars = [...x];
    if (chars.length < this.minLength || chars.length > this.maxLength) return false;
    for (const c of chars) if (!this.chars.includes(c)) return false;
    return true;
  }
  toJSON(): SpaceJSON {
    return { type: 'Text', minLength: this.minLength, maxLength: this.maxLength, charset: this.charset };
  }
  /** `Text(min..max, charset of n)`. */
  toString(): string {
    return `Text(${this.minLength}..${this.maxLength}, charset of ${this.chars.length})`;
  }
}

/** The element type of a space. */
export type SpaceValue<S> = S extends Space<infer T> ? T : never;

/** Named sub-spaces; elements are plain objects with exactly those keys. */
export class Dict<S extends Record<string, Space<unknown>> = Record<string, Space<unknown>>>
  implements Space<{ [K in keyof S]: SpaceValue<S[K]> }>
{
  readonly shape: readonly number[] = [];
  constructor(readonly spaces: S) {
    if (typeof spaces !== 'object' || spaces === null || Array.isArray(spaces) || isSpaceLike(spaces))
      throw new RxgymError(
        `Dict: takes an object of named sub-spaces, e.g. new Dict({ pos: new Box(...) }), got ${formatValue(spaces)}`,
      );
    if (Object.keys(spaces).length === 0) {
      throw new RxgymError('Dict{}: needs at least one sub-space, e.g. new Dict({ pos: new Box(...) })');
    }
    for (const [k, v] of Object.entries(spaces)) {
      if (!isSpaceLike(v))
        throw new RxgymError(
          `Dict: key ${formatValue(k)} holds ${formatValue(v)}, not a space; give e.g. new Discrete(2)`,
        );
    }
  }
  /** One sample per key; `mask` maps keys to their sub-space's mask (a key left out, or null, is unmasked). */
  sample(rng: Rng, mask?: Record<string, unknown> | null): { [K in keyof S]: SpaceValue<S[K]> } {
    checkRng(this, rng);
    if (mask != null) {
      const unknown = typeof mask === 'object' ? Object.keys(mask).filter((k) => !(k in this.spaces)) : [];
      if (typeof mask !== 'object' || unknown.length) {
        const got = unknown.length
          ? `mask key ${formatValue(unknown[0])} is not a key of the space`
          : `mask ${formatValue(mask)}`;
        const keys = Object.keys(this.spaces).join(', ');
        throw new RxgymError(`${this}.sample: ${got}; pass an object whose keys are among ${keys}`);
      }
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(this.spaces)) out[k] = this.spaces[k]!.sample(rng, mask?.[k]);
    return out as { [K in keyof S]: SpaceValue<S[K]> };
  }
  contains(x: unknown): x is { [K in keyof S]: SpaceValue<S[K]> } {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
    const keys = Object.keys(this.spaces);
    const xk = Object.keys(x);
    if (xk.length !== keys.length) return false;
    for (const k of keys) if (!this.spaces[k]!.contains((x as Record<string, unknown>)[k])) return false;
    return true;
  }
  toJSON(): SpaceJSON {
    const spaces: Record<string, SpaceJSON> = {};
    for (const k of Object.keys(this.spaces)) spaces[k] = this.spaces[k]!.toJSON();
    return { type: 'Dict', spaces };
  }
  /** `Dict{key: space, ...}`. */
  toString(): string {
    return `Dict{${Object.entries(this.spaces)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(', ')}}`;
  }
}

/** An ordered product of spaces; elements are arrays. */
export class Tuple implements Space<unknown[]> {
  readonly shape: readonly number[] = [];
  constructor(readonly spaces: readonly Space<unknown>[]) {
    if (!Array.isArray(spaces))
      throw new RxgymError(
        `Tuple: takes an array of sub-spaces, e.g. new Tuple([new Discrete(2)]), got ${formatValue(spaces)}`,
      );
    if (spaces.length === 0) {
      throw new RxgymError('Tuple(): needs at least one sub-space, e.g. new Tuple([new Discrete(2)])');
    }
    spaces.forEach((v, i) => {
      if (!isSpaceLike(v))
        throw new RxgymError(`Tuple: entry ${i} is ${formatValue(v)}, not a space; give e.g. new Discrete(2)`);
    });
  }
  /** One sample per sub-space; `mask` holds one mask (or null) per sub-space. */
  sample(rng: Rng, mask?: readonly unknown[] | null): unknown[] {
    checkRng(this, rng);
    if (mask != null && (!Array.isArray(mask) || mask.length !== this.spaces.length)) {
      const got = `mask ${formatValue(mask)}`;
      throw new RxgymError(
        `${this}.sample: ${got}; pass an array of one mask (or null) per sub-space (${this.spaces.length})`,
      );
    }
    return this.spaces.map((s, i) => s.sample(rng, mask?.[i]));
  }
  contains(x: unknown): x is unknown[] {
    return Array.isArray(x) && x.length === this.spaces.length && this.spaces.every((s, i) => s.contains(x[i]));
  }
  toJSON(): SpaceJSON {
    return { type: 'Tuple', spaces: this.spaces.map((s) => s.toJSON()) };
  }
  /** `Tuple(space, ...)`. */
  toString(): string {
    return `Tuple(${this.spaces.map((s) => String(s)).join(', ')})`;
  }
}

/** Spaces hold no generator of their own (Gymnasium's do): `space.sample()` without one failed deep inside. */
function checkRng(space: Space<unknown>, rng: unknown): void {
  if (typeof (rng as Rng | undefined)?.random === 'function') return;
  const got = rng === undefined ? 'no generator' : formatValue(rng);
  throw new RxgymError(`${String(space)}.sample: needs an Rng, got ${got}; pass one, e.g. space.sample(new Rng(0))`);
}

/** The error for a mask given to a space that takes none. */
function noMask(space: Space<unknown>, mask: unknown): RxgymError {
  return new RxgymError(`${String(space)}.sample: takes no mask, got ${formatValue(mask)}; leave it out (or null)`);
}

/** Number of floats in the flattened form of an element of `space` (Discrete one-hot, as Gymnasium). */
export function flatdim(space: Space<unknown>): number {
  if (space instanceof Discrete) return space.n;
  if (space instanceof Box) return space.size;
  if (space instanceof MultiDiscrete) return space.nvec.reduce((a, b) => a + b, 0);
  if (space instanceof MultiBinary) return space.size;
  if (space instanceof Dict)
    return (Object.values(space.spaces) as Space<unknown>[]).reduce((a, s) => a + flatdim(s), 0);
  if (space instanceof Tuple) return space.spaces.reduce((a, s) => a + flatdim(s), 0);
  const why = `${space.toJSON().type} spaces cannot be flattened to a fixed-size vector`;
  throw new RxgymError(`flatdim(${spaceName(space)}): ${why}; ${FLAT_FIX}`);
}

/** Flatten an element of `space` into `out` (or a new Float32Array) starting at `offset`; returns `out`. */
export function flatten(space: Space<unknown>, x: unknown, out?: Float32Array, offset = 0): Float32Array {
  const o = out ?? new Float32Array(flatdim(space));
  writeFlat(space, x, o, offset);
  return o;
}

function writeFlat(space: Space<unknown>, x: unknown, o: Float32Array, at: number): number {
  if (space instanceof Discrete) {
    // a one-hot index outside [0, n) would land in the next part's slots, or nowhere
    if (!space.contains(x)) throw notFlattenable(space, x);
    o.fill(0, at, at + space.n);
    o[at + (x as number) - space.start] = 1;
    return at + space.n;
  }
  if (space instanceof Box || space instanceof MultiBinary) {
    const a = x as ArrayLike<number>;
    if (a == null || a.length !== space.size) throw notFlattenable(space, x);
    for (let i = 0; i < a.length; i++) o[at + i] = a[i]!;
    return at + a.length;
  }
  if (space instanceof MultiDiscrete) {
    const a = x as Int32Array;
    if (a == null || a.length !== space.nvec.length) throw notFlattenable(space, x);
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!Number.isInteger(v) || v < space.start[i]! || v >= space.start[i]! + space.nvec[i]!)
        throw notFlattenable(space, x);
    }
    for (let i = 0; i < a.length; i++) {
      const n = space.nvec[i]!;
      o.fill(0, at, at + n);
      o[at + a[i]! - space.start[i]!] = 1;
      at += n;
    }
    return at;
  }
  if (space instanceof Dict) {
    for (const k of Object.keys(space.spaces))
      at = writeFlat(space.spaces[k]!, (x as Record<string, unknown>)[k], o, at);
    return at;
  }
  if (space instanceof Tuple) {
    space.spaces.forEach((s, i) => {
      at = writeFlat(s, (x as unknown[])[i], o, at);
    });
    return at;
  }
  const why = `${space.toJSON().type} spaces cannot be flattened`;
  throw new RxgymError(`flatten(${spaceName(space)}, ${formatValue(x)}): ${why}; ${FLAT_FIX}`);
}

/** The error for a value `flatten` cannot place: not an element of its (sub-)space. */
function notFlattenable(space: Space<unknown>, x: unknown): RxgymError {
  const fix = 'flatten takes elements of the space (check the env against its observationSpace with checkEnv)';
  return new RxgymError(`flatten(${spaceName(space)}, ${formatValue(x)}): the value is outside the space; ${fix}`);
}

const FLAT_FIX = 'encode it yourself (e.g. TransformObservation) or leave it out of the flattened part';

/** A space's own description, or its JSON for spaces written outside rxgym (whose toString is Object's). */
function spaceName(space: Space<unknown>): string {
  const s = String(space);
  return s === '[object Object]' ? JSON.stringify(space.toJSON()) : s;
}

/** The Box that `flatten` maps `space` into. */
export function flattenSpace(space: Space<unknown>): Box {
  if (space instanceof Box) return new Box(space.low, space.high, [space.size], 'float32');
  const n = flatdim(space);
  if (space instanceof Discrete || space instanceof MultiDiscrete || space instanceof MultiBinary)
    return new Box(0, 1, [n], 'float32');
  const lows: number[] = [],
    highs: number[] = [];
  const parts: readonly Space<unknown>[] =
    space instanceof Dict
      ? (Object.values(space.spaces) as Space<unknown>[])
      : space instanceof Tuple
        ? space.spaces
        : [];
  for (const s of parts) {
    const b = flattenSpace(s);
    lows.push(...b.low);
    highs.push(...b.high);
  }
  return new Box(lows, highs, [n], 'float32');
}
