import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { makeVec } from '../../src/core/vector/sync.js';
import type { AnnotatedBatch } from '../../src/stream/batch.js';
import { Rollout } from '../../src/stream/rollout.js';
import { initBackend } from '../../src/tensor/backend.js';
import {
  endedEpisodes,
  filterBatch,
  groupByProblem,
  rSquared,
  selectEpisodes,
  type BatchEpisode,
} from '../../src/stream/episodes.js';
import { RaftAgent, RAFT_PARAMS } from '../../agents/raft.js';
import { resolveParams } from '../../src/core/params.js';
import { testRegistry } from '../support/registry.js';

beforeAll(async () => {
  await initBackend();
});

/** A batch of 1 env: episodes given as [problem, per-step total rewards, true outcome at the end]. */
function batchOf(eps: [number, number[], number][], T: number): AnnotatedBatch {
  const total: number[] = [],
    rewards: number[] = [],
    term: number[] = [],
    prob: number[] = [];
  for (const [p, rs, truth] of eps) {
    rs.forEach((r, s) => {
      total.push(r);
      rewards.push(s === rs.length - 1 ? truth : 0);
      term.push(s === rs.length - 1 ? 1 : 0);
      prob.push(p);
    });
  }
  while (total.length < T) {
    total.push(0);
    rewards.push(0);
    term.push(0);
    prob.push(99);
  }
  const n = T;
  const z8 = () => new Uint8Array(n);
  return {
    numSteps: T,
    numEnvs: 1,
    obs: {},
    nextObs: {},
    actions: new Int32Array(n),
    actionDim: 1,
    rewards: Float32Array.from(rewards),
    terminations: Uint8Array.from(term),
    truncations: z8(),
    globalStep: 0,
    episodeIds: new Int32Array(n),
    episodeSteps: new Int32Array(n),
    components: {},
    total: Float32Array.from(total),
    groups: { extrinsic: Float32Array.from(total), intrinsic: new Float32Array(n) },
    episodic: { extrinsic: true, intrinsic: true },
    stepLabels: { correct: z8(), useful: z8(), onTrack: z8(), problem: Int32Array.from(prob) },
  };
}

const ep = (score: number, truth = score, problem = 0): BatchEpisode => ({ env: 0, problem, rows: [], score, truth });

describe('episodes of a batch', () => {
  it('ends, groups by problem, and leaves out a running episode', () => {
    const b = batchOf(
      [
        [0, [0, 0.7], 1],
        [0, [0, 0, 0.2], 0],
        [1, [0.4], 1],
      ],
      9,
    ); // 3 rows still running
    const eps = endedEpisodes(b, b.total);
    expect(eps.map((e) => [e.problem, e.rows, +e.score.toFixed(3), e.truth])).toEqual([
      [0, [0, 1], 0.7, 1],
      [0, [2, 3, 4], 0.2, 0],
      [1, [5], 0.4, 1],
    ]);
    expect(groupByProblem(eps).map((g) => g.length)).toEqual([2, 1]);
  });

  it('strategies keep the best, the best and worst, or the best and random others', () => {
    const g = [ep(0.1), ep(0.9), ep(0.5), ep(0.3), ep(0.7)];
    const rng = new Rng(1);
    const scores = (xs: BatchEpisode[]) => xs.map((e) => e.score);
    expect(scores(selectEpisodes(g, 'top', 2, rng))).toEqual([0.9, 0.7]);
    expect(scores(selectEpisodes(g, 'best-worst', 2, rng))).toEqual([0.9, 0.1]);
    expect(scores(selectEpisodes(g, 'best-worst', 3, rng))).toEqual([0.9, 0.7, 0.1]);
    const br = scores(selectEpisodes(g, 'best-random', 3, rng));
    expect(br[0]).toBe(0.9);
    expect(br).toHaveLength(3);
    expect(new Set(br).size).toBe(3);
    expect(selectEpisodes(g.slice(0, 2), 'top', 3, rng)).toHaveLength(2);
  });

  it('R² is the squared correlation between score and truth', () => {
    expect(rSquared([ep(0, 1), ep(1, 3), ep(2, 5)])).toBeCloseTo(1, 9);
    expect(rSquared([ep(0, 1), ep(1, 0), ep(2, 1), ep(3, 0)])).toBeCloseTo(0.2, 9);
    expect(rSquared([ep(0.5, 1), ep(0.5, 0)])).toBeUndefined();
    expect(rSquared([ep(1, 1)])).toBeUndefined();
  });

  it('filterBatch keeps rows of the kept episodes and reports R² of kept and all', () => {
    const b = batchOf(
      [
        [0, [0, 0.9], 1],
        [0, [0, 0.1], 0],
        [0, [0, 0.5], 1],
        [0, [0, 0.3], 0],
      ],
      8,
    );
    const { keep, stats } = filterBatch(b, b.total, 'best-worst', 2, new Rng(0));
    expect(Array.from(keep)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(stats['filter.keptEpisodes']).toBe(0.5);
    expect(stats['filter.keptRows']).toBe(0.5);
    expect(stats['filter.r2Kept']).toBeCloseTo(1, 6);
    expect(stats['filter.r2All']).toBeLessThan(1);
  });
});

describe('RAFT', () => {
  const venv = makeVec('Reason-Arith-v0', {
    numEnvs: 4,
    autoresetMode: 'same-step',
    kwargs: { difficulty: 1, repeat: 4 },
    envs: testRegistry.envs,
  });
  const make = (seed: number) =>
    new RaftAgent(resolveParams('agent', { numSteps: 32, epochs: 2 }, RAFT_PARAMS), {
      observationSpace: venv.singleObservationSpace,
      actionSpace: venv.singleActionSpace,
      numEnvs: 4,
      seed,
      totalSteps: 1000,
      tokenKeys: venv.capabilities.tokenKeys,
    });
  const annotate = (b: ReturnType<Rollout['collect']>): AnnotatedBatch => ({
    ...b,
    components: {},
    total: b.rewards,
    groups: { extrinsic: b.rewards, intrinsic: new Float32Array(b.rewards.length) },
    episodic: { extrinsic: true, intrinsic: true },
  });

  it('keeps the best episode of each problem and fits its steps; saves and loads exactly', () => {
    const agent = make(1);
    const ro = new Rollout(venv, agent, 32, { seed: 3 });
    const batch = annotate(ro.collect());
    const s1 = agent.learn(batch);
    expect(s1.keptEpisodes).toBeGreaterThan(0);
    expect(s1.keptEpisodes).toBeLessThan(s1.episodes!);
    expect(s1.keptScore).toBeGreaterThanOrEqual(s1.meanScore!);
    const s2 = agent.learn(batch);
    expect(s2.nll).toBeLessThan(s1.nll!); // the same kept steps fit better
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-raft-'));
    agent.save(dir);
    const other = make(9);
    other.load(dir);
    const obs = batch.obs;
    const a = agent.act(obs, 8, { deterministic: true }).actions;
    expect(Array.from(other.act(obs, 8, { deterministic: true }).actions)).toEqual(Array.from(a));
    agent.dispose();
    other.dispose();
  });
});
