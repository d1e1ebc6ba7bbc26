import type { EnvCapabilities } from '../capabilities.js';
import type { Info, RenderMode, RgbFrame } from '../env.js';
import type { Space, TypedArray } from '../spaces.js';

/** Gymnasium's autoreset modes: reset on the step after an episode ends (default), within the same step, or never. */
export type AutoresetMode = 'next-step' | 'same-step' | 'disabled';

/**
 * Batched observations: one typed array of `numEnvs x prod(shape)` for Box/Discrete spaces,
 * or one such array per key for Dict spaces. Buffers are reused between steps: copy what you keep.
 */
export type VecObs = TypedArray | Record<string, TypedArray>;

/** Infos as a dict of arrays, each with a `_key` boolean mask saying which envs set it. */
export type VecInfo = Record<string, unknown[] | Uint8Array | Float64Array | Float32Array>;

/** What a vector `step` returns (flat parts as typed arrays, reused between steps). */
export interface VectorStep {
  obs: VecObs;
  rewards: Float32Array;
  terminations: Uint8Array;
  truncations: Uint8Array;
  infos: VecInfo;
}

/** N copies of an env behind one batched interface. */
export interface VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly autoresetMode: AutoresetMode;
  readonly metadata: { renderModes: RenderMode[]; autoresetMode: AutoresetMode };
  /** What the sub-envs declare (exploration cell, text keys, fixed layout): plain JSON, the same for every sub-env. */
  readonly capabilities: EnvCapabilities;
  /**
   * `seed` seeds sub-env i with `seed + i`; `options.resetMask` (Uint8Array or boolean[]) resets a subset in 'disabled'
   * mode.
   */
  reset(opts?: { seed?: number; options?: Record<string, unknown> }): { obs: VecObs; infos: VecInfo };
  /**
   * One action per env: a typed array of `numEnvs` (Discrete) or `numEnvs x actionDim` (Box, MultiDiscrete) values.
   */
  step(actions: TypedArray | ArrayLike<number>): VectorStep;
  /** Call a method on every sub-env (e.g. 'state', 'render') and collect the results. */
  call(method: string, ...args: unknown[]): unknown[];
  render(index?: number): string | RgbFrame | undefined;
  close(): void;
  /**
   * With 'same-step' autoreset, also put each ending sub-env's `state()` (read before its reset) into
   * `finalInfo.state`, for consumers that need the true last state of an episode (reward code). Off by default.
   */
  captureFinalState?(on: boolean): void;
}

export type { Info };
