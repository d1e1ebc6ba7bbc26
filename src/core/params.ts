import { RxgymError } from './env.js';
import { closestName } from './names.js';
import { describeList, describeNumber, paramError, type NumberBounds, type ParamWording } from './param-wording.js';

export { closestName } from './names.js';
export { KWARG_WORDING, OPTION_WORDING, ScenarioError, show, type ParamWording } from './param-wording.js';

/**
 * How an absent value is filled: from `default`; when the spec is `optional`, not at all (the key stays absent
 * and the caller supplies a computed default, e.g. `ctx.seed + 1009`); when it is `required`, never (an error).
 */
type Defaulted<T> =
  | { default: T; optional?: false; required?: false }
  | { optional: true; default?: undefined; required?: false }
  | { required: true; default?: undefined; optional?: false };

/** One parameter's type, default and one-line doc; validation errors name the key. */
export type ParamSpec = { doc: string } & (
  | ({ kind: 'number' } & NumberBounds & Defaulted<number>)
  | ({ kind: 'boolean' } & Defaulted<boolean>)
  | ({ kind: 'enum'; values: readonly string[] } & Defaulted<string>)
  | ({ kind: 'string'; nonEmpty?: boolean } & Defaulted<string>)
  | ({ kind: 'numbers'; nonEmpty?: boolean } & NumberBounds & Defaulted<readonly number[]>)
  | ({ kind: 'strings'; values?: readonly string[]; nonEmpty?: boolean } & Defaulted<readonly string[]>)
  | ({ kind: 'object'; fields?: ParamSchema } & Defaulted<Readonly<Record<string, unknown>>>)
);

/** A parameter table: agent hyper-parameters, reward options, env kwargs, wrapper options. */
export type ParamSchema = { readonly [key: string]: ParamSpec };

/** The value type one spec resolves to. */
export type ParamValueOf<P> = P extends { kind: 'number' }
  ? number
  : P extends { kind: 'boolean' }
    ? boolean
    : P extends { kind: 'enum'; values: readonly (infer V extends string)[] }
      ? V
      : P extends { kind: 'string' }
        ? string
        : P extends { kind: 'numbers' }
          ? number[]
          : P extends { kind: 'strings'; values: readonly (infer V extends string)[] }
            ? V[]
            : P extends { kind: 'strings' }
              ? string[]
              : P extends { kind: 'object'; fields: infer F extends ParamSchema }
                ? ParamsOf<F>
                : P extends { kind: 'object' }
                  ? Record<string, unknown>
                  : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The resolved table of a schema: every key with a default is present, `optional` ones may be absent.
 * An erased schema (plain `ParamSchema`) resolves to `Record<string, unknown>`.
 */
export type ParamsOf<S extends ParamSchema> = string extends keyof S
  ? Record<string, unknown>
  : Simplify<
      { -readonly [K in keyof S as S[K] extends { optional: true } ? never : K]: ParamValueOf<S[K]> } & {
        -readonly [K in keyof S as S[K] extends { optional: true } ? K : never]?: ParamValueOf<S[K]>;
      }
    >;

/** Declare a schema keeping its literal types (enum values), so that `ParamsOf<typeof S>` is precise. */
export function defineParams<const S extends ParamSchema>(schema: S): S {
  return schema;
}

/** Where a value sits: the root (a key path or an owner) and the key path below it. */
interface At {
  root: string;
  key: string;
  w: ParamWording;
}

const below = (at: At, key: string): At => ({ ...at, key: at.key ? `${at.key}.${key}` : key });
const item = (at: At, i: number): At => ({ ...at, key: `${at.key}[${i}]` });

function fail(at: At, expected: string, v: unknown): never {
  throw paramError(at.w, at.root, at.key, { expected, got: v });
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function inBounds(v: unknown, b: NumberBounds): v is number {
  return (
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!b.integer || Number.isInteger(v)) &&
    (!b.positive || v > 0) &&
    (b.min === undefined || v >= b.min) &&
    (b.max === undefined || v <= b.max) &&
    (b.below === undefined || v < b.below)
  );
}

function checkNumber(at: At, v: unknown, b: NumberBounds): number {
  if (!inBounds(v, b)) fail(at, describeNumber(b, at.w), v);
  return v;
}

function checkList<T>(
  at: At,
  v: unknown,
  what: string,
  nonEmpty: boolean | undefined,
  each: (a: At, x: unknown) => T,
): T[] {
  if (!Array.isArray(v) || (nonEmpty && v.length === 0))
    fail(at, `${nonEmpty ? 'a non-empty' : 'a'} list of ${what}`, v);
  v.forEach((x, i) => each(item(at, i), x));
  return v as T[];
}

