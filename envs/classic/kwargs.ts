import { RxgymError, type RenderMode } from '../../src/core/env.js';

/** Reject kwargs an env does not know (no silent defaults), naming the ones it does. */
export function checkKwargs(id: string, kwargs: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(kwargs)) {
    if (!known.includes(k)) throw new RxgymError(`${id}: unknown kwarg "${k}"; known kwargs: ${known.join(', ')}`);
  }
}

/** The render mode kwarg, checked against the modes the env supports. */
export function renderModeKwarg(id: string, v: unknown, modes: readonly RenderMode[]): RenderMode | undefined {
  if (v === undefined || v === null) return undefined;
  if (!modes.includes(v as RenderMode)) {
    throw new RxgymError(`${id}: renderMode ${JSON.stringify(v)} is not supported; use one of ${modes.map((m) => `'${m}'`).join(', ')}`);
  }
  return v as RenderMode;
}

/** A finite number kwarg with a default. */
export function numberKwarg(id: string, name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RxgymError(`${id}: kwarg "${name}" must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}
