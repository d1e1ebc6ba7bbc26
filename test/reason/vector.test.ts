import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { makeVec } from '../../src/core/vector/sync.js';
import type { VecInfo } from '../../src/core/vector/types.js';
import { registerReason } from '../../envs/reason/index.js';

registerReason();

/** Random masked play of a vector env; returns what a trainer would see. */
function play(id: string, seed: number, steps: number, vectorization: 'sync' | 'worker' = 'sync') {
  const venv = makeVec(id, {
    numEnvs: 3,
    autoresetMode: 'same-step',
    kwargs: { difficulty: 1 },
    vectorization,
    ...(vectorization === 'worker' ? { numWorkers: 2 } : {}),
  });
  const n = venv.numEnvs;
  let infos: VecInfo = venv.reset({ seed }).infos;
  const rng = new Rng(seed);
  const seen = { invalid: 0, ended: 0, wins: 0, rewards: [] as number[] };
  for (let t = 0; t < steps; t++) {
    const masks = infos.actionMask as Uint8Array[];
    const actions = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const ok = [...masks[i]!.keys()].filter((a) => masks[i]![a]);
      actions[i] = ok[rng.int(0, ok.length)]!;
    }
    const r = venv.step(actions);
    infos = r.infos;
    for (let i = 0; i < n; i++) {
      seen.rewards.push(r.rewards[i]!);
      if (r.terminations[i] || r.truncations[i]) {
        seen.ended++;
        const fin = (infos.finalInfo as Record<string, unknown>[])[i]!;
        if (fin.stepKind === 'invalid') seen.invalid++;
        if (fin.success) seen.wins++;
      } else if ((infos.stepKind as string[])[i] === 'invalid') seen.invalid++;
    }
  }
  venv.close();
  return seen;
}

describe('Reason-* envs in a vector env', () => {
  for (const id of ['Reason-Arith-v0', 'Reason-Countdown-v0', 'Reason-Program-v0']) {
    it(`${id}: per-env masks and step labels come through infos; autoreset keeps the terminal info`, () => {
      const a = play(id, 3, 150);
      expect(a.invalid).toBe(0);
      expect(a.ended).toBeGreaterThan(10);
      expect(a).toEqual(play(id, 3, 150));
    });
  }
});

describe('Reason-* envs in worker threads', () => {
  it('vectorization worker loads the reason registrar and gives the same play as in-process', () => {
    // one worker env for all three ids would start 6 threads each; one id shows the registrar is found
    const id = 'Reason-Countdown-v0';
    expect(play(id, 5, 120, 'worker')).toEqual(play(id, 5, 120));
  });
});
