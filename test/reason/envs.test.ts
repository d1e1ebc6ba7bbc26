import { describe, expect, it } from 'vitest';
import { checkEnv } from '../../src/core/checker/check-env.js';
import { capabilitiesOf } from '../../src/core/capabilities.js';
import { isDescribed, type Env, type StepResult } from '../../src/core/env.js';
import { make } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import { unwrap } from '../../src/core/wrapper.js';
import { FlattenObservation } from '../../src/core/wrappers/index.js';
import { ReasonArith, ReasonCountdown, ReasonProgram, registerReason } from '../../envs/reason/index.js';
import type { ReasonEnv, ReasonObs, ReasonStateBase } from '../../envs/reason/base.js';
import { VOCAB_SIZE, detokenize } from '../../envs/reason/vocab.js';

registerReason();

const IDS = ['Reason-Arith-v0', 'Reason-Countdown-v0', 'Reason-Program-v0'] as const;
type AnyReason = ReasonEnv<ReasonStateBase>;

function makeReason(id: string, kwargs: Record<string, unknown> = {}): { env: Env<ReasonObs, number>; raw: AnyReason } {
  const env = make<ReasonObs, number>(id, kwargs);
  return { env, raw: unwrap(env) as unknown as AnyReason };
}

function copy(obs: ReasonObs): Record<string, number[]> {
  return Object.fromEntries(Object.entries(obs).map(([k, v]) => [k, Array.from(v)]));
}

/** One episode of `policy`; returns the step results (copied) and the env's own step records. */
function episode(
  env: Env<ReasonObs, number>,
  raw: AnyReason,
  seed: number | undefined,
  policy: (mask: Uint8Array) => number,
) {
  const r0 = env.reset(seed === undefined ? {} : { seed });
  let mask = r0.info.actionMask as Uint8Array;
  const out: { obs: Record<string, number[]>; reward: number; info: Record<string, unknown> }[] = [];
  let r: StepResult<ReasonObs>;
  do {
    r = env.step(policy(mask));
    const info = { ...r.info, actionMask: Array.from(r.info.actionMask as Uint8Array) };
    out.push({ obs: copy(r.obs), reward: r.reward, info });
    mask = r.info.actionMask as Uint8Array;
  } while (!r.terminated && !r.truncated);
  return { problem: raw.state().problem, first: copy(r0.obs), steps: out, last: r, records: [...raw.steps] };
}

const expert = (raw: AnyReason) => () => raw.expertAction();
const random = (rng: Rng) => (mask: Uint8Array) => sampleMasked(rng, mask);
function sampleMasked(rng: Rng, mask: Uint8Array): number {
  const ok = [...mask.keys()].filter((a) => mask[a]);
  return ok[rng.int(0, ok.length)]!;
}

