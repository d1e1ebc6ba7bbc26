import { RxgymError } from './env.js';
import { closestName } from './names.js';

export { closestName } from './names.js';

/** One hyper-parameter's type, default and one-line doc; validation errors quote the key path. */
export type ParamSpec =
  | { kind: 'number'; default: number; min?: number; max?: number; positive?: boolean; integer?: boolean; doc: string }
  | { kind: 'boolean'; default: boolean; doc: string }
  | { kind: 'enum'; values: readonly string[]; default: string; doc: string }
  | { kind: 'numbers'; default: number[]; positive?: boolean; integer?: boolean; doc: string }
  | { kind: 'object'; default: Record<string, unknown>; doc: string };

/** A hyper-parameter table. */
export type ParamSchema = Record<string, ParamSpec>;

/** The scenario error type: names the key path and what was expected. */
export class ScenarioError extends RxgymError {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = 'ScenarioError';
  }
}

/** JSON-ish rendering of a bad value for messages. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function describeNumber(spec: { positive?: boolean; integer?: boolean; min?: number; max?: number }): string {
  const what = spec.integer ? 'integer' : 'number';
  if (spec.positive) return `a positive ${what}`;
  if (spec.min !== undefined && spec.max !== undefined) return `a ${what} in [${spec.min}, ${spec.max}]`;
  if (spec.min !== undefined) return `a ${what} >= ${spec.min}`;
  return `a ${what}`;
}

function checkNumber(path: string, v: unknown, spec: { positive?: boolean; integer?: boolean; min?: number; max?: number }): number {
  const ok = typeof v === 'number' && Number.isFinite(v)
    && (!spec.integer || Number.isInteger(v))
    && (!spec.positive || v > 0)
    && (spec.min === undefined || v >= spec.min)
    && (spec.max === undefined || v <= spec.max);
  if (!ok) throw new ScenarioError(path, `expected ${describeNumber(spec)}, got ${show(v)}`);
  return v as number;
}

/** Check one value against its spec; returns it (typed) or throws `path: expected ..., got ...`. */
export function checkParam(path: string, v: unknown, spec: ParamSpec): unknown {
  switch (spec.kind) {
    case 'number':
      return checkNumber(path, v, spec);
    case 'boolean':
      if (typeof v !== 'boolean') throw new ScenarioError(path, `expected true or false, got ${show(v)}`);
      return v;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) throw new ScenarioError(path, `expected one of ${spec.values.map((x) => `"${x}"`).join(', ')}, got ${show(v)}`);
      return v;
    case 'numbers':
      if (!Array.isArray(v)) throw new ScenarioError(path, `expected a list of numbers, got ${show(v)}`);
      v.forEach((x, i) => checkNumber(`${path}[${i}]`, x, spec));
      return v;
    case 'object':
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ScenarioError(path, `expected a mapping, got ${show(v)}`);
      return v;
  }
}

/**
 * Validate a hyper-parameter mapping at `path` against a schema: unknown keys fail (with a "did you mean"),
 * missing keys take their defaults. Returns the complete table.
 */
export function resolveParams(path: string, given: Record<string, unknown>, schema: ParamSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = Object.keys(schema);
  for (const key of Object.keys(given)) {
    if (!(key in schema)) {
      const hint = closestName(key, names);
      throw new ScenarioError(`${path}.${key}`, `unknown hyper-parameter${hint ? `; did you mean "${hint}"?` : ''} (known: ${names.join(', ')})`);
    }
  }
  for (const key of names) {
    const spec = schema[key]!;
    out[key] = key in given && given[key] !== undefined ? checkParam(`${path}.${key}`, given[key], spec) : structuredClone(spec.default);
  }
  return out;
}
