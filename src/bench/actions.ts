import type { Rng } from '../core/rng.js';
import type { Space } from '../core/spaces.js';

/** `count` actions of `space` sampled with `rng`, laid out flat (count x actionDim) for a vector step. */
export function sampleFlatActions(space: Space<unknown>, count: number, rng: Rng): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const a = space.sample(rng) as unknown;
    if (typeof a === 'number') out.push(a);
    else if (ArrayBuffer.isView(a)) for (const v of a as unknown as ArrayLike<number> & Iterable<number>) out.push(v);
    else throw new Error(`bench: cannot sample numeric actions from ${JSON.stringify(space.toJSON())}`);
  }
  return Float64Array.from(out);
}