describe('Reason-* envs: contract', () => {
  for (const id of IDS) {
    it(`${id} passes checkEnv, declares step labels, describes its state and renders text`, () => {
      const { env, raw } = makeReason(id);
      expect(checkEnv(env)).toEqual([]);
      expect(capabilitiesOf(env).stepLabels).toBe(true);
      expect(isDescribed(raw)).toBe(true);
      const { env: shown, raw: shownRaw } = makeReason(id, { renderMode: 'ansi' });
      shown.reset({ seed: 3 });
      shown.step(shownRaw.expertAction());
      const text = shown.render() as string;
      expect(text).toContain('Problem: ');
      expect(text).toContain('  1. ');
      const s = shownRaw.state();
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      expect(s.steps).toHaveLength(1);
      expect(shownRaw.describeState()).toMatch(/interface State \{[\s\S]*steps: string\[\];[\s\S]*\}/);
    });

    it(`${id}: observations are token ids inside the space, the newest step in the last row`, () => {
      const { env, raw } = makeReason(id);
      const r0 = env.reset({ seed: 5 });
      expect(env.observationSpace.contains(r0.obs)).toBe(true);
      expect(r0.obs.steps!.every((t) => t === 0)).toBe(true);
      const rng = new Rng(1);
      let mask = r0.info.actionMask as Uint8Array;
      for (let t = 0; t < 25; t++) {
        const r = env.step(sampleMasked(rng, mask));
        expect(env.observationSpace.contains(r.obs)).toBe(true);
        for (const arr of Object.values(r.obs)) for (const v of arr) expect(v >= 0 && v < VOCAB_SIZE).toBe(true);
        const steps = r.obs.steps!;
        const width = steps.length / 16;
        const lastRow = detokenize(steps.subarray(steps.length - width));
        expect(lastRow.length).toBeGreaterThan(0);
        if (r.terminated || r.truncated) break;
        mask = r.info.actionMask as Uint8Array;
      }
      expect(raw.steps.length).toBeGreaterThan(0);
    });
  }

  it("FlattenObservation over a Reason env: every step flattens the env's own observation", () => {
    // the env reuses its step result; the wrapper's obs put into it must not come back as the env's next obs
    const env = new FlattenObservation(make<ReasonObs, number>('Reason-Arith-v0'));
    const r0 = env.reset({ seed: 1 });
    const n = r0.obs.length;
    let mask = r0.info.actionMask as Uint8Array;
    const rng = new Rng(2);
    for (let t = 0; t < 6; t++) {
      const r = env.step(sampleMasked(rng, mask));
      expect(r.obs).toHaveLength(n);
      if (r.terminated || r.truncated) mask = env.reset().info.actionMask as Uint8Array;
      else mask = r.info.actionMask as Uint8Array;
    }
  });
  it('rejects unknown options, bad difficulties, reset options and out-of-space actions with clear errors', () => {
    expect(() => new ReasonArith({ difficuty: 2 })).toThrow(/unknown option "difficuty"; known options: difficulty/);
    expect(() => new ReasonCountdown({ difficulty: 6 })).toThrow(/difficulty must be an integer in \[1, 5\], got 6/);
    expect(() => new ReasonProgram({ tests: 2 })).toThrow(/tests must be an integer in \[3, 8\]/);
    expect(() => new ReasonProgram({ renderMode: 'rgb_array' })).toThrow(/renderMode must be "ansi"/);
    const env = new ReasonArith();
    expect(() => env.step(0)).toThrow(/before reset/);
    expect(() => env.reset({ options: { difficulty: 3 } })).toThrow(/reset options are not supported/);
    env.reset({ seed: 0 });
    expect(() => env.step(22)).toThrow(/action must be an integer in \[0, 21\]/);
  });
});

describe('Reason-* envs: seeding', () => {
  for (const id of IDS) {
    it(`${id}: same seed, same problems and trajectories; the problem sequence ignores the policy`, () => {
      const a = makeReason(id, { difficulty: 3 }),
        b = makeReason(id, { difficulty: 3 });
      const run = (x: typeof a, seed: number) => episode(x.env, x.raw, seed, random(new Rng(seed)));
      expect(run(a, 11)).toEqual(run(b, 11));
      expect(run(a, 11).problem).not.toEqual(run(a, 12).problem);
      // seeded once, then unseeded resets: a random and an expert policy meet the same problems
      const pa: string[] = [],
        pb: string[] = [];
      const ra = new Rng(4);
      for (let k = 0; k < 4; k++) {
        pa.push(episode(a.env, a.raw, k === 0 ? 7 : undefined, random(ra)).problem);
        pb.push(episode(b.env, b.raw, k === 0 ? 7 : undefined, expert(b.raw)).problem);
      }
      expect(pa).toEqual(pb);
      expect(new Set(pa).size).toBe(4);
    });
  }

  it('difficulty sets the size of the problem', () => {
    const ops = (d: number) => {
      const env = new ReasonArith({ difficulty: d });
      env.reset({ seed: 1 });
      return (env.state().problem.match(/ [-+*] /g) ?? []).length;
    };
    expect([1, 2, 3, 4, 5].map(ops)).toEqual([2, 3, 4, 5, 6]);
    const count = (d: number) => {
      const env = new ReasonCountdown({ difficulty: d });
      env.reset({ seed: 1 });
      return env.state().slots.filter((v) => v !== null).length;
    };
    expect([1, 2, 3, 4, 5].map(count)).toEqual([3, 4, 4, 5, 5]);
  });
});

