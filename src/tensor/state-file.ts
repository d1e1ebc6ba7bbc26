import { RxgymError } from '../core/env.js';
import type { TypedArray } from '../core/spaces.js';
import { loadWeights, saveWeights } from './io.js';
import type { WeightEntry } from './params.js';

/** How a Float32Array of a saved state is referenced in its JSON: the name of its entry in the weights file. */
interface WeightRef {
  $weights: string;
}

function isRef(x: unknown): x is WeightRef {
  if (typeof x !== 'object' || x === null) return false;
  return typeof (x as WeightRef).$weights === 'string' && Object.keys(x).length === 1;
}

function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

function extract(x: unknown, path: string, out: WeightEntry[]): unknown {
  if (x instanceof Float32Array) {
    out.push({ name: path, shape: [x.length], data: x });
    return { $weights: path } satisfies WeightRef;
  }
  // Other typed arrays (float64 statistics, integer ids) are exact as JSON numbers.
  if (isTypedArray(x)) return Array.from(x);
  if (Array.isArray(x)) return x.map((v, i) => extract(v, `${path}/${i}`, out));
  if (typeof x === 'object' && x !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) o[k] = extract(v, `${path}/${k}`, out);
    return o;
  }
  return x;
}

function revive(x: unknown, byName: Map<string, WeightEntry>, file: string): unknown {
  if (isRef(x)) {
    const e = byName.get(x.$weights);
    if (!e) throw new RxgymError(`${file} references weights "${x.$weights}" missing from its .bin: it is damaged`);
    return e.data;
  }
  if (Array.isArray(x)) return x.map((v) => revive(v, byName, file));
  if (typeof x === 'object' && x !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) o[k] = revive(v, byName, file);
    return o;
  }
  return x;
}

/**
 * Save a checkpoint state (plain JSON values plus Float32Arrays: network weights, optimizer moments) in src/tensor's
 * binary weights format: every Float32Array goes to `<name>.bin`, named by its path in the state, and the rest of
 * the state is the metadata of `<name>.json`. `loadStateFile` gives back the same state, Float32Arrays included.
 */
export function saveStateFile(dir: string, name: string, state: unknown): void {
  const entries: WeightEntry[] = [];
  const json = extract(state, '', entries);
  saveWeights(dir, name, entries, { state: json });
}

/** Read what `saveStateFile` wrote. */
export function loadStateFile(dir: string, name: string): unknown {
  const { meta, entries } = loadWeights(dir, name);
  if (!('state' in meta)) {
    throw new RxgymError(`${dir}/${name}.json holds weights but no saved state: it was not written by saveStateFile`);
  }
  return revive(meta.state, new Map(entries.map((e) => [e.name, e])), `${dir}/${name}.json`);
}
