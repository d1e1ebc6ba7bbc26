import { describe, expect, it } from 'vitest';
import { RxgymError } from '../../src/core/env.js';
import { makeVec } from '../../src/core/vector/sync.js';
import { Rollout } from '../../src/stream/rollout.js';
import { ReasonArith, ReasonCountdown, ReasonProgram, registerReason } from '../../envs/reason/index.js';
import { registerClassic } from '../../envs/classic/index.js';
import { MaskedRandom } from './support.js';

registerReason();
registerClassic();

describe('repeat: N episodes per problem', () => {
  for (const make of [
    (kw: Record<string, unknown>) => new ReasonArith(kw),
    (kw: Record<string, unknown>) => new ReasonCountdown(kw),
    (kw: Record<string, unknown>) => new ReasonProgram(kw),
  ]) {
    it(`${make({}).id}: the same problem 3 times, then a new one; problemId counts problems`, () => {
      const env = make({ repeat: 3, difficulty: 1 });
      const seen: { problem: string; id: unknown }[] = [];
      let r = env.reset({ seed: 7 });
      for (let ep = 0; ep < 7; ep++) {
        seen.push({ problem: env.state().problem, id: r.info.problemId });
        // play a few steps so that the repeated episode starts over from a changed state
        for (let k = 0; k < 2 && !env.finished; k++) env.step(env.expertAction());
        r = env.reset();
      }
      expect(seen.map((s) => s.id)).toEqual([0, 0, 0, 1, 1, 1, 2]);
      expect(new Set(seen.slice(0, 3).map((s) => s.problem)).size).toBe(1);
      expect(seen[3]!.problem).not.toBe(seen[0]!.problem);
      expect(new Set(seen.slice(3, 6).map((s) => s.problem)).size).toBe(1);
      // the same seed without repeat gives the same first problem
      const once = make({ difficulty: 1 });
      once.reset({ seed: 7 });
      expect(once.state().problem).toBe(seen[0]!.problem);
      expect(env.reset({ seed: 7 }).info.problemId).toBe(0); // a seeded reset starts the count over
    });
  }

  it('repeat must be an integer in [1, 64]', () => {
    expect(() => new ReasonArith({ repeat: 0 })).toThrow(RxgymError);
    expect(() => new ReasonProgram({ repeat: 2.5 })).toThrow(
      'Reason-Program-v0: option repeat must be an integer in [1, 64], got 2.5',
    );
  });
});

describe('the rollout copies step labels of a stepLabels env into the batch', () => {
  it('correct/useful/onTrack/problem per transition, from the terminal info where an episode ended', () => {
    const venv = makeVec('Reason-Arith-v0', { numEnvs: 2, autoresetMode: 'same-step', kwargs: { repeat: 2 } });
    const ro = new Rollout(venv, new MaskedRandom(1, 22), 40, { seed: 3 });
    const b = ro.collect();
    const l = b.stepLabels!;
    expect(l.correct).toHaveLength(80);
    let ends = 0;
    for (let k = 0; k < 80; k++) {
      if (l.useful[k]) expect(l.correct[k]).toBe(1);
      if (b.terminations[k]) {
        ends++;
        expect(l.correct[k]).toBe(b.rewards[k]); // stop is correct exactly when the answer is right
      }
    }
    expect(ends).toBeGreaterThan(2);
    // problem ids of env 0 go 0, 0 (two episodes), 1, 1, ...
    const ids = Array.from({ length: 40 }, (_, t) => l.problem[t * 2]!);
    expect(ids[0]).toBe(0);
    expect(ids.every((x, t) => t === 0 || x === ids[t - 1] || x === ids[t - 1]! + 1)).toBe(true);
    venv.close();
    const plain = makeVec('CartPole-v1', { numEnvs: 1, autoresetMode: 'same-step' });
    expect(new Rollout(plain, new MaskedRandom(1, 2), 4).collect().stepLabels).toBeUndefined();
    plain.close();
  });
});
