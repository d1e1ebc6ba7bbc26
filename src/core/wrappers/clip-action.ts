import type { Env } from '../env.js';
import { RxgymError } from '../env.js';
import { Box, allocTyped, type Space, type TypedArray } from '../spaces.js';
import { Wrapper } from '../wrapper.js';

/** Accepts any real-valued action and clips it into the env's Box action space before stepping. */
export class ClipAction<O> extends Wrapper<O, ArrayLike<number>, O, TypedArray> {
  private readonly inner: Box;
  private readonly space: Box;
  private readonly buf: TypedArray;

  constructor(env: Env<O, TypedArray>) {
    super(env);
    const a = env.actionSpace;
    if (!(a instanceof Box)) throw new RxgymError(`ClipAction: needs a Box action space, got ${a.toJSON().type}`);
    this.inner = a;
    this.space = new Box(-Infinity, Infinity, a.shape, a.dtype);
    this.buf = allocTyped(a.dtype, a.size);
  }

  override get actionSpace(): Space<ArrayLike<number>> {
    return this.space;
  }

  override step(action: ArrayLike<number>) {
    if (action == null || action.length !== this.inner.size) {
      throw new RxgymError(
        `ClipAction: action must hold ${this.inner.size} values, ` +
          `got ${action == null ? String(action) : action.length}`,
      );
    }
    for (let i = 0; i < this.inner.size; i++)
      this.buf[i] = Math.min(Math.max(action[i]!, this.inner.low[i]!), this.inner.high[i]!);
    return this.env.step(this.buf);
  }
}
