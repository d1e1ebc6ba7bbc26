import { RxgymError } from '../../src/core/env.js';

/** Gymnasium's `maybe_parse_reset_bounds`: `options.low`/`options.high` override the default reset range. */
export function resetBounds(
  id: string,
  options: Record<string, unknown> | undefined,
  low: number,
  high: number,
): [number, number] {
  if (!options) return [low, high];
  const lo = options.low ?? low,
    hi = options.high ?? high;
  if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new RxgymError(
      `${id}: reset options low/high must be finite numbers, got low=${JSON.stringify(lo)} high=${JSON.stringify(hi)}`,
    );
  }
  if (lo > hi) throw new RxgymError(`${id}: reset options low (${lo}) must not exceed high (${hi})`);
  return [lo, hi];
}