describe('Reason-* envs: solving', () => {
  for (const id of IDS) {
    it(`${id}: the scripted solver reaches the outcome on 40 seeds at every difficulty, all steps useful`, () => {
      for (let d = 1; d <= 5; d++) {
        const x = makeReason(id, { difficulty: d });
        for (let seed = 0; seed < 40; seed++) {
          const ep = episode(x.env, x.raw, 1000 * d + seed, expert(x.raw));
          expect(ep.last.reward, `${id} difficulty ${d} seed ${seed}: ${ep.problem}`).toBe(1);
          expect(ep.last.terminated).toBe(true);
          expect(ep.last.info.success).toBe(true);
          expect(ep.records.every((s) => s.correct && s.useful)).toBe(true);
          // one step per operator / combination / reference word, then stop
          expect(ep.steps.length).toBeLessThanOrEqual(d + 2);
        }
      }
    });

    it(`${id}: a random policy (masked) mostly fails`, () => {
      const x = makeReason(id, { difficulty: 2 });
      const rng = new Rng(9);
      let wins = 0;
      for (let k = 0; k < 300; k++) {
        if (episode(x.env, x.raw, k === 0 ? 5 : undefined, random(rng)).last.info.success) wins++;
      }
      expect(wins / 300).toBeLessThan(0.05);
    });
  }
});

describe('Reason-* envs: masks', () => {
  it('reports a Uint8Array actionMask that actionSpace.sample honours; stop is always allowed', () => {
    for (const id of IDS) {
      const { env } = makeReason(id);
      const r = env.reset({ seed: 2 });
      const mask = r.info.actionMask as Uint8Array;
      expect(mask).toBeInstanceOf(Uint8Array);
      expect(mask.length).toBe((env.actionSpace as unknown as { n: number }).n);
      expect(mask[mask.length - 1]).toBe(1);
      const rng = new Rng(0);
      for (let k = 0; k < 200; k++) expect(mask[env.actionSpace.sample(rng, mask) as number]).toBe(1);
    }
  });

  it('masks impossible steps: a repeat before any step, empty slots, inexact division, stack underflow', () => {
    const arith = new ReasonArith();
    let m = arith.reset({ seed: 1 }).info.actionMask as Uint8Array;
    expect(m[20]).toBe(0); // repeat
    expect(m[19]).toBe(0); // `a * 1` on a fourth slot that does not exist
    const cd = new ReasonCountdown({ difficulty: 1 });
    m = cd.reset({ seed: 1 }).info.actionMask as Uint8Array;
    const slots = cd.state().slots;
    expect(slots[3]).toBeNull();
    expect(m[cd.actionNames.indexOf('combine slots 0 + 3')]).toBe(0);
    expect(m[cd.actionNames.indexOf('restate slot 4 times 1')]).toBe(0);
    const [a, b] = [slots[0]!, slots[1]!];
    const div = cd.actionNames.indexOf('combine slots 0 / 1');
    expect(m[div]).toBe(Math.max(a, b) % Math.min(a, b) === 0 ? 1 : 0);
    const prog = new ReasonProgram();
    m = prog.reset({ seed: 1 }).info.actionMask as Uint8Array;
    for (const w of ['+', '-', '*', 'swap', 'over']) expect(m[prog.actionNames.indexOf(`word ${w}`)]).toBe(0);
    for (const w of ['3', 'dup', 'drop', 'nop']) expect(m[prog.actionNames.indexOf(`word ${w}`)]).toBe(1);
  });

  it('a masked action taken anyway changes nothing and is recorded as an incorrect, invalid step', () => {
    const env = new ReasonProgram({ renderMode: 'ansi' });
    const r0 = env.reset({ seed: 4 });
    const before = copy(r0.obs);
    const r = env.step(env.actionNames.indexOf('word +'));
    expect(r.info.stepKind).toBe('invalid');
    expect(r.info.stepCorrect).toBe(false);
    expect(r.info.stepUseful).toBe(false);
    expect(r.reward).toBe(0);
    expect(copy(r.obs).current).toEqual(before.current);
    expect(detokenize(r.obs.steps!.subarray(15))).toBe('?');
    expect(env.state().program).toBe('');
  });
});

