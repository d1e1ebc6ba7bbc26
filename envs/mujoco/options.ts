import { RxgymError } from '../../src/core/env.js';

/** Keyword arguments every MuJoCo env accepts. */
export interface MujocoCommonKwargs {
  /** 'rgb_array' enables `render()`; undefined disables rendering. */
  renderMode?: 'rgb_array';
  /** Frame size in pixels (default 128 x 128). */
  width?: number;
  height?: number;
  /** A camera name of the model, or 'free' (default: the model's "track" or "front" camera when it has one, else 'free'). */
  camera?: string;
  /** Clip out-of-range actions to the action space instead of raising (default false: out-of-range is an error). */
  clipActions?: boolean;
  /** Seed used when the first `reset()` gets none (default 0). */
  seed?: number;
}

/** The keys of MujocoCommonKwargs. */
export const COMMON_KEYS = ['renderMode', 'width', 'height', 'camera', 'clipActions', 'seed'] as const;

/** Reject unknown kwargs with a message listing the accepted ones. */
export function checkKwargs(id: string, kwargs: Record<string, unknown>, extra: readonly string[]): void {
  const allowed = new Set<string>([...COMMON_KEYS, ...extra]);
  for (const k of Object.keys(kwargs)) {
    if (!allowed.has(k)) throw new RxgymError(`${id}: unknown option "${k}"; accepted options: ${[...allowed].join(', ')}`);
  }
}

/** A finite number option with a default. */
export function numOpt(id: string, kwargs: Record<string, unknown>, key: string, dflt: number): number {
  const v = kwargs[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RxgymError(`${id}: option "${key}" must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

/** A boolean option with a default. */
export function boolOpt(id: string, kwargs: Record<string, unknown>, key: string, dflt: boolean): boolean {
  const v = kwargs[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new RxgymError(`${id}: option "${key}" must be true or false, got ${JSON.stringify(v)}`);
  return v;
}
