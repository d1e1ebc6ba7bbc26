// Type-level checks of the parameter schema, compiled by test/core/params.test.ts (tsc -p test/core/types).
import { expectTypeOf } from 'vitest';
import { defineParams, resolveParams, type ParamsOf } from '../../../src/core/params.js';
import { defineAgent, type AgentDefinition } from '../../../src/core/agent.js';
import type { PpoHp } from '../../../agents/ppo.js';
import type { DqnHp } from '../../../agents/dqn.js';
import type { SacHp } from '../../../agents/sac.js';
import type { NetworkOverrides } from '../../../src/tensor/network-params.js';

const S = defineParams({
  n: { kind: 'number', integer: true, min: 1, max: 5, default: 2, doc: '' },
  flag: { kind: 'boolean', default: false, doc: '' },
  mode: { kind: 'enum', values: ['fast', 'slow'], default: 'fast', doc: '' },
  name: { kind: 'string', default: 'x', doc: '' },
  sizes: { kind: 'numbers', integer: true, positive: true, default: [64], doc: '' },
  keys: { kind: 'strings', values: ['a', 'b'], default: ['a'], doc: '' },
  tags: { kind: 'strings', default: [], doc: '' },
  seed: { kind: 'number', optional: true, doc: '' },
  extra: { kind: 'object', default: {}, doc: '' },
  sub: {
    kind: 'object',
    default: {},
    doc: '',
    fields: { k: { kind: 'enum', values: ['p', 'q'], optional: true, doc: '' } },
  },
  need: { kind: 'object', optional: true, doc: '', fields: { b: { kind: 'number', required: true, doc: '' } } },
});

type P = ParamsOf<typeof S>;
expectTypeOf<P>().toEqualTypeOf<{
  n: number;
  flag: boolean;
  mode: 'fast' | 'slow';
  name: string;
  sizes: number[];
  keys: ('a' | 'b')[];
  tags: string[];
  seed?: number;
  extra: Record<string, unknown>;
  sub: { k?: 'p' | 'q' };
  need?: { b: number };
}>();
expectTypeOf(resolveParams('x', {}, S)).toEqualTypeOf<P>();
// @ts-expect-error an enum value outside the literal union
const wrong: P['mode'] = 'medium';
void wrong;

// Agents read typed hyper-parameters; the registry holds the erased definition.
expectTypeOf<PpoHp['actionBound']>().toEqualTypeOf<'clip' | 'tanh'>();
expectTypeOf<PpoHp['valueHeads']>().toEqualTypeOf<'single' | 'split'>();
expectTypeOf<PpoHp['numSteps']>().toEqualTypeOf<number>();
expectTypeOf<PpoHp['network']>().toEqualTypeOf<NetworkOverrides>();
expectTypeOf<NetworkOverrides['activation']>().toEqualTypeOf<'tanh' | 'relu' | undefined>();
expectTypeOf<NonNullable<NetworkOverrides['glyph']>['channels']>().toEqualTypeOf<number[] | undefined>();
expectTypeOf<DqnHp['double']>().toEqualTypeOf<boolean>();
expectTypeOf<SacHp['autotune']>().toEqualTypeOf<boolean>();
const def = defineAgent({
  type: 't',
  description: '',
  params: S,
  unsupported: () => undefined,
  rolloutSteps: (hp) => {
    expectTypeOf(hp.mode).toEqualTypeOf<'fast' | 'slow'>();
    return hp.n;
  },
  create: () => {
    throw new Error('not built here');
  },
});
expectTypeOf(def).toEqualTypeOf<AgentDefinition>();
