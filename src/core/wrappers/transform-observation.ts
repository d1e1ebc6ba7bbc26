import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { RxgymError } from '../env.js';
import type { Space } from '../spaces.js';
import { Wrapper } from '../wrapper.js';

/** Applies `fn` to every observation; pass `observationSpace` when `fn` changes the space. */
export class TransformObservation<O, A, IO = unknown> extends Wrapper<O, A, IO, A> {
  private readonly space: Space<O>;

  constructor(
    env: Env<IO, A>,
    readonly fn: (obs: IO) => O,
    observationSpace?: Space<O>,
  ) {
    super(env);
    if (typeof fn !== 'function') throw new RxgymError('TransformObservation: fn must be a function (obs) => newObs');
    this.space = observationSpace ?? (env.observationSpace as unknown as Space<O>);
  }

  override get observationSpace(): Space<O> {
    return this.space;
  }

  override reset(opts?: ResetOptions): ResetResult<O> {
    const r = this.env.reset(opts);
    return { obs: this.fn(r.obs), info: r.info };
  }

  override step(action: A): StepResult<O> {
    const r = this.env.step(action);
    return { obs: this.fn(r.obs), reward: r.reward, terminated: r.terminated, truncated: r.truncated, info: r.info };
  }
}
