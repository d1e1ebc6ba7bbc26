import { RxgymError } from './env.js';
import { Box, type BoxDtype, Dict, Discrete, MultiBinary, MultiDiscrete, type Space, Text, Tuple } from './spaces.js';

/**
 * A Box bound read from JSON: a number (a structured clone keeps ±Infinity as numbers), "Infinity" / "-Infinity"
 * (what `toJSON` writes), or `null`, which files written before that encoding hold for an infinite bound (a finite
 * bound is never written as null): -Infinity on the low side, +Infinity on the high side.
 */
export function boundFromJSON(v: unknown, side: 'low' | 'high'): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === null) return side === 'low' ? -Infinity : Infinity;
  throw new RxgymError(`a Box ${side} bound must be a number, "Infinity" or "-Infinity", got ${JSON.stringify(v)}`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function numbers(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
    throw new RxgymError(`${what} must be a list of numbers, got ${JSON.stringify(v)}`);
  }
  return v as number[];
}

function bounds(v: unknown, side: 'low' | 'high', what: string): Float64Array {
  if (!Array.isArray(v)) throw new RxgymError(`${what}.${side} must be a list of bounds, got ${JSON.stringify(v)}`);
  return Float64Array.from(v, (x) => boundFromJSON(x, side));
}

/**
 * The space a `toJSON()` description (parsed from JSON text, or structured-cloned) stands for; the inverse of
 * `toJSON`, so `spaceFromJSON(JSON.parse(JSON.stringify(s)))` equals `s`, infinite Box bounds included. `what` names
 * the description in errors (e.g. the file it came from).
 */
export function spaceFromJSON(json: unknown, what = 'space'): Space<unknown> {
  if (!isObj(json)) throw new RxgymError(`${what}: expected a space description object, got ${JSON.stringify(json)}`);
  switch (json.type) {
    case 'Discrete':
      return new Discrete(json.n as number, (json.start as number | undefined) ?? 0);
    case 'Box':
      return new Box(
        bounds(json.low, 'low', what),
        bounds(json.high, 'high', what),
        numbers(json.shape, `${what}.shape`),
        json.dtype as BoxDtype,
      );
    case 'MultiDiscrete':
      return new MultiDiscrete(numbers(json.nvec, `${what}.nvec`), numbers(json.start, `${what}.start`));
    case 'MultiBinary':
      return new MultiBinary(numbers(json.shape, `${what}.shape`));
    case 'Text':
      return new Text(json.maxLength as number, json.minLength as number, json.charset as string);
    case 'Dict': {
      if (!isObj(json.spaces)) throw new RxgymError(`${what}.spaces must be an object of sub-spaces`);
      const spaces: Record<string, Space<unknown>> = {};
      for (const [k, v] of Object.entries(json.spaces)) spaces[k] = spaceFromJSON(v, `${what}.spaces.${k}`);
      return new Dict(spaces);
    }
    case 'Tuple': {
      if (!Array.isArray(json.spaces)) throw new RxgymError(`${what}.spaces must be a list of sub-spaces`);
      return new Tuple(json.spaces.map((v, i) => spaceFromJSON(v, `${what}.spaces[${i}]`)));
    }
    default:
      throw new RxgymError(
        `${what}: unknown space type ${JSON.stringify(json.type)}; expected Discrete, Box, MultiDiscrete, ` +
          'MultiBinary, Text, Dict or Tuple',
      );
  }
}
