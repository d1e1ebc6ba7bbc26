import { RxgymError } from '../env.js';
import { Box, Dict, Discrete, MultiBinary, MultiDiscrete, allocTyped, type Space, type TypedArray } from '../spaces.js';
import type { VecObs } from './types.js';

/** Allocates typed arrays; WorkerVectorEnv passes one that places them in SharedArrayBuffers. */
export type ArrayAllocator = (kind: ArrayKind, n: number) => TypedArray;
/** The element kinds a batch buffer can have. */
export type ArrayKind = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'int32';

const plainAlloc: ArrayAllocator = (kind, n) => allocTyped(kind, n);

/** How one flat (non-Dict) space is laid out in a batch: element kind and values per env. */
export interface FlatLayout {
  kind: ArrayKind;
  size: number;
}

/** The batch layout of a Box/Discrete/MultiDiscrete/MultiBinary space, or a clear error for the others. */
export function flatLayout(space: Space<unknown>, what: string): FlatLayout {
  if (space instanceof Box) return { kind: space.dtype, size: space.size };
  if (space instanceof Discrete) return { kind: 'int32', size: 1 };
  if (space instanceof MultiDiscrete) return { kind: 'int32', size: space.nvec.length };
  if (space instanceof MultiBinary) return { kind: 'int8', size: space.size };
  throw new RxgymError(
    `${what}: a ${space.toJSON().type} space cannot be batched into a typed array; ` +
      'vector envs take Box, Discrete, MultiDiscrete, MultiBinary or a Dict of those (wrap the env in ' +
      'FlattenObservation)',
  );
}

/** The layout of an observation space: one flat layout, or one per Dict key. */
export type ObsLayout = FlatLayout | Record<string, FlatLayout>;

/** Work out how observations of `space` are batched. */
export function obsLayout(space: Space<unknown>): ObsLayout {
  if (space instanceof Dict) {
    const out: Record<string, FlatLayout> = {};
    for (const [k, s] of Object.entries(space.spaces) as Array<[string, Space<unknown>]>)
      out[k] = flatLayout(s, `observation key "${k}"`);
    return out;
  }
  return flatLayout(space, 'observation space');
}

/** True when the layout is a Dict layout. */
export function isDictLayout(l: ObsLayout): l is Record<string, FlatLayout> {
  return typeof (l as FlatLayout).kind !== 'string';
}

/** Allocate the batch buffers of `numEnvs` observations. */
export function allocObs(layout: ObsLayout, numEnvs: number, alloc: ArrayAllocator = plainAlloc): VecObs {
  if (!isDictLayout(layout)) return alloc(layout.kind, numEnvs * layout.size);
  const out: Record<string, TypedArray> = {};
  for (const [k, l] of Object.entries(layout)) out[k] = alloc(l.kind, numEnvs * l.size);
  return out;
}

/** Writes env i's observation into its slot of the batch. */
export type ObsWriter = (i: number, obs: unknown) => void;

function flatWriter(l: FlatLayout, buf: TypedArray, what: string): ObsWriter {
  const size = l.size;
  if (size === 1) {
    return (i, obs) => {
      if (typeof obs === 'number') buf[i] = obs;
      else if (ArrayBuffer.isView(obs) && (obs as TypedArray).length === 1) buf[i] = (obs as TypedArray)[0]!;
      else throw new RxgymError(`sub-env ${i} returned ${what} ${describe(obs)}, expected one number`);
    };
  }
  return (i, obs) => {
    const a = obs as TypedArray;
    if (!ArrayBuffer.isView(a) || a.length !== size) {
      const want = `a typed array of ${size} values (e.g. Float32Array)`;
      throw new RxgymError(`sub-env ${i} returned ${what} ${describe(obs)}, expected ${want}`);
    }
    const off = i * size;
    for (let k = 0; k < size; k++) buf[off + k] = a[k]!;
  };
}

/** A writer from a single env's observation into the batch buffers `obs`. */
export function obsWriter(layout: ObsLayout, obs: VecObs): ObsWriter {
  if (!isDictLayout(layout)) return flatWriter(layout, obs as TypedArray, 'an observation');
  const keys = Object.keys(layout);
  const writers = keys.map((k) =>
    flatWriter(layout[k]!, (obs as Record<string, TypedArray>)[k]!, `observation key "${k}"`),
  );
  return (i, o) => {
    if (typeof o !== 'object' || o === null)
      throw new RxgymError(
        `sub-env ${i} returned ${describe(o)}, expected a Dict observation with keys ${keys.join(', ')}`,
      );
    for (let j = 0; j < keys.length; j++) writers[j]!(i, (o as Record<string, unknown>)[keys[j]!]);
  };
}

/** A private copy of a single env's observation (for `finalObs`, since envs may reuse their buffers). */
export function copyObs(obs: unknown): unknown {
  if (ArrayBuffer.isView(obs)) return (obs as TypedArray).slice();
  if (typeof obs === 'object' && obs !== null && !Array.isArray(obs)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obs)) out[k] = copyObs(v);
    return out;
  }
  if (Array.isArray(obs)) return obs.map(copyObs);
  return obs;
}

/** Reads env i's action out of a batched action array (reusing one buffer per env for array actions). */
export type ActionReader = (actions: ArrayLike<number>, i: number) => unknown;

/** The action reader for `space`, and the number of values per env it expects. */
export function actionReader(space: Space<unknown>, numEnvs: number): { dim: number; read: ActionReader } {
  const l = flatLayout(space, 'action space');
  if (space instanceof Discrete) return { dim: 1, read: (a, i) => a[i] };
  const bufs: TypedArray[] = [];
  for (let i = 0; i < numEnvs; i++) bufs.push(allocTyped(l.kind, l.size));
  const size = l.size;
  return {
    dim: size,
    read: (a, i) => {
      const b = bufs[i]!;
      const off = i * size;
      for (let k = 0; k < size; k++) b[k] = a[off + k]!;
      return b;
    },
  };
}

function describe(x: unknown): string {
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}(${(x as TypedArray).length})`;
  if (x === null) return 'null';
  return typeof x === 'object'
    ? Array.isArray(x)
      ? `an array of ${x.length}`
      : 'an object'
    : `${typeof x} ${String(x)}`;
}
