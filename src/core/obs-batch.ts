import { Dict, type Space, type TypedArray } from './spaces.js';
import type { VecObs } from './vector/types.js';

/** One observation key laid out for a whole batch: `data` holds `count x prod(shape)` values. */
export interface ObsArray {
  data: TypedArray;
  shape: readonly number[];
}
/** Batched observations by key; a non-Dict observation space uses the single key `obs`. */
export type ObsBatch = Record<string, ObsArray>;

/** The constructor of a batch array (the same typed array type as the env's). */
export type TypedArrayCtor = new (n: number) => TypedArray;

/** Where one observation key goes in a batch: values per row, the shape of one row, the array type. */
export interface ObsKeyLayout {
  readonly key: string;
  readonly dim: number;
  readonly shape: number[];
  readonly ctor: TypedArrayCtor;
}

/**
 * The obs-batch layout of a vector env's observations (`numEnvs` rows in `obs`): a non-Dict space is the one key
 * `obs`, a Dict's keys come in sorted order; a row's shape is the space's (`[]` for a scalar key without one, else
 * `[dim]`) and its array type the env's. Every ObsBatch of rxgym (rollouts, watching, minibatches) has this layout.
 */
export function obsLayout(space: Space<unknown>, obs: VecObs, numEnvs: number): ObsKeyLayout[] {
  const entries: [string, TypedArray, Space<unknown> | undefined][] = ArrayBuffer.isView(obs)
    ? [['obs', obs, space]]
    : Object.keys(obs)
        .sort()
        .map((k) => [k, obs[k]!, space instanceof Dict ? space.spaces[k] : undefined]);
  return entries.map(([key, arr, sp]) => {
    const dim = arr.length / numEnvs;
    const shape = sp && sp.shape.length > 0 ? sp.shape.slice() : dim === 1 ? [] : [dim];
    return { key, dim, shape, ctor: arr.constructor as TypedArrayCtor };
  });
}

/** Zeroed arrays for `rows` observations of `layout`. */
export function allocObsBatch(layout: readonly ObsKeyLayout[], rows: number): ObsBatch {
  const out: ObsBatch = {};
  for (const l of layout) out[l.key] = { data: new l.ctor(rows * l.dim), shape: l.shape };
  return out;
}

/** A vector env's observations as an ObsBatch of `layout` without copying: views of the env's (reused) buffers. */
export function viewObsBatch(obs: VecObs, layout: readonly ObsKeyLayout[]): ObsBatch {
  const out: ObsBatch = {};
  for (const l of layout) out[l.key] = { data: ArrayBuffer.isView(obs) ? obs : obs[l.key]!, shape: l.shape };
  return out;
}

/** Values per row of a batch array: the product of its row shape (1 for a scalar key). */
export function rowSize(a: ObsArray): number {
  return a.shape.reduce((p, d) => p * d, 1);
}

/** Copy rows `rows` of an observation batch into a compact batch, reusing `out`'s arrays when their size fits. */
export function selectRows(obs: ObsBatch, rows: ArrayLike<number>, out?: ObsBatch): ObsBatch {
  const res: ObsBatch = out ?? {};
  for (const key of Object.keys(obs)) {
    const src = obs[key]!;
    const dim = rowSize(src);
    let dst = res[key]?.data;
    if (!dst || dst.length !== rows.length * dim) dst = new (src.data.constructor as TypedArrayCtor)(rows.length * dim);
    for (let r = 0; r < rows.length; r++) {
      const k = rows[r]!;
      if (dim === 1) dst[r] = src.data[k]!;
      else dst.set(src.data.subarray(k * dim, (k + 1) * dim), r * dim);
    }
    res[key] = { data: dst, shape: src.shape };
  }
  return res;
}

/** The rows of one batch array as float32, `rows x dim` (the array itself when it already is float32). */
export function floatRows(a: ObsArray): { data: Float32Array; dim: number; rows: number } {
  const dim = rowSize(a);
  const data = a.data instanceof Float32Array ? a.data : Float32Array.from(a.data);
  return { data, dim, rows: data.length / dim };
}
