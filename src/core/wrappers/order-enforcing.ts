import type { Env, ResetOptions, ResetResult, RgbFrame, StepResult } from '../env.js';
import { RxgymError } from '../env.js';
import { Wrapper } from '../wrapper.js';

/** Raises a clear error when `step` or `render` is called before the first `reset`. */
export class OrderEnforcing<O, A> extends Wrapper<O, A> {
  private hasReset = false;
  constructor(
    env: Env<O, A>,
    private readonly disableRenderOrderEnforcing = false,
  ) {
    super(env);
  }
  override reset(opts?: ResetOptions): ResetResult<O> {
    this.hasReset = true;
    return this.env.reset(opts);
  }
  override step(action: A): StepResult<O> {
    if (!this.hasReset)
      throw new RxgymError(`${this.spec?.id ?? 'env'}: step() called before reset(); call env.reset({ seed }) first`);
    return this.env.step(action);
  }
  override render(): string | RgbFrame | undefined {
    if (!this.hasReset && !this.disableRenderOrderEnforcing) {
      throw new RxgymError(`${this.spec?.id ?? 'env'}: render() called before reset(); call env.reset() first`);
    }
    return this.env.render();
  }
}
