import { firstValueFrom, take, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerAll } from '../../envs/index.js';
import { makeVec } from '../../src/core/vector/sync.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import { Rollout, rollout } from '../../src/stream/rollout.js';
import { annotate, learn, logTo } from '../../src/stream/operators.js';
import { extrinsicAnnotator } from '../../src/stream/extrinsic.js';
import type { RunEvent } from '../../src/stream/events.js';
import { RandomAgent } from '../../agents/random.js';
import { of } from 'rxjs';

beforeAll(() => registerAll());

function setup(numEnvs = 3) {
  const vec = makeVec('CartPole-v1', { numEnvs, autoresetMode: 'same-step' });
  const agent = new RandomAgent({
    observationSpace: vec.singleObservationSpace,
    actionSpace: vec.singleActionSpace,
    numEnvs,
    seed: 7,
    totalSteps: 1,
  });
  return { vec, agent };
}

describe('rollout', () => {
  it('fills a T x N batch: successors are the next observations except at episode ends (the final observation)', () => {
    const { vec, agent } = setup();
    const T = 200;
    const N = 3;
    const r = new Rollout(vec, agent, T, { seed: 11 });
    const b = r.collect();
    expect(b.numSteps).toBe(T);
    expect(b.obs.obs!.data.length).toBe(T * N * 4);
    expect(r.globalStep).toBe(T * N);
    let ends = 0;
    let lengthSum = 0;
    for (let t = 0; t < T - 1; t++) {
      for (let i = 0; i < N; i++) {
        const k = t * N + i;
        const done = b.terminations[k]! || b.truncations[k]!;
        const next = b.nextObs.obs!.data.subarray(k * 4, k * 4 + 4);
        const following = b.obs.obs!.data.subarray((k + N) * 4, (k + N) * 4 + 4);
        if (done) {
          ends++;
          expect([...next]).not.toEqual([...following]);
          // a terminated CartPole final observation is out of bounds (pole angle or cart position)
          if (b.terminations[k]) expect(Math.abs(next[0]!) > 2.4 || Math.abs(next[2]!) > 0.2095).toBe(true);
          expect(b.episodeSteps[k + N]).toBe(0);
        } else {
          expect([...next]).toEqual([...following]);
          expect(b.episodeSteps[k + N]).toBe(b.episodeSteps[k]! + 1);
        }
      }
    }
    expect(ends).toBeGreaterThan(5);
    for (const e of b.episodes!) lengthSum += e.length;
    expect(b.episodes!.length).toBeGreaterThanOrEqual(ends);
    expect(lengthSum).toBeGreaterThan(0);
    for (const e of b.episodes!) expect(e.return).toBe(e.length);
    vec.close();
  });

  it('the same seed gives the same batch; a cut marks unfinished episodes truncated and reseeds', () => {
    const a = setup();
    const c = setup();
    const ra = new Rollout(a.vec, a.agent, 50, { seed: 5 });
    const rc = new Rollout(c.vec, c.agent, 50, { seed: 5 });
    const ba = ra.collect({ cutAndReseed: 99 });
    expect([...rc.collect().obs.obs!.data]).toEqual([...ba.obs.obs!.data]);
    const last = 49 * 3;
    for (let i = 0; i < 3; i++) expect(ba.terminations[last + i]! || ba.truncations[last + i]!).toBe(1);
    const next = ra.collect();
    expect(next.episodeSteps[0]).toBe(0);
    a.vec.close();
    c.vec.close();
  });

  it('with needsStates, the next state of the last step of an episode is the state before the reset', () => {
    const N = 2;
    const vec = makeVec('Dungeon-Room-15x15-v0', { numEnvs: N, autoresetMode: 'same-step', maxEpisodeSteps: 6 });
    const agent = new RandomAgent({
      observationSpace: vec.singleObservationSpace,
      actionSpace: vec.singleActionSpace,
      numEnvs: N,
      seed: 3,
      totalSteps: 1,
    });
    const r = new Rollout(vec, agent, 30, { seed: 4, needsStates: true });
    const b = r.collect();
    let ends = 0;
    let lateEnds = 0;
    for (let k = 0; k < 30 * N; k++) {
      const prev = b.prevStates![k] as { time: number };
      const next = b.nextStates![k] as { time: number };
      // game time never runs backwards within a transition; a reset state (time 1) in place of the final one would
      expect(next.time).toBeGreaterThanOrEqual(prev.time);
      if (b.terminations[k] || b.truncations[k]) {
        ends++;
        if (next.time > 1) lateEnds++;
      }
    }
    expect(ends).toBeGreaterThan(4);
    expect(lateEnds).toBeGreaterThan(2); // a reset state in its place would always say time 1
    vec.close();
  });

  it('refuses a vector env that is not in same-step autoreset mode', () => {
    const vec = makeVec('CartPole-v1', { numEnvs: 1 });
    const agent = new RandomAgent({
      observationSpace: new Box(-1, 1, [4]),
      actionSpace: new Discrete(2),
      numEnvs: 1,
      seed: 1,
      totalSteps: 1,
    });
    expect(() => new Rollout(vec, agent, 8)).toThrow(/autoresetMode 'same-step'/);
    vec.close();
  });

  it('operators: rollout -> annotate -> learn, and logTo writes events', async () => {
    const { vec, agent } = setup(2);
    const out = await firstValueFrom(
      rollout(vec, agent, 16, { seed: 1, count: 3 }).pipe(annotate(extrinsicAnnotator()), learn(agent), toArray()),
    );
    expect(out).toHaveLength(3);
    expect(out[2]!.batch.globalStep).toBe(64);
    expect(out[0]!.batch.total).toBe(out[0]!.batch.rewards);
    const seen: RunEvent[] = [];
    const ev: RunEvent = { type: 'batch', step: 1, steps: 1, sps: 1, time: 0 };
    await firstValueFrom(of(ev).pipe(logTo({ write: (e) => seen.push(e) }), take(1)));
    expect(seen).toEqual([ev]);
    vec.close();
  });
});
