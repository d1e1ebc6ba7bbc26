import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RxgymError } from '../../src/core/env.js';
import { ScenarioError, checkParam, defineParams, paramErrors, resolveParams } from '../../src/core/params.js';
import { PPO_PARAMS } from '../../agents/ppo.js';

const S = defineParams({
  n: { kind: 'number', integer: true, min: 1, max: 5, default: 2, doc: 'an integer range' },
  rate: { kind: 'number', positive: true, default: 0.5, doc: '' },
  mode: { kind: 'enum', values: ['fast', 'slow'], default: 'fast', doc: '' },
  name: { kind: 'string', nonEmpty: true, default: 'x', doc: '' },
  sizes: { kind: 'numbers', integer: true, positive: true, default: [64], doc: '' },
  keys: { kind: 'strings', values: ['a', 'b'], nonEmpty: true, default: ['a'], doc: '' },
  seed: { kind: 'number', integer: true, optional: true, doc: '' },
  sub: {
    kind: 'object',
    default: { k: 'p' },
    doc: '',
    fields: { k: { kind: 'enum', values: ['p', 'q'], optional: true, doc: '' } },
  },
});
const path = (given: unknown) => () => resolveParams('x', given, S);
const owner = (given: unknown) => () => resolveParams('Toy-v0', given, S, { style: 'owner', noun: 'option' });