function checkValue(at: At, v: unknown, spec: ParamSpec, errors?: Error[]): unknown {
  switch (spec.kind) {
    case 'number':
      return checkNumber(at, v, spec);
    case 'boolean':
      if (typeof v !== 'boolean') fail(at, 'true or false', v);
      return v;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) {
        throw paramError(at.w, at.root, at.key, {
          expected: `one of ${spec.values.join(', ')}`,
          got: v,
          choice: spec.values,
        });
      }
      return v;
    case 'string':
      if (typeof v !== 'string' || (spec.nonEmpty && v === ''))
        fail(at, spec.nonEmpty ? 'a non-empty string' : 'a string', v);
      return v;
    case 'numbers':
      return checkList(at, v, describeList(spec, at.w), spec.nonEmpty, (a, x) => checkNumber(a, x, spec));
    case 'strings': {
      const values = spec.values;
      const what = values ? `names from ${values.join(', ')}` : 'strings';
      return checkList(at, v, what, spec.nonEmpty, (a, x) => {
        if (typeof x !== 'string') fail(a, 'a string', x);
        if (values && !values.includes(x)) {
          throw paramError(a.w, a.root, a.key, { expected: `one of ${values.join(', ')}`, got: x, choice: values });
        }
      });
    }
    case 'object':
      if (!isMapping(v)) fail(at, 'a mapping', v);
      return spec.fields ? resolveAt(at, v, spec.fields, errors, 'given') : v;
    default: {
      // a schema written without the types (plain JS, a cast) would otherwise drop the given value silently
      const kind = JSON.stringify((spec as { kind: unknown }).kind);
      const where = at.key ? `${at.root}.${at.key}` : at.root;
      throw new RxgymError(
        `${where}: its parameter schema has kind ${kind}, which is none of ${KINDS.join(', ')}; fix the schema`,
      );
    }
  }
}

const KINDS = ['number', 'boolean', 'enum', 'string', 'numbers', 'strings', 'object'];

/**
 * Resolve `given` against `schema` below `at`. With `errors`, every bad key is recorded there (one error per key)
 * instead of throwing the first. `order`: the result's keys in schema order (tables), or in the given order with
 * missing defaults after (nested objects, so that a given mapping comes back as it was).
 */
function resolveAt(
  at: At,
  given: Record<string, unknown>,
  schema: ParamSchema,
  errors: Error[] | undefined,
  order: 'schema' | 'given',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = Object.keys(schema);
  const guard = (f: () => void): void => {
    if (!errors) {
      f();
      return;
    }
    try {
      f();
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      errors.push(e);
    }
  };
  for (const key of Object.keys(given)) {
    if (Object.hasOwn(schema, key)) continue;
    guard(() => {
      throw paramError(at.w, at.root, below(at, key).key, { unknown: names, hint: closestName(key, names) });
    });
  }
  const keys =
    order === 'schema' ? names : new Set([...Object.keys(given).filter((k) => Object.hasOwn(schema, k)), ...names]);
  for (const key of keys) {
    const spec = schema[key]!;
    const v = given[key];
    if (v !== undefined || spec.required)
      guard(() => {
        out[key] = checkValue(below(at, key), v, spec, errors);
      });
    else if (!spec.optional) out[key] = structuredClone(spec.default);
  }
  return out;
}

/**
 * Validate a parameter mapping against a schema: unknown keys fail (with a "did you mean"), missing keys take
 * their defaults (`optional` ones stay absent). `where` is the key path (`agent`, `rewards[0]`) or, in the owner
 * wording, the thing the options belong to (`CartPole-v1`). Returns the complete, typed table.
 */
export function resolveParams<S extends ParamSchema>(
  where: string,
  given: unknown,
  schema: S,
  wording: ParamWording = {},
): ParamsOf<S> {
  const at: At = { root: where, key: '', w: wording };
  if (given === undefined) given = {};
  if (!isMapping(given))
    throw paramError(wording, where, '', { expected: 'a mapping', got: given, keys: Object.keys(schema) });
  return resolveAt(at, given, schema, undefined, 'schema') as ParamsOf<S>;
}

/**
 * The keys of `given` that `schema` describes: for options shared by a base class and its subclasses (or by the
 * reward stack and a source), each part reading its own with its own schema once the whole was checked.
 */
export function pickParams(given: Record<string, unknown>, schema: ParamSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(given)) if (Object.hasOwn(schema, k)) out[k] = given[k];
  return out;
}

/** Every error of `given` against `schema` (one per bad key, nested mappings key by key), for full reports. */
export function paramErrors(
  where: string,
  given: Record<string, unknown>,
  schema: ParamSchema,
  wording: ParamWording = {},
): Error[] {
  const errors: Error[] = [];
  resolveAt({ root: where, key: '', w: wording }, given, schema, errors, 'schema');
  return errors;
}

/** Check one value against its spec at key path `path`; returns it or throws `path: expected ..., got ...`. */
export function checkParam<P extends ParamSpec>(path: string, v: unknown, spec: P): ParamValueOf<P> {
  return checkValue({ root: path, key: '', w: {} }, v, spec) as ParamValueOf<P>;
}