describe('Reason-* envs: ground truth', () => {
  it('Arith: a wrong candidate is an incorrect step, later ones cannot be useful, and the answer is wrong', () => {
    const env = new ReasonArith({ difficulty: 2 });
    env.reset({ seed: 8 });
    const right = env.expertAction();
    const wrong = right % 4 === 0 ? right + 1 : right - 1;
    let r = env.step(wrong);
    expect(r.info).toMatchObject({ stepKind: 'reduce', stepCorrect: false, stepUseful: false, onTrack: false });
    expect(env.expertAction()).toBe(env.actionSpace.n - 1); // out of reach: the solver would stop
    const [a, op, b] = env.state().choices[0]!.operation.split(' ');
    const value = op === '+' ? Number(a) + Number(b) : op === '-' ? Number(a) - Number(b) : Number(a) * Number(b);
    r = env.step(env.state().choices[0]!.candidates.indexOf(value));
    expect(r.info).toMatchObject({ stepCorrect: true, stepUseful: false, onTrack: false });
    while (!r.terminated) {
      const s = env.state();
      r = env.step(s.choices.length ? env.actionNames.indexOf('reduce slot 0 to 0') : env.actionSpace.n - 1);
    }
    expect(r.reward).toBe(0);
    expect(r.info.success).toBe(false);
  });

  it('Countdown: a combination after which the target is out of reach is incorrect', () => {
    const env = new ReasonCountdown({ difficulty: 2 });
    let found = false;
    for (let seed = 0; seed < 20 && !found; seed++) {
      const mask = env.reset({ seed }).info.actionMask as Uint8Array;
      for (let a = 0; a < 40 && !found; a++) {
        if (!mask[a]) continue;
        env.reset({ seed });
        const r = env.step(a);
        if (r.info.stepCorrect === false) {
          found = true;
          expect(r.info).toMatchObject({ stepKind: 'combine', stepUseful: false, onTrack: false });
          expect(env.expertAction()).toBe(env.actionSpace.n - 1);
        }
      }
    }
    expect(found).toBe(true);
  });

  it('Program: a word the program cannot recover from is incorrect; stop scores the fraction of tests passed', () => {
    const env = new ReasonProgram({ difficulty: 1, maxLength: 4 });
    env.reset({ seed: 2 });
    let r = env.step(env.actionNames.indexOf('word drop'));
    expect(r.info).toMatchObject({ stepKind: 'token', stepCorrect: false, onTrack: false });
    r = env.step(env.actionNames.indexOf('word 0'));
    r = env.step(env.actionSpace.n - 1);
    expect(r.terminated).toBe(true);
    expect(r.info.stepCorrect).toBe(false);
    expect(r.reward).toBeGreaterThanOrEqual(0);
    expect(r.reward).toBeLessThan(1);
    expect(r.reward * env.numTests).toBeCloseTo(Math.round(r.reward * env.numTests), 9);
  });

  it('Program: reaching maxLength ends the episode and runs the tests', () => {
    const env = new ReasonProgram({ difficulty: 1, maxLength: 3 });
    env.reset({ seed: 0 });
    const nop = env.actionNames.indexOf('word nop');
    expect(env.step(nop).terminated).toBe(false);
    expect(env.step(nop).terminated).toBe(false);
    const r = env.step(nop);
    expect(r.terminated).toBe(true);
    expect(r.reward).toBe(env.passRate());
  });
});