describe('parameter schema', () => {
  it('fills defaults (cloned), keeps optional keys absent and given values as given', () => {
    const a = resolveParams('x', {}, S);
    expect(a).toEqual({ n: 2, rate: 0.5, mode: 'fast', name: 'x', sizes: [64], keys: ['a'], sub: { k: 'p' } });
    expect('seed' in a).toBe(false);
    a.sizes.push(1);
    expect(resolveParams('x', {}, S).sizes).toEqual([64]);
    const b = resolveParams('x', { seed: 7, n: 5, sub: {}, keys: ['b', 'a'] }, S);
    expect([b.seed, b.n, b.sub, b.keys]).toEqual([7, 5, {}, ['b', 'a']]);
    expect(resolveParams('x', { seed: undefined }, S).seed).toBeUndefined();
  });

  it('a schema kind the kit does not know is an error when a value is given (was: the value dropped)', () => {
    const bad = { steps: { kind: 'int', default: 16, doc: '' } } as never;
    expect(() => resolveParams('agent', { steps: 32 }, bad)).toThrow(RxgymError);
    expect(() => resolveParams('agent', { steps: 32 }, bad)).toThrow(
      'agent.steps: its parameter schema has kind "int", which is none of number, boolean, enum, string, numbers, ' +
        'strings, object; fix the schema',
    );
  });

  it('integer ranges', () => {
    expect(path({ n: 6 })).toThrow('x.n: expected an integer in [1, 5], got 6');
    expect(path({ n: 1.5 })).toThrow('x.n: expected an integer in [1, 5], got 1.5');
    expect(owner({ n: 0 })).toThrow('Toy-v0: option "n" must be an integer in [1, 5], got 0');
    expect(path({ rate: NaN })).toThrow('x.rate: expected a positive number, got NaN');
  });

  it('strings and enums', () => {
    expect(path({ name: 3 })).toThrow('x.name: expected a non-empty string, got 3');
    expect(path({ name: '' })).toThrow('x.name: expected a non-empty string, got ""');
    expect(path({ mode: 'medium' })).toThrow('x.mode: expected one of fast, slow, got "medium"');
    expect(owner({ mode: 'medium' })).toThrow('Toy-v0: mode "medium" is not supported; use one of fast, slow');
  });

  it('lists of integers and of strings', () => {
    expect(path({ sizes: [64, 'x'] })).toThrow('x.sizes[1]: expected a positive integer, got "x"');
    expect(path({ sizes: 64 })).toThrow('x.sizes: expected a list of positive integers, got 64');
    expect(path({ keys: [] })).toThrow('x.keys: expected a non-empty list of names from a, b, got []');
    expect(path({ keys: ['a', 'c'] })).toThrow('x.keys[1]: expected one of a, b, got "c"');
    expect(() => checkParam('seeds', [1, 'two'], { kind: 'numbers', integer: true, default: [], doc: '' })).toThrow(
      'seeds[1]: expected an integer, got "two"',
    );
  });

  it('nested objects validate their fields, unknown keys included', () => {
    expect(path({ sub: { k: 'r' } })).toThrow('x.sub.k: expected one of p, q, got "r"');
    expect(path({ sub: { kk: 'p' } })).toThrow('x.sub.kk: unknown hyper-parameter; did you mean "k"? (known: k)');
    expect(path({ sub: [] })).toThrow('x.sub: expected a mapping, got []');
    expect(owner({ sub: { k: 'r' } })).toThrow('Toy-v0: sub.k "r" is not supported; use one of p, q');
  });

  it('required values have no default: missing is an error', () => {
    const R = defineParams({
      decay: {
        kind: 'object',
        optional: true,
        doc: '',
        fields: {
          beta: { kind: 'number', min: 0, required: true, doc: '' },
          kappa: { kind: 'number', min: 0, below: 1, required: true, doc: '' },
        },
      },
    });
    expect(resolveParams('c', { decay: { beta: 1, kappa: 0.5 } }, R).decay).toEqual({ beta: 1, kappa: 0.5 });
    expect(() => resolveParams('c', { decay: { beta: 1 } }, R)).toThrow(
      'c.decay.kappa: expected a number in [0, 1), got nothing',
    );
    expect(() => resolveParams('c', { decay: { beta: 1, kappa: 1 } }, R)).toThrow(
      'c.decay.kappa: expected a number in [0, 1), got 1',
    );
    expect(resolveParams('c', {}, R)).toEqual({});
  });

  it('unknown keys, in both wordings, and the error types', () => {
    expect(path({ nn: 1 })).toThrow(/^x\.nn: unknown hyper-parameter; did you mean "n"\? \(known: n, rate, mode, /);
    expect(owner({ nme: 'y' })).toThrow(
      /^Toy-v0: unknown option "nme"; known options: n, rate, .*; did you mean "name"\?$/,
    );
    expect(() => resolveParams('W', { a: 1 }, {}, { style: 'owner', noun: 'option' })).toThrow(
      'W: unknown option "a"; it takes no options',
    );
    expect(owner(3)).toThrow(
      'Toy-v0: options must be a mapping with keys n, rate, mode, name, sizes, keys, seed, sub, got 3',
    );
    expect(path(3)).toThrow('x: expected a mapping, got 3');
    expect(path({ n: 9 })).toThrow(ScenarioError);
    const e = (() => {
      try {
        owner({ n: 9 })();
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(RxgymError);
    expect(e).not.toBeInstanceOf(ScenarioError);
    class MyError extends Error {}
    expect(() =>
      resolveParams('r', { n: 9 }, S, { verb: 'must be', error: (w, d) => new MyError(`${w} | ${d}`) }),
    ).toThrow(new MyError('r.n | must be an integer in [1, 5], got 9'));
  });

  it('paramErrors lists every bad key, nested ones key by key', () => {
    const errs = paramErrors('agent', { n: 0, mode: 'x', sub: { k: 1, z: 2 }, rat: 1 }, S);
    expect(errs.map((e) => e.message)).toEqual([
      'agent.rat: unknown hyper-parameter; did you mean "rate"? (known: n, rate, mode, name, sizes, keys, seed, sub)',
      'agent.n: expected an integer in [1, 5], got 0',
      'agent.mode: expected one of fast, slow, got "x"',
      'agent.sub.z: unknown hyper-parameter; did you mean "k"? (known: k)',
      'agent.sub.k: expected one of p, q, got 1',
    ]);
    expect(paramErrors('agent', { n: 3 }, S)).toEqual([]);
  });

  it('agent network config is a typed sub-schema: given mappings come back as given', () => {
    const hp = resolveParams('agent', { network: { activation: 'relu', hidden: [8] } }, PPO_PARAMS);
    expect(JSON.stringify(hp.network)).toBe('{"activation":"relu","hidden":[8]}');
    expect(resolveParams('agent', {}, PPO_PARAMS).network).toEqual({});
    expect(() => resolveParams('agent', { network: { glyph: { channels: [8, 0] } } }, PPO_PARAMS)).toThrow(
      'agent.network.glyph.channels[1]: expected a positive integer, got 0',
    );
  });

  it('the inferred types hold (tsc on test/core/types/params-types.ts)', () => {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'test/core/types/tsconfig.json'], {
      stdio: 'pipe',
    });
  }, 120_000);
});
