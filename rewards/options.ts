import { pickParams, resolveParams, type ParamSchema, type ParamsOf, type ParamWording } from '../src/core/params.js';
import { RewardConfigError, type RewardComponentConfig } from '../src/core/reward.js';

/** Reward options word errors by key (`beta: must be a number >= 0, got -1`); the stack prefixes `rewards[i].`. */
export const REWARD_WORDING: ParamWording = {
  noun: 'option',
  verb: 'must be',
  error: (path, detail) => new RewardConfigError(path, detail),
};

/**
 * A source's options of `schema` from its component config, typed, defaults filled. The config also holds the
 * stack's keys (weight, normalize, ...) and the source's other options: the stack checked every key name.
 */
export function sourceOptions<S extends ParamSchema>(cfg: RewardComponentConfig, schema: S): ParamsOf<S> {
  return resolveParams('', pickParams(cfg, schema), schema, REWARD_WORDING);
}
