import { describe, expect, it } from 'vitest';
import { checkEnv } from '../../src/core/checker/check-env.js';
import { RxgymError } from '../../src/core/env.js';
import { Rng } from '../../src/core/rng.js';
import { Box, type Dict } from '../../src/core/spaces.js';
import { ReasonArith } from '../../envs/reason/arith.js';
import type { ReasonObs } from '../../envs/reason/base.js';

const TOKEN_KEYS = ['choices', 'current', 'problem', 'steps'];

/** Observations (copied) and infos of `episodes` episodes of a seeded masked-random policy. */
function trace(env: ReasonArith, seed: number, episodes: number) {
  const rng = new Rng(seed + 100);
  const out: { obs: Record<string, number[]>; reward: number; correct?: unknown }[] = [];
  const copy = (o: ReasonObs) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.from(v)]));
  let r = env.reset({ seed });
  out.push({ obs: copy(r.obs), reward: 0 });
  for (let e = 0; e < episodes; ) {
    const mask = r.info.actionMask as Uint8Array;
    const ok = [...mask.keys()].filter((a) => mask[a]);
    const s = env.step(ok[rng.int(0, ok.length)]!);
    out.push({ obs: copy(s.obs), reward: s.reward, correct: s.info.stepCorrect });
    if (s.terminated) {
      e++;
      r = env.reset();
      out.push({ obs: copy(r.obs), reward: 0 });
    } else r = s;
  }
  return out;
}

function operation(text: string): { op: string; a: number; b: number } {
  const m = /^(-?\d+) ([-+*]) (-?\d+)$/.exec(text);
  if (!m) throw new Error(`not a reducible operation: ${text}`);
  return { op: m[2]!, a: Number(m[1]), b: Number(m[3]) };
}

describe('Reason-Arith-v0 numbers: value', () => {
  it('the default is unchanged: token keys only, and the same tokens and rewards as with values added', () => {
    const plain = new ReasonArith({ difficulty: 2 });
    expect(Object.keys((plain.observationSpace as unknown as Dict).spaces).sort()).toEqual(TOKEN_KEYS);
    expect(plain.capabilities.tokenKeys).toEqual(TOKEN_KEYS);
    expect(plain.numbers).toBe('id');
    const a = trace(plain, 7, 20);
    const b = trace(new ReasonArith({ difficulty: 2, numbers: 'value' }), 7, 20);
    expect(b.length).toBe(a.length);
    b.forEach((x, i) => {
      const { values, ...tokens } = x.obs;
      expect(values).toHaveLength(40);
      expect({ ...x, obs: tokens }).toEqual(a[i]);
    });
  });

  it('adds a float32 Box `values` [4, 10] that is not a token key; value-only keeps it alone', () => {
    for (const numbers of ['value', 'value-only'] as const) {
      const env = new ReasonArith({ difficulty: 3, numbers });
      const spaces = (env.observationSpace as unknown as Dict).spaces;
      const box = spaces.values as Box;
      expect(box).toBeInstanceOf(Box);
      expect(box.shape).toEqual([4, 10]);
      expect(box.dtype).toBe('float32');
      expect(env.capabilities.tokenKeys).toEqual(numbers === 'value' ? TOKEN_KEYS : []);
      expect(Object.keys(spaces).sort()).toEqual(numbers === 'value' ? [...TOKEN_KEYS, 'values'] : ['values']);
      expect(checkEnv(env)).toEqual([]);
      const r = env.reset({ seed: 3 });
      expect(r.obs.values).toBeInstanceOf(Float32Array);
      expect(env.observationSpace.contains(r.obs)).toBe(true);
    }
  });

  it('each row is one slot: present, the operator one-hot, a / 10, b / 10 and the four candidates / 10', () => {
    const env = new ReasonArith({ difficulty: 5, numbers: 'value-only' });
    let rows = 0;
    const rng = new Rng(5);
    let r = env.reset({ seed: 5 });
    for (let step = 0; step < 300; step++) {
      const v = Array.from(r.obs.values!);
      const choices = env.state().choices;
      for (let s = 0; s < 4; s++) {
        const row = v.slice(s * 10, s * 10 + 10);
        const ch = choices[s];
        if (!ch) {
          expect(row).toEqual(new Array(10).fill(0));
          continue;
        }
        rows++;
        const { op, a, b } = operation(ch.operation);
        const f = (n: number) => Math.fround(n / 10);
        expect(row).toEqual([
          1,
          op === '+' ? 1 : 0,
          op === '-' ? 1 : 0,
          op === '*' ? 1 : 0,
          f(a),
          f(b),
          ...ch.candidates.map(f),
        ]);
      }
      const mask = r.info.actionMask as Uint8Array;
      const ok = [...mask.keys()].filter((k) => mask[k]);
      const s = env.step(ok[rng.int(0, ok.length)]!);
      r = s.terminated ? env.reset() : s;
    }
    expect(rows).toBeGreaterThan(300);
  });

  it('is deterministic: the same seed gives the same values', () => {
    const a = trace(new ReasonArith({ difficulty: 2, numbers: 'value-only' }), 21, 15);
    const b = trace(new ReasonArith({ difficulty: 2, numbers: 'value-only' }), 21, 15);
    expect(b).toEqual(a);
    expect(a.some((x) => x.obs.values!.some((y) => y !== 0))).toBe(true);
  });

  it('rejects an unknown numbers mode, naming the known ones', () => {
    expect(() => new ReasonArith({ numbers: 'digits' })).toThrow(RxgymError);
    expect(() => new ReasonArith({ numbers: 'digits' })).toThrow(/numbers must be "id".*"value" or "value-only"/);
  });
});
