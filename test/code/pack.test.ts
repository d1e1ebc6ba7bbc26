import { describe, expect, it } from 'vitest';
import { sandboxCompiler } from './sandboxes.js';
import { inferSchemaOf, makeCodec, StatePacker } from '../../rewards/code/pack.js';

const compile = sandboxCompiler();

/** A serialiser that tells apart what JSON would blur: NaN, -0, undefined, key order, arrays vs objects. */
function ser(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v === undefined) return 'u';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(ser).join(',')}]`;
  return `{${Object.keys(v)
    .map((k) => `${JSON.stringify(k)}:${ser((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

/**
 * A module that scores 1 when the state it is handed serialises as the host's does (next state at `info.step`),
 * and also checks that it is a plain object with Object.prototype (not a lazy proxy or a null-prototype dictionary).
 */
function checker(expected: string[]): string {
  return `${ser.toString()}
const EXPECTED: string[] = ${JSON.stringify(expected)};
export function reward(prev: any, action: number, next: any, info: { step: number }) {
  const plain = Object.getPrototypeOf(next) === Object.prototype;
  return plain && ser(next) === EXPECTED[info.step] ? 1 : 0;
}`;
}

/** Transitions along one trajectory (next of t is prev of t + 1), with the step index as info.step. */
function along(states: unknown[]) {
  const n = states.length - 1;
  return {
    prevStates: states.slice(0, n),
    nextStates: states.slice(1),
    actions: new Int32Array(n),
    actionDim: 1,
    episodeSteps: Int32Array.from({ length: n }, (_, i) => i),
  };
}

describe('state packing for the sandbox: what the reward code sees is the state as the host has it', () => {
  it(
    'carries strings, lists of records, nulls, undefined fields, NaN, -0, big and small numbers, odd keys and ' +
      'nesting exactly',
    () => {
      const mk = (t: number) => ({
        task: 'Room-5x5',
        t,
        big: t === 2 ? 2 ** 40 : t, // an integer field that outgrows the small-integer range
        frac: t / 3,
        flag: t % 2 === 0,
        player: { x: t, y: -t, hunger: t > 2 ? 'Hungry' : 'Not hungry', zero: t === 1 ? -0 : 0 },
        inventory: t >= 2 ? [{ letter: 'a', name: 'a skeleton key', qty: 1, tags: ['key', 'tool'] }] : [],
        objects: [
          { name: 'a boulder', x: t, y: 2, dist: Math.abs(3 - t) },
          { name: `gold ${t}`, x: 0, y: 0, dist: 9 },
        ],
        stairs: { down: t >= 3 ? [t, 4] : null, up: null },
        maybe: t === 1 ? undefined : 'here',
        weird: { __proto__: t, constructor: 'c', '0': 'zero', 'a"b': 'quote', ünï: 'cödé 🎉' },
        grid: [
          [1, 2],
          [3, t],
        ],
        nan: [NaN, Infinity, -Infinity, 1e-300],
        message: t === 3 ? 'You see here a skeleton key.' : '',
        messages: Array.from({ length: t }, (_, i) => `message ${i}`),
      });
      // JSON.parse gives the '__proto__' key as an own property, as an env building a state from JSON would
      const states = Array.from({ length: 6 }, (_, t) => {
        const s = mk(t) as Record<string, unknown>;
        s.weird = JSON.parse(
          `{"__proto__": ${t}, "constructor": "c", "0": "zero", "a\\"b": "quote", "ünï": "cödé 🎉"}`,
        );
        return s;
      });
      const input = along(states);
      const sb = compile(checker(input.nextStates.map(ser)));
      for (let round = 0; round < 3; round++) {
        const res = sb.run(input);
        expect(res.error?.message).toBeUndefined();
        expect(Array.from(res.total)).toEqual([1, 1, 1, 1, 1]);
      }
    },
  );

  it('widens an integer field to a number when a fraction arrives, and back to the same answers', () => {
    const sb = compile('export function reward(p: any, a: number, n: any) { return n.hp * 2 + n.pos[0]; }');
    const ints = along(Array.from({ length: 5 }, (_, t) => ({ hp: t, pos: [t, 0] })));
    expect(Array.from(sb.run(ints).total)).toEqual([3, 6, 9, 12]);
    const fractions = along(Array.from({ length: 5 }, (_, t) => ({ hp: t + 0.25, pos: [t, 0] })));
    expect(Array.from(sb.run(fractions).total)).toEqual([3.5, 6.5, 9.5, 12.5]);
    expect(Array.from(sb.run(ints).total)).toEqual([3, 6, 9, 12]);
  });

  it('keeps its string tables right across batches, and after a call that failed half-way', () => {
    const code = `export function reward(p: any, a: number, n: any, info: any) {
      if (n.name === 'loop') for (;;) {}
      return n.name.length * 100 + n.list.join('|').length + (info.message === 'You win.' ? 1000 : 0);
    }`;
    const sb = compile(code, { timeLimitMs: 300 });
    const batch = (names: string[], message = '') => {
      const states = names.map((name, i) => ({ name, list: names.slice(0, i + 1) }));
      const input = along(states);
      const expected = input.nextStates.map(
        (s) => s.name.length * 100 + s.list.join('|').length + (message === 'You win.' ? 1000 : 0),
      );
      return { input: { ...input, messages: input.nextStates.map(() => message) }, expected };
    };
    const a = batch(['alpha', 'beta', 'gamma', 'delta']);
    expect(Array.from(sb.run(a.input).total)).toEqual(a.expected);
    const b = batch(['beta', 'epsilon', 'alpha', 'zeta'], 'You win.');
    expect(Array.from(sb.run(b.input).total)).toEqual(b.expected);
    // a time-out: the isolate may have taken only part of the new strings; the next batch must still be right
    const c = batch(['eta', 'theta', 'loop', 'iota']);
    expect(sb.run(c.input).error!.kind).toBe('timeout');
    const d = batch(['theta', 'iota', 'kappa', 'alpha'], 'You win.');
    expect(Array.from(sb.run(d.input).total)).toEqual(d.expected);
    expect(Array.from(sb.run(a.input).total)).toEqual(a.expected);
  });

  it('sends each distinct leaf along a trajectory once, and each new string once', () => {
    const states = Array.from({ length: 101 }, (_, t) => ({
      x: t,
      inventory: t < 50 ? [] : [{ name: 'a key', qty: 1 }],
      messages: ['Welcome.', ...(t >= 30 ? ['You see a key.'] : [])],
    }));
    const packer = new StatePacker();
    const codec = makeCodec(inferSchemaOf(states));
    const packed = packer.pack(codec, states.slice(0, 100), states.slice(1));
    expect(packed.ok).toBe(true);
    // next states 0..99, then the first prev state: 101 states; 2 leaves each, but only 2 + 2 + 2 distinct values
    expect(packed.unique.length).toBe(101);
    expect(packed.values).toBe(6);
    expect(packer.tape.freshStrings.sort()).toEqual(['Welcome.', 'You see a key.', 'a key', 'name', 'qty'].sort());
  });
});
