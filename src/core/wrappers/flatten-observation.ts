import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { flatdim, flatten, flattenSpace, type Box, type Space } from '../spaces.js';
import { Wrapper } from '../wrapper.js';

/**
 * Flattens observations into one Float32Array (Discrete one-hot, Dict keys in order), as Gymnasium's
 * FlattenObservation.
 * The returned observation is a buffer this wrapper overwrites on the next step/reset.
 */
export class FlattenObservation<A> extends Wrapper<Float32Array, A, unknown, A> {
  private readonly space: Box;
  private readonly out: Float32Array;
  private readonly inner: Space<unknown>;

  constructor(env: Env<unknown, A>) {
    super(env);
    this.inner = env.observationSpace;
    this.space = flattenSpace(this.inner);
    this.out = new Float32Array(flatdim(this.inner));
  }

  override get observationSpace(): Space<Float32Array> {
    return this.space as Space<unknown> as Space<Float32Array>;
  }

  override reset(opts?: ResetOptions): ResetResult<Float32Array> {
    const r = this.env.reset(opts);
    return { obs: flatten(this.inner, r.obs, this.out), info: r.info };
  }

  override step(action: A): StepResult<Float32Array> {
    const r = this.env.step(action) as StepResult<unknown>;
    r.obs = flatten(this.inner, r.obs, this.out);
    return r as StepResult<Float32Array>;
  }
}
