import { defineParams, type ParamsOf } from '../core/params.js';

const posInt = (doc: string) => ({ kind: 'number', integer: true, positive: true, optional: true, doc }) as const;
const posInts = (doc: string) => ({ kind: 'numbers', integer: true, positive: true, optional: true, doc }) as const;

/** An agent's `network:` hyper-parameter: every field optional, the agent's defaults fill the rest. */
export const NETWORK_PARAMS = defineParams({
  hidden: posInts('hidden layer sizes of each MLP head'),
  activation: { kind: 'enum', values: ['tanh', 'relu'], optional: true, doc: 'activation of the MLP heads' },
  glyph: {
    kind: 'object',
    optional: true,
    doc: 'glyph-embedding CNN for 2-D integer maps',
    fields: {
      embedDim: posInt('glyph embedding size'),
      channels: posInts('CNN channels per layer'),
      kernel: posInt('CNN kernel size'),
      features: posInt('CNN output features'),
    },
  },
  message: {
    kind: 'object',
    optional: true,
    doc: 'hashed character n-gram encoder for text keys',
    fields: {
      buckets: posInt('hash buckets'),
      ngrams: posInts('n-gram lengths'),
      features: posInt('encoder output features'),
    },
  },
  token: {
    kind: 'object',
    optional: true,
    doc: 'token embedding for token keys (one table, one dense layer over all token keys)',
    fields: {
      embedDim: posInt('token embedding size'),
      features: posInt('dense layer output features'),
    },
  },
});

/** A (partial) network config as a scenario gives it. */
export type NetworkOverrides = ParamsOf<typeof NETWORK_PARAMS>;
