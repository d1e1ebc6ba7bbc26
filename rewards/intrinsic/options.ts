import { RewardConfigError, type RewardComponentConfig } from '../registry.js';

/** A number option: `def` when absent, else checked against the bounds (errors name the key). */
export function numOpt(cfg: RewardComponentConfig, key: string, def: number, b: { min?: number; max?: number; int?: boolean; gt?: number } = {}): number {
  const v = cfg[key];
  if (v === undefined) return def;
  const ok = typeof v === 'number' && Number.isFinite(v)
    && (b.min === undefined || v >= b.min) && (b.max === undefined || v <= b.max)
    && (b.gt === undefined || v > b.gt) && (!b.int || Number.isInteger(v));
  if (!ok) {
    const need = [b.int ? 'an integer' : 'a number', b.gt !== undefined ? `> ${b.gt}` : '', b.min !== undefined ? `>= ${b.min}` : '', b.max !== undefined ? `<= ${b.max}` : ''].filter(Boolean).join(' ');
    throw new RewardConfigError(key, `must be ${need}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** A list of positive integers (layer sizes). */
export function sizesOpt(cfg: RewardComponentConfig, key: string, def: number[]): number[] {
  const v = cfg[key];
  if (v === undefined) return def;
  if (!Array.isArray(v) || v.some((x) => !Number.isInteger(x) || (x as number) <= 0)) {
    throw new RewardConfigError(key, `must be a list of positive integers like [128, 128], got ${JSON.stringify(v)}`);
  }
  return v as number[];
}

/** One of `choices`, `def` when absent. */
export function enumOpt<T extends string>(cfg: RewardComponentConfig, key: string, choices: readonly T[], def: T): T {
  const v = cfg[key];
  if (v === undefined) return def;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new RewardConfigError(key, `unknown value ${JSON.stringify(v)}; use one of ${choices.join(', ')}`);
  }
  return v as T;
}

/** A string option, `def` when absent. */
export function strOpt(cfg: RewardComponentConfig, key: string, def: string | undefined): string | undefined {
  const v = cfg[key];
  if (v === undefined) return def;
  if (typeof v !== 'string') throw new RewardConfigError(key, `must be a string, got ${JSON.stringify(v)}`);
  return v;
}
