import type { ArrayKind } from './layout.js';
import type { TypedArray } from '../spaces.js';

const BYTES: Record<ArrayKind, number> = { float32: 4, float64: 8, int8: 1, uint8: 1, int16: 2, int32: 4 };

/** A typed array of `kind` viewing the whole of `sab`. */
export function allocTypedOver(kind: ArrayKind, sab: SharedArrayBuffer): TypedArray {
  switch (kind) {
    case 'float32':
      return new Float32Array(sab);
    case 'float64':
      return new Float64Array(sab);
    case 'int8':
      return new Int8Array(sab);
    case 'uint8':
      return new Uint8Array(sab);
    case 'int16':
      return new Int16Array(sab);
    case 'int32':
      return new Int32Array(sab);
  }
}

/** A typed array of `kind` and `n` elements placed in a new SharedArrayBuffer. */
export function allocShared(kind: ArrayKind, n: number): TypedArray {
  return allocTypedOver(kind, new SharedArrayBuffer(n * BYTES[kind]));
}
