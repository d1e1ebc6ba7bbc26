import { Box, Dict, Discrete, MultiBinary, MultiDiscrete, type Space } from '../../src/core/spaces.js';
import { floatRows, type ObsArray, type ObsBatch } from '../../src/core/obs-batch.js';
import { RewardConfigError, type RewardComponentConfig } from '../registry.js';

/** Observation keys tried, in order, when a Dict space is given and no `key` option. */
const PREFERRED = ['glyphs_crop', 'glyphs', 'chars', 'pos', 'position', 'image', 'obs'];

function usable(space: Space<unknown>): boolean {
  return (
    space instanceof Box || space instanceof Discrete || space instanceof MultiDiscrete || space instanceof MultiBinary
  );
}

/**
 * The observation key a source reads (`key` option): for a non-Dict space only `obs`; for a Dict,
 * one of its numeric keys (Box, Discrete, MultiDiscrete, MultiBinary), by default the first of
 * glyphs_crop/glyphs/chars/pos/position/image/obs present, else the first numeric key.
 */
export function resolveObsKey(cfg: RewardComponentConfig, space: Space<unknown>): { key: string; dim: number } {
  const want = cfg.key;
  if (want !== undefined && typeof want !== 'string')
    throw new RewardConfigError('key', `must be a string, got ${JSON.stringify(want)}`);
  const dimOf = (s: Space<unknown>) => s.shape.reduce((a, b) => a * b, 1) || 1;
  if (!(space instanceof Dict)) {
    if (want !== undefined && want !== 'obs') {
      throw new RewardConfigError(
        'key',
        `observation key "${want}" does not exist: ` +
          `this env's observation space is not a Dict, so the only key is "obs"`,
      );
    }
    if (!usable(space))
      throw new RewardConfigError(
        'key',
        `this source needs a numeric observation (Box/Discrete/MultiDiscrete/MultiBinary), but the space is ` +
          `${space.toJSON().type}`,
      );
    return { key: 'obs', dim: dimOf(space) };
  }
  const spaces = (space as Dict).spaces as Record<string, Space<unknown>>;
  const numeric = Object.keys(spaces).filter((k) => usable(spaces[k]!));
  if (want !== undefined) {
    if (!(want in spaces))
      throw new RewardConfigError(
        'key',
        `observation key "${want}" does not exist; this env has ${Object.keys(spaces).join(', ')}`,
      );
    if (!usable(spaces[want]!)) {
      throw new RewardConfigError(
        'key',
        `observation key "${want}" is a ${spaces[want]!.toJSON().type} space, which this source cannot use; use one ` +
          `of ${numeric.join(', ') || '(none)'}`,
      );
    }
    return { key: want, dim: dimOf(spaces[want]!) };
  }
  const key = PREFERRED.find((k) => numeric.includes(k)) ?? numeric[0];
  if (key === undefined)
    throw new RewardConfigError('key', `no numeric observation key in ${Object.keys(spaces).join(', ')}`);
  return { key, dim: dimOf(spaces[key]!) };
}

/** The batch array of `key`, with a clear error when the rollout did not provide it. */
export function obsArray(obs: ObsBatch, key: string): ObsArray {
  const a = obs[key];
  if (!a)
    throw new RewardConfigError(
      'key',
      `the batch has no observation key "${key}" (it has ${Object.keys(obs).join(', ')})`,
    );
  return a;
}

/** Rows of `key` as float32, `rows x dim`. */
export function obsRows(obs: ObsBatch, key: string): { data: Float32Array; dim: number; rows: number } {
  return floatRows(obsArray(obs, key));
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * A 52-bit hash of row `r` of `data` (two 32-bit FNV-style mixes) over all values or only the indices
 * in `fields`, after optional rounding of each value to a multiple of `resolution` (continuous observations).
 */
export function hashRow(
  data: ArrayLike<number>,
  r: number,
  dim: number,
  resolution = 0,
  fields?: readonly number[],
): number {
  let h1 = 0x811c9dc5,
    h2 = 0x9747b28c;
  const off = r * dim;
  const m = fields ? fields.length : dim;
  for (let q = 0; q < m; q++) {
    const j = fields ? fields[q]! : q;
    let v = data[off + j]!;
    if (resolution > 0) v = Math.round(v / resolution);
    f32[0] = v;
    const bits = u32[0]!;
    h1 = Math.imul(h1 ^ bits, 0x01000193);
    h2 = Math.imul(h2 ^ (bits + j), 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0) * 0x100000 + ((h2 >>> 0) & 0xfffff);
}

/**
 * The `fields` option: indices into one observation of `key` to hash (e.g. the dungeon's blstats
 * x, y, depth = [0, 1, 12]), so counts ignore values that change every step.
 */
export function fieldsOpt(cfg: RewardComponentConfig, dim: number): number[] | undefined {
  const v = cfg.fields;
  if (v === undefined) return undefined;
  if (
    !Array.isArray(v) ||
    v.length === 0 ||
    v.some((x) => !Number.isInteger(x) || (x as number) < 0 || (x as number) >= dim)
  ) {
    throw new RewardConfigError(
      'fields',
      `must be a non-empty list of indices in [0, ${dim - 1}] of the observation key, got ${JSON.stringify(v)}`,
    );
  }
  return v as number[];
}
