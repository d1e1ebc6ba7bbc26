import { RxgymError, type RenderMode } from '../../src/core/env.js';

/** Reject kwargs a reasoning env does not know, naming the ones it does. */
export function checkKwargs(id: string, kwargs: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(kwargs)) {
    if (!known.includes(k)) throw new RxgymError(`${id}: unknown option "${k}"; known options: ${known.join(', ')}`);
  }
}

/** An integer kwarg in [min, max], `def` when absent. */
export function intKw(
  id: string,
  kwargs: Record<string, unknown>,
  key: string,
  def: number,
  min: number,
  max: number,
): number {
  const v = kwargs[key];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RxgymError(`${id}: option ${key} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

/** The render mode kwarg: only 'ansi' (a text rendering for LLM judges). */
export function renderModeKw(id: string, v: unknown): RenderMode | undefined {
  if (v === undefined || v === null) return undefined;
  if (v !== 'ansi') throw new RxgymError(`${id}: renderMode must be "ansi", got ${JSON.stringify(v)}`);
  return 'ansi';
}

/** The `repeat` kwarg: how many episodes in a row pose the same problem (1..64, default 1). */
export function repeatKw(id: string, kwargs: Record<string, unknown>): number {
  return intKw(id, kwargs, 'repeat', 1, 1, 64);
}
