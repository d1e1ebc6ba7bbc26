import type { Env } from '../env.js';
import { RxgymError } from '../env.js';
import { Box, allocTyped, type Space, type TypedArray } from '../spaces.js';
import { Wrapper } from '../wrapper.js';

/** Exposes the action space as Box(minAction, maxAction) and maps actions linearly onto the env's bounded Box. */
export class RescaleAction<O> extends Wrapper<O, ArrayLike<number>, O, TypedArray> {
  private readonly inner: Box;
  private readonly space: Box;
  private readonly buf: TypedArray;

  constructor(env: Env<O, TypedArray>, minAction: number | ArrayLike<number>, maxAction: number | ArrayLike<number>) {
    super(env);
    const a = env.actionSpace;
    if (!(a instanceof Box)) throw new RxgymError(`RescaleAction: needs a Box action space, got ${a.toJSON().type}`);
    if (!a.isBounded()) throw new RxgymError('RescaleAction: the env action space must be bounded on every dimension');
    this.inner = a;
    this.space = new Box(minAction, maxAction, a.shape, a.dtype);
    if (!this.space.isBounded()) throw new RxgymError('RescaleAction: minAction and maxAction must be finite');
    for (let i = 0; i < a.size; i++) {
      if (!(this.space.low[i]! < this.space.high[i]!))
        throw new RxgymError(`RescaleAction: minAction must be below maxAction (dimension ${i})`);
    }
    this.buf = allocTyped(a.dtype, a.size);
  }

  override get actionSpace(): Space<ArrayLike<number>> {
    return this.space;
  }

  override step(action: ArrayLike<number>) {
    const s = this.space;
    // the bounds are held in the dtype (fround for float32): compare the action there too, so maxAction itself passes
    const inDtype = s.dtype === 'float32' ? Math.fround : (x: number) => x;
    let ok = action != null && action.length === s.size;
    for (let i = 0; ok && i < s.size; i++) {
      const a = inDtype(action[i]!);
      ok = a >= s.low[i]! && a <= s.high[i]!;
    }
    if (!ok) {
      throw new RxgymError(
        `RescaleAction: action is outside the action space ` +
          `[${Array.from(this.space.low).join(', ')}]..[${Array.from(this.space.high).join(', ')}]`,
      );
    }
    const { low, high } = this.inner;
    for (let i = 0; i < s.size; i++) {
      const v = low[i]! + ((action[i]! - s.low[i]!) * (high[i]! - low[i]!)) / (s.high[i]! - s.low[i]!);
      // a bound given as a double lies just outside its float32 copy: keep its image inside the env's Box
      this.buf[i] = Math.min(Math.max(v, low[i]!), high[i]!);
    }
    return this.env.step(this.buf);
  }
}
