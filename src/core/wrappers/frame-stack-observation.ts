import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { RxgymError } from '../env.js';
import { Box, allocTyped, type Space, type TypedArray } from '../spaces.js';
import { Wrapper } from '../wrapper.js';
import { OPTION_WORDING, defineParams, resolveParams, type ParamsOf } from '../params.js';

const PARAMS = defineParams({
  padding: {
    kind: 'enum',
    values: ['reset', 'zero'],
    default: 'reset',
    doc: "how the stack is filled after reset: 'reset' repeats the first observation, 'zero' uses zeros",
  },
});

/** Options of FrameStackObservation. */
export type FrameStackOptions = Partial<ParamsOf<typeof PARAMS>>;

/**
 * Stacks the last `stackSize` Box observations into one of shape [stackSize, ...shape], oldest first
 * (Gymnasium's FrameStackObservation). The returned observation is a buffer this wrapper overwrites on the next call.
 */
export class FrameStackObservation<A> extends Wrapper<TypedArray, A, unknown, A> {
  readonly stackSize: number;
  readonly padding: 'reset' | 'zero';
  private readonly space: Box;
  private readonly frameSize: number;
  private readonly out: TypedArray;

  constructor(env: Env<unknown, A>, stackSize: number, opts: FrameStackOptions = {}) {
    super(env);
    const { padding } = resolveParams('FrameStackObservation', opts, PARAMS, OPTION_WORDING);
    if (!Number.isInteger(stackSize) || stackSize < 1)
      throw new RxgymError(`FrameStackObservation: stackSize must be a positive integer, got ${String(stackSize)}`);
    const inner = env.observationSpace;
    if (!(inner instanceof Box))
      throw new RxgymError(`FrameStackObservation: needs a Box observation space, got ${inner.toJSON().type}`);
    this.stackSize = stackSize;
    this.padding = padding;
    this.frameSize = inner.size;
    const low = new Float64Array(stackSize * inner.size),
      high = new Float64Array(stackSize * inner.size);
    for (let k = 0; k < stackSize; k++) {
      low.set(inner.low, k * inner.size);
      high.set(inner.high, k * inner.size);
    }
    if (padding === 'zero')
      for (let i = 0; i < low.length; i++) {
        low[i] = Math.min(low[i]!, 0);
        high[i] = Math.max(high[i]!, 0);
      }
    this.space = new Box(low, high, [stackSize, ...inner.shape], inner.dtype);
    this.out = allocTyped(inner.dtype, stackSize * inner.size);
  }

  override get observationSpace(): Space<TypedArray> {
    return this.space;
  }

  override reset(opts?: ResetOptions): ResetResult<TypedArray> {
    const r = this.env.reset(opts);
    const obs = r.obs as ArrayLike<number>;
    const n = this.frameSize;
    for (let k = 0; k < this.stackSize; k++) {
      if (this.padding === 'zero' && k < this.stackSize - 1) this.out.fill(0, k * n, (k + 1) * n);
      else for (let i = 0; i < n; i++) this.out[k * n + i] = obs[i]!;
    }
    return { obs: this.out, info: r.info };
  }

  override step(action: A): StepResult<TypedArray> {
    const r = this.env.step(action) as StepResult<unknown>;
    const n = this.frameSize,
      o = this.out,
      obs = r.obs as ArrayLike<number>;
    o.copyWithin(0, n);
    const at = (this.stackSize - 1) * n;
    for (let i = 0; i < n; i++) o[at + i] = obs[i]!;
    r.obs = o;
    return r as StepResult<TypedArray>;
  }
}
