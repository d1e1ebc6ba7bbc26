import type { Env } from '../env.js';
import { RxgymError } from '../env.js';
import { Wrapper } from '../wrapper.js';
import type { AutoresetMode } from './types.js';

const MODES: readonly AutoresetMode[] = ['next-step', 'same-step', 'disabled'];

/** Validate an autoreset mode (default 'next-step'). */
export function checkAutoresetMode(mode: unknown): AutoresetMode {
  if (mode === undefined) return 'next-step';
  if (!MODES.includes(mode as AutoresetMode)) {
    throw new RxgymError(
      `unknown autoresetMode ${JSON.stringify(mode)}; use one of ${MODES.map((m) => `'${m}'`).join(', ')}`,
    );
  }
  return mode as AutoresetMode;
}

/** Check a vector `step`'s preconditions: reset first, and `numEnvs x actionDim` actions. */
export function checkStepActions(
  actions: ArrayLike<number> | null | undefined,
  hasReset: boolean,
  numEnvs: number,
  actionDim: number,
): void {
  if (!hasReset) throw new RxgymError('vector env: step() called before reset(); call venv.reset({ seed }) first');
  const want = numEnvs * actionDim;
  if (actions == null || typeof actions.length !== 'number' || actions.length !== want) {
    throw new RxgymError(
      `vector env step: expected ${want} actions (numEnvs ${numEnvs} x actionDim ${actionDim}), got ` +
        `${actions == null ? String(actions) : `${actions.length}`}`,
    );
  }
}

/** The error for stepping sub-env `i` after its episode ended with autoresetMode 'disabled'. */
export function endedError(i: number): RxgymError {
  return new RxgymError(
    `vector env step: sub-env ${i} ended its episode and autoresetMode is 'disabled'; call reset({ options: ` +
      `{ resetMask } }) with a 1 at index ${i} first`,
  );
}

/** The first error a sub-env threw inside a vector env's step or reset. */
export interface SubEnvFailure {
  index: number;
  during: 'step' | 'reset';
  message: string;
}

/** What was thrown, as one message. */
export function thrownMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The error of every step after a sub-env threw (its state is unknown), the same for the in-process and the worker
 * vector env, until a reset that covers the sub-env, or close().
 */
export function failedError(f: SubEnvFailure): RxgymError {
  return new RxgymError(
    `vector env step: sub-env ${f.index} threw during ${f.during} (${f.message}), so the vector env refuses to step; ` +
      `call reset() (with sub-env ${f.index} in its resetMask, if you give one) or close()`,
  );
}

/** A validated vector `reset` request: which envs, the base seed, and the options passed to each sub-env. */
export interface ResetRequest {
  mask?: Uint8Array;
  seed?: number;
  options?: Record<string, unknown>;
}

/** Check a vector `reset`'s arguments and split `resetMask` off the sub-env options. */
export function resetRequest(
  opts: { seed?: number; options?: Record<string, unknown> } | undefined,
  numEnvs: number,
  _mode: AutoresetMode,
): ResetRequest {
  const o = opts ?? {};
  if (typeof o !== 'object') throw new RxgymError('vector env reset: pass an object, e.g. reset({ seed: 0 })');
  const seed = o.seed;
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) {
    throw new RxgymError(`vector env reset: seed must be a non-negative integer, got ${String(seed)}`);
  }
  if (o.options === undefined) return { seed };
  if (typeof o.options !== 'object' || o.options === null)
    throw new RxgymError('vector env reset: options must be an object');
  if (!('resetMask' in o.options)) return { seed, options: o.options };
  const { resetMask, ...rest } = o.options;
  const raw = resetMask as ArrayLike<unknown> | undefined;
  if (raw == null || typeof raw.length !== 'number' || raw.length !== numEnvs) {
    throw new RxgymError(
      `vector env reset: options.resetMask must be a Uint8Array or boolean[] of length numEnvs (${numEnvs})`,
    );
  }
  const mask = new Uint8Array(numEnvs);
  let any = false;
  for (let i = 0; i < numEnvs; i++) {
    mask[i] = raw[i] ? 1 : 0;
    any ||= mask[i] === 1;
  }
  if (!any) throw new RxgymError('vector env reset: options.resetMask selects no env; set at least one entry to true');
  return { mask, seed, options: Object.keys(rest).length ? rest : undefined };
}

/** Find an attribute through a wrapper chain: the outermost env that has it, and the value. */
export function findAttr(env: Env<unknown, unknown>, name: string): { owner: unknown; value: unknown } {
  let e: unknown = env;
  for (;;) {
    if (e !== null && typeof e === 'object' && name in e)
      return { owner: e, value: (e as Record<string, unknown>)[name] };
    if (e instanceof Wrapper) e = e.env;
    else break;
  }
  throw new RxgymError(`vector env call: the sub-envs have no attribute or method "${name}"`);
}
