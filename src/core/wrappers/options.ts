import { RxgymError } from '../env.js';

/** Reject options a wrapper does not know, naming the ones it does (no silent defaults). */
export function checkOptions(wrapper: string, opts: object | undefined, known: readonly string[]): void {
  if (opts === undefined) return;
  if (typeof opts !== 'object' || opts === null) throw new RxgymError(`${wrapper}: options must be an object with keys ${known.join(', ')}`);
  for (const k of Object.keys(opts)) {
    if (!known.includes(k)) {
      throw new RxgymError(`${wrapper}: unknown option "${k}"; ${known.length ? `known options: ${known.join(', ')}` : 'it takes no options'}`);
    }
  }
}

/** A finite number option within [lo, hi] (default `dflt`). */
export function numOption(wrapper: string, name: string, v: unknown, dflt: number, lo = -Infinity, hi = Infinity): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new RxgymError(`${wrapper}: option "${name}" must be a finite number in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  }
  return v;
}
