import { describe, expect, it } from 'vitest';
import { checkIdentity, identity } from '../../agents/checkpoint-io.js';
import { spaceFromJSON } from '../../src/core/space-json.js';
import { Box, Dict, Discrete, MultiBinary, MultiDiscrete, RxgymError, Text, Tuple } from './support/core.js';

/** A space written as JSON text and read back, as a checkpoint's meta or `rxgym envs --json` output is. */
const throughText = (s: { toJSON(): unknown }) => spaceFromJSON(JSON.parse(JSON.stringify(s)));

describe('space descriptions survive JSON text', () => {
  it('an unbounded Box keeps its infinite bounds (JSON.stringify used to write them as null)', () => {
    const cartPole = new Box([-4.8, -Infinity, -0.418, -Infinity], [4.8, Infinity, 0.418, Infinity], [4]);
    const text = JSON.stringify(cartPole);
    expect(text).not.toMatch(/null/);
    expect(text).toMatch(/"-Infinity".*"Infinity"/);
    const back = throughText(cartPole) as Box;
    expect(back).toBeInstanceOf(Box);
    expect(Array.from(back.low)).toEqual(Array.from(cartPole.low));
    expect(Array.from(back.high)).toEqual(Array.from(cartPole.high));
    expect(back.isBounded()).toBe(false);
    expect(back.toJSON()).toEqual(cartPole.toJSON());
  });

  it('every space type round-trips exactly, nested ones included', () => {
    const spaces = [
      new Discrete(5, -2),
      new Box(0, Infinity, [2, 3], 'float64'),
      new Box(-128, 127, [4], 'int8'),
      new MultiDiscrete([3, 4], [1, 0]),
      new MultiBinary([2, 2]),
      new Text(8, 2, 'abc'),
      new Dict({ pos: new Box(-Infinity, Infinity, [2]), hp: new Discrete(3) }),
      new Tuple([new Box(-1, Infinity, [1]), new Discrete(2)]),
    ];
    for (const s of spaces) expect(throughText(s).toJSON()).toEqual(s.toJSON());
  });

  it('descriptions written before the encoding (null for an infinite bound) still read', () => {
    const old = { type: 'Box', shape: [2], dtype: 'float32', low: [null, 0], high: [null, 1] };
    const b = spaceFromJSON(old) as Box;
    expect(Array.from(b.low)).toEqual([-Infinity, 0]);
    expect(Array.from(b.high)).toEqual([Infinity, 1]);
    // a structured clone (the PPO learner thread's channel) still carries ±Infinity as numbers
    const cloned = structuredClone({ ...old, low: [-Infinity, 0], high: [Infinity, 1] });
    expect(spaceFromJSON(cloned).toJSON()).toEqual(b.toJSON());
  });

  it('a bad description is an RxgymError naming the place', () => {
    const bad = { type: 'Dict', spaces: { a: { type: 'Box', shape: [1], dtype: 'float32', low: ['x'], high: [1] } } };
    expect(() => spaceFromJSON(bad, 'meta.observationSpace')).toThrow(RxgymError);
    expect(() => spaceFromJSON({ type: 'Nope' }, 'meta.actionSpace')).toThrow(/meta\.actionSpace: unknown space type/);
  });

  it('a checkpoint saved before the encoding (null bounds) loads into an agent of the same spaces', () => {
    const obs = new Box([-4.8, -Infinity], [4.8, Infinity], [2]);
    const mine = identity('ppo', obs, new Discrete(2));
    const now = JSON.parse(JSON.stringify(mine)) as Record<string, unknown>;
    expect(() => checkIdentity('ck', now, mine)).not.toThrow();
    const old = JSON.parse(JSON.stringify(now).replaceAll('"-Infinity"', 'null').replaceAll('"Infinity"', 'null'));
    expect(JSON.stringify(old)).toMatch(/null/);
    expect(() => checkIdentity('ck', old as Record<string, unknown>, mine)).not.toThrow();
    const other = identity('ppo', new Box([-4.8, 0], [4.8, Infinity], [2]), new Discrete(2));
    expect(() => checkIdentity('ck', JSON.parse(JSON.stringify(other)), mine)).toThrow(/trained on another env/);
  });
});
