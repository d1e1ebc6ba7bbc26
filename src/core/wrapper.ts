import type { Env, EnvSpec, Info, RenderMode, ResetOptions, ResetResult, RgbFrame, StepResult } from './env.js';
import type { Space } from './spaces.js';

/** Base of every wrapper: forwards everything to the inner env; subclasses override what they change. */
export class Wrapper<O = unknown, A = unknown, IO = O, IA = A> implements Env<O, A> {
  // set by a subclass's constructor, as Gymnasium's `self.observation_space = ...` in a wrapper's __init__
  private ownObservationSpace?: Space<O>;
  private ownActionSpace?: Space<A>;
  private ownMetadata?: { renderModes: RenderMode[]; renderFps?: number };
  constructor(readonly env: Env<IO, IA>) {}
  /** The inner env's observation space, or the one this wrapper was given (`this.observationSpace = ...`). */
  get observationSpace(): Space<O> {
    return this.ownObservationSpace ?? (this.env.observationSpace as unknown as Space<O>);
  }
  set observationSpace(s: Space<O>) {
    this.ownObservationSpace = s;
  }
  /** The inner env's action space, or the one this wrapper was given (`this.actionSpace = ...`). */
  get actionSpace(): Space<A> {
    return this.ownActionSpace ?? (this.env.actionSpace as unknown as Space<A>);
  }
  set actionSpace(s: Space<A>) {
    this.ownActionSpace = s;
  }
  get spec(): EnvSpec | undefined {
    return this.env.spec;
  }
  set spec(s: EnvSpec | undefined) {
    this.env.spec = s;
  }
  /** The inner env's metadata, or the one this wrapper was given (`this.metadata = ...`). */
  get metadata(): { renderModes: RenderMode[]; renderFps?: number } {
    return this.ownMetadata ?? this.env.metadata;
  }
  set metadata(m: { renderModes: RenderMode[]; renderFps?: number }) {
    this.ownMetadata = m;
  }
  get renderMode(): RenderMode | undefined {
    return this.env.renderMode;
  }
  /** The innermost env. */
  get unwrapped(): Env<unknown, unknown> {
    let e: Env<unknown, unknown> = this.env as Env<unknown, unknown>;
    while (e instanceof Wrapper) e = e.env as Env<unknown, unknown>;
    return e;
  }
  reset(opts?: ResetOptions): ResetResult<O> {
    return this.env.reset(opts) as unknown as ResetResult<O>;
  }
  step(action: A): StepResult<O> {
    return this.env.step(action as unknown as IA) as unknown as StepResult<O>;
  }
  render(): string | RgbFrame | undefined {
    return this.env.render();
  }
  close(): void {
    this.env.close();
  }
}

/** The innermost env of a wrapper chain (the env itself when not wrapped). */
export function unwrap(env: Env<unknown, unknown>): Env<unknown, unknown> {
  return env instanceof Wrapper ? env.unwrapped : env;
}

export type { Info };
