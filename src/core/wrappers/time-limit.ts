import type { Env, EnvSpec, ResetOptions, ResetResult, StepResult } from '../env.js';
import { RxgymError } from '../env.js';
import { Wrapper } from '../wrapper.js';

/** Truncates an episode after `maxEpisodeSteps` steps (`truncated: true`), as Gymnasium's TimeLimit. */
export class TimeLimit<O, A> extends Wrapper<O, A> {
  private elapsed = 0;
  private specCache?: { inner: EnvSpec; outer: EnvSpec };
  constructor(
    env: Env<O, A>,
    readonly maxEpisodeSteps: number,
  ) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new RxgymError(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${String(maxEpisodeSteps)}`);
    }
  }
  /** The inner env's spec with `maxEpisodeSteps` set to this wrapper's limit, as Gymnasium's TimeLimit reports it. */
  override get spec(): EnvSpec | undefined {
    const inner = this.env.spec;
    if (!inner) return undefined;
    if (this.specCache?.inner !== inner)
      this.specCache = { inner, outer: { ...inner, maxEpisodeSteps: this.maxEpisodeSteps } };
    return this.specCache.outer;
  }
  override set spec(s: EnvSpec | undefined) {
    this.env.spec = s;
  }
  override reset(opts?: ResetOptions): ResetResult<O> {
    this.elapsed = 0;
    return this.env.reset(opts);
  }
  override step(action: A): StepResult<O> {
    const r = this.env.step(action);
    this.elapsed++;
    if (this.elapsed >= this.maxEpisodeSteps) r.truncated = true;
    return r;
  }
}
