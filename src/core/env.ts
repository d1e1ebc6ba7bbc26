import type { Space } from './spaces.js';

/** Free-form per-step information (Gymnasium's `info`). */
export type Info = Record<string, unknown>;
/** How an env renders, fixed at construction. */
export type RenderMode = 'ansi' | 'rgb_array' | 'human';
/** An RGB frame: `data` is height x width x 3 bytes, row-major. */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Options of `reset`. */
export interface ResetOptions {
  seed?: number;
  options?: Record<string, unknown>;
}
/** What `reset` returns. */
export interface ResetResult<O> {
  obs: O;
  info: Info;
}
/** What `step` returns; `terminated` is an MDP terminal state, `truncated` a cut from outside the MDP (time limit). */
export interface StepResult<O> {
  obs: O;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

/**
 * Where an env id was registered from: the module (a file URL, e.g. the registrar's `import.meta.url`) and the name
 * of the registrar function it exports. Worker threads import exactly that module and call the registrar with their
 * env registry, instead of loading the whole package.
 */
export interface EnvSource {
  module: string;
  export: string;
}

/** The registration record of an env id. */
export interface EnvSpec {
  id: string;
  entryPoint: (kwargs: Record<string, unknown>) => Env<unknown, unknown>;
  maxEpisodeSteps?: number;
  rewardThreshold?: number;
  nondeterministic?: boolean;
  kwargs: Record<string, unknown>;
  /** Where the family lives, for `rxgym envs`. */
  family?: string;
  /** The registrar that registers this id, for worker threads (`WorkerVectorEnv`). */
  source?: EnvSource;
}

/** Gymnasium semantics, synchronous and allocation-light. */
export interface Env<O = unknown, A = unknown> {
  readonly observationSpace: Space<O>;
  readonly actionSpace: Space<A>;
  spec?: EnvSpec;
  readonly metadata: { renderModes: RenderMode[]; renderFps?: number };
  /** The render mode chosen at construction, if any. */
  readonly renderMode?: RenderMode;
  /**
   * Start an episode. Buffer rule: a typed-array observation may be a buffer the env owns and overwrites on the
   * next `reset`/`step` (the classic envs do this so the hot path allocates nothing); copy it (`obs.slice()`) to keep
   * it.
   */
  reset(opts?: ResetOptions): ResetResult<O>;
  /**
   * Advance one step. The buffer rule of `reset` applies to `obs`, and the result object itself may be reused by the
   * env (the classic envs do): read or copy its fields before the next call. Wrappers may rewrite its fields in place
   * (envs that reuse it rewrite all five every step) but must not add keys to `info`: make a new info object instead.
   */
  step(action: A): StepResult<O>;
  render(): string | RgbFrame | undefined;
  /** Safe to call twice. */
  close(): void;
}

/** Environments whose state LLM-written reward code may read. */
export interface DescribedEnv<S> {
  /** Compact plain-JSON state. */
  state(): S;
  /** A .d.ts-style description of `state()` for prompts. */
  describeState(): string;
}

/** True when `env` implements `state()`/`describeState()`. */
export function isDescribed(env: unknown): env is DescribedEnv<unknown> {
  return (
    typeof (env as DescribedEnv<unknown>)?.state === 'function' &&
    typeof (env as DescribedEnv<unknown>)?.describeState === 'function'
  );
}

/** Errors from rxgym that name the problem and the fix; the CLI prints their message without a stack. */
export class RxgymError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RxgymError';
  }
}
