import { defineParams, pickParams, resolveParams, type ParamSchema, type ParamsOf } from '../../src/core/params.js';
import type { ParamWording } from '../../src/core/param-wording.js';
import { RewardConfigError, type RewardComponentConfig } from '../../src/core/reward.js';

/** Options word their errors by key path (`model: must be one of ...`); the stack prefixes `rewards[i].`. */
const WORDING: ParamWording = {
  noun: 'option',
  verb: 'must be',
  error: (path, detail) => new RewardConfigError(path, detail),
};

/** The options of a learned scorer (the learned PRM, the LLM PRM's distillation, the outcome reward model). */
const SCORER = {
  hidden: { kind: 'numbers', integer: true, positive: true, default: [64], doc: 'hidden layers after the encoder' },
  lr: { kind: 'number', positive: true, default: 1e-3, doc: 'Adam learning rate' },
  batchSize: { kind: 'number', integer: true, positive: true, default: 128, doc: 'rows per Adam step' },
  updates: { kind: 'number', integer: true, min: 0, default: 4, doc: 'Adam steps per batch' },
  capacity: { kind: 'number', integer: true, positive: true, default: 20000, doc: 'labelled rows kept' },
} as const;

/** Options of the `prm` source. */
export const PRM_PARAMS = defineParams({
  model: { kind: 'enum', values: ['oracle', 'learned', 'llm'], optional: true, doc: 'where step scores come from' },
  ...SCORER,
  labelsPerBatch: { kind: 'number', integer: true, min: 0, default: 32, doc: 'llm: steps sent to the judge per batch' },
  maxQueue: { kind: 'number', integer: true, positive: true, default: 512, doc: 'llm: judge requests waiting at most' },
  concurrency: { kind: 'number', integer: true, positive: true, default: 4, doc: 'llm: requests in flight' },
  temperature: { kind: 'number', min: 0, default: 0, doc: 'llm: sampling temperature of the judge' },
  maxTokens: { kind: 'number', integer: true, positive: true, default: 8, doc: 'llm: longest answer' },
  annotator: { kind: 'object', optional: true, doc: 'llm: { queue: redis://... } asks the shared annotation service' },
});

/** Options of the `orm` source. */
export const ORM_PARAMS = defineParams({
  ...SCORER,
  labelFraction: {
    kind: 'number',
    min: 0,
    max: 1,
    default: 0.25,
    doc: 'share of finished episodes whose verified outcome trains it',
  },
});

/** A source's options of `schema` from its component config, typed, defaults filled (the stack checked the names). */
export function processOptions<S extends ParamSchema>(cfg: RewardComponentConfig, schema: S): ParamsOf<S> {
  return resolveParams('', pickParams(cfg, schema), schema, WORDING);
}
