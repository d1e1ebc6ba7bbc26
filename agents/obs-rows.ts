import type { TypedArray } from '../src/core/spaces.js';
import type { ObsBatch } from '../src/stream/batch.js';

/** Copy rows `rows` of an observation batch into a new, compact batch. */
export function selectRows(obs: ObsBatch, rows: ArrayLike<number>, out?: ObsBatch): ObsBatch {
  const res: ObsBatch = out ?? {};
  for (const key of Object.keys(obs)) {
    const src = obs[key]!;
    const dim = src.shape.reduce((a, b) => a * b, 1);
    let dst = res[key]?.data;
    if (!dst || dst.length !== rows.length * dim) dst = new (src.data.constructor as new (n: number) => TypedArray)(rows.length * dim);
    for (let r = 0; r < rows.length; r++) {
      const k = rows[r]!;
      if (dim === 1) dst[r] = src.data[k]!;
      else dst.set(src.data.subarray(k * dim, (k + 1) * dim), r * dim);
    }
    res[key] = { data: dst, shape: src.shape };
  }
  return res;
}
