import { RxgymError } from '../../src/core/env.js';

/** Reject kwargs an explore env does not know. */
export function checkKwargs(id: string, kwargs: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(kwargs)) {
    if (!known.includes(k)) throw new RxgymError(`${id}: unknown option "${k}"; known options: ${known.join(', ')}`);
  }
}

/** An integer kwarg in [min, max], `def` when absent. */
export function intKw(id: string, kwargs: Record<string, unknown>, key: string, def: number, min: number, max: number): number {
  const v = kwargs[key];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RxgymError(`${id}: option ${key} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

/** A number kwarg > 0, `def` when absent. */
export function posKw(id: string, kwargs: Record<string, unknown>, key: string, def: number): number {
  const v = kwargs[key];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RxgymError(`${id}: option ${key} must be a number > 0, got ${JSON.stringify(v)}`);
  return v;
}