describe('Reason-* envs: correct but unnecessary steps', () => {
  /** Pad the expert's solution with `pad` before every step; returns the step records and the final reward. */
  function padded(env: AnyReason, seed: number, pad: (env: AnyReason) => number[]) {
    env.reset({ seed });
    let r: StepResult<ReasonObs> | undefined;
    while (!r?.terminated) {
      for (const a of pad(env)) expect(env.step(a).terminated).toBe(false);
      r = env.step(env.expertAction());
    }
    return { records: env.steps, reward: r.reward };
  }

  it('Arith: `a * 1 = a` and repeating the last reduction are correct, not useful, and can pad a solution', () => {
    const env = new ReasonArith({ difficulty: 2 });
    const pad = (e: AnyReason) => (e.steps.length > 0 ? [16, 20] : [16]);
    const { records, reward } = padded(env, 3, pad);
    expect(reward).toBe(1);
    const kinds = records.map((s) => s.kind);
    expect(kinds).toContain('identity');
    expect(kinds).toContain('repeat');
    for (const s of records) {
      if (s.kind === 'identity' || s.kind === 'repeat') expect(s).toMatchObject({ correct: true, useful: false });
      else expect(s).toMatchObject({ correct: true, useful: true });
    }
    expect(records.filter((s) => !s.useful).length).toBeGreaterThan(records.filter((s) => s.useful).length);
    expect(records.find((s) => s.kind === 'identity')!.text).toMatch(/^(-?\d+) \* 1 = \1$/);
  });

  it('Countdown: restating a number and re-deriving the last result are correct but not useful', () => {
    const env = new ReasonCountdown({ difficulty: 3 });
    const { records, reward } = padded(env, 6, (e) => {
      const slot = (e as ReasonCountdown).state().slots.findIndex((v) => v !== null);
      return e.steps.some((s) => s.kind === 'combine') ? [40 + slot, 45] : [40 + slot];
    });
    expect(reward).toBe(1);
    const useless = records.filter((s) => s.kind === 'identity' || s.kind === 'repeat');
    expect(useless.length).toBeGreaterThanOrEqual(5);
    for (const s of useless) expect(s).toMatchObject({ correct: true, useful: false });
    expect(records.filter((s) => s.useful).length).toBe(4);
  });

  it('Program: `nop` and the detour `1 *` are correct but not useful', () => {
    const env = new ReasonProgram({ difficulty: 2 });
    const one = env.actionNames.indexOf('word 1'),
      times = env.actionNames.indexOf('word *');
    const nop = env.actionNames.indexOf('word nop');
    env.reset({ seed: 12 });
    for (const a of [nop, one, times, nop]) {
      const r = env.step(a);
      expect(r.info).toMatchObject({ stepCorrect: true, stepUseful: false, onTrack: true });
    }
    let r: StepResult<ReasonObs>;
    do r = env.step(env.expertAction());
    while (!r.terminated);
    expect(r.reward).toBe(1);
    expect(env.steps.filter((s) => s.useful).length).toBe(4); // three reference words and stop
  });

  it('hacking is possible: with a reward per correct step, padding outscores the shortest solution', () => {
    const env = new ReasonArith({ difficulty: 1 });
    const prmReturn = (records: readonly { correct: boolean }[]) => records.filter((s) => s.correct).length;
    const plain = padded(env, 0, () => []);
    const plainReturn = prmReturn(plain.records);
    const hacked = padded(env, 0, () => [16, 16, 16]);
    expect(hacked.reward).toBe(plain.reward);
    expect(prmReturn(hacked.records)).toBeGreaterThan(plainReturn);
  });
});
