import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Box, Dict, Discrete, Text } from '../../src/core/spaces.js';
import { setBackendLogger, initBackend } from '../../src/tensor/backend.js';
import { type RewardContext } from '../../rewards/index.js';
import { CountSource } from '../../rewards/intrinsic/count.js';
import { E3BSource } from '../../rewards/intrinsic/e3b.js';
import { EllipticalBonus } from '../../rewards/intrinsic/elliptical.js';
import { NovelDSource } from '../../rewards/intrinsic/noveld.js';
import { RndSource } from '../../rewards/intrinsic/rnd.js';
import { makeBatch, scalarBatch } from './batch.js';
import { buildRewardStack } from '../support/registry.js';
const ctx = (numEnvs: number, dim = 1): RewardContext => ({
  envId: 'T',
  observationSpace: new Box(-10, 10, [dim]),
  actionSpace: new Discrete(3),
  numEnvs,
  seed: 7,
});

beforeAll(async () => {
  setBackendLogger(() => {});
  await initBackend();
});

/** Direct inverse of a dense matrix by Gauss–Jordan elimination with partial pivoting. */
function invert(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row) => row.slice(n));
}

describe('count', () => {
  it('gives exact 1/sqrt(N), episodic counts restart with the episode', () => {
    const s = new CountSource('count', { source: 'count', episodic: true }, ctx(1));
    // env 0 visits 1, 2, 1, 1 then a new episode visits 1
    const b = makeBatch({
      obs: [[[0]], [[1]], [[2]], [[1]], [[1]]],
      next: [[[1]], [[2]], [[1]], [[1]], [[1]]],
      episodeIds: [[0], [0], [0], [0], [1]],
    });
    expect(Array.from(s.compute(b))).toEqual([1, 1, 1 / Math.sqrt(2), 1 / Math.sqrt(3), 1].map(Math.fround));
  });
  it('global counts persist across episodes and envs', () => {
    const s = new CountSource('count', { source: 'count', episodic: false }, ctx(2));
    const b = makeBatch({
      obs: [
        [[0], [0]],
        [[0], [0]],
      ],
      next: [
        [[5], [5]],
        [[5], [6]],
      ],
      episodeIds: [
        [0, 0],
        [1, 1],
      ],
    });
    expect(Array.from(s.compute(b))).toEqual([1, 1 / Math.sqrt(2), 1 / Math.sqrt(3), 1].map(Math.fround));
  });
  it('hashes only the chosen fields', () => {
    const s = new CountSource('count', { source: 'count', episodic: false, fields: [0, 2] }, ctx(1, 3));
    const b = makeBatch({
      obs: [[[0, 0, 0]], [[0, 0, 0]], [[0, 0, 0]]],
      next: [[[1, 5, 2]], [[1, 6, 2]], [[1, 6, 3]]],
    });
    expect(Array.from(s.compute(b))).toEqual([1, 1 / Math.sqrt(2), 1].map(Math.fround));
    expect(() => buildRewardStack([{ source: 'count', fields: [3] }], ctx(1, 3))).toThrow(
      /^rewards\[0\]\.fields: must be a non-empty list of indices in \[0, 2\]/,
    );
  });
  it('rejects an observation key the env does not have or cannot be counted', () => {
    const space = new Dict({ pos: new Box(0, 9, [2]), message: new Text(80, 0) });
    expect(() => buildRewardStack([{ source: 'count', key: 'glyph' }], { ...ctx(1), observationSpace: space })).toThrow(
      /^rewards\[0\]\.key: observation key "glyph" does not exist; this env has pos, message/,
    );
    expect(() =>
      buildRewardStack([{ source: 'count', key: 'message' }], { ...ctx(1), observationSpace: space }),
    ).toThrow(/^rewards\[0\]\.key: observation key "message" is a Text space/);
  });
});

describe('rnd', () => {
  it('reward on a repeated state decreases as the predictor trains, without leaking tensors', () => {
    const s = new RndSource('rnd', { source: 'rnd', lr: 0.01, seed: 3 }, ctx(4, 6));
    const rows = Array.from({ length: 16 }, (_, t) =>
      Array.from({ length: 4 }, (_, i) => [t, i, (t * i) % 3, 1, 0, t % 2]),
    );
    const b = makeBatch({ obs: rows, next: rows });
    const first = s.compute(b).reduce((a, x) => a + x, 0);
    s.update(b);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 30; k++) {
      s.compute(b);
      s.update(b);
    }
    expect(tf.memory().numTensors).toBe(before);
    const last = s.compute(b).reduce((a, x) => a + x, 0);
    expect(last).toBeLessThan(first * 0.2);
    // an unseen state stays more surprising than the trained ones
    const novel = makeBatch({ obs: [[[50, -40, 9, -7, 30, 8]]], next: [[[50, -40, 9, -7, 30, 8]]] });
    expect(s.compute(novel)[0]!).toBeGreaterThan(last / 64);
    s.dispose();
  });
});

describe('noveld', () => {
  it("is max(nov(s') - alpha nov(s), 0) on first visits within the episode only", () => {
    const s = new NovelDSource('noveld', { source: 'noveld', alpha: 0.5 }, ctx(1, 2));
    const obs = [[[0, 0]], [[1, 0]], [[2, 0]], [[1, 0]]];
    const next = [[[1, 0]], [[2, 0]], [[1, 0]], [[3, 0]]];
    const b = makeBatch({ obs, next });
    const r = s.compute(b);
    const novCur = s.novelty(Float32Array.from(obs.flat(2)), 4);
    const novNext = s.novelty(Float32Array.from(next.flat(2)), 4);
    const expected = [0, 1, 2, 3].map((k) => (k === 2 ? 0 : Math.max(novNext[k]! - 0.5 * novCur[k]!, 0)));
    r.forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 5));
    expect(r[0]! + r[1]! + r[3]!).toBeGreaterThan(0);
    s.dispose();
  });
});

describe('e3b', () => {
  it('the Sherman–Morrison bonus equals phi^T (lambda I + sum phi phi^T)^-1 phi', () => {
    const d = 4,
      lambda = 0.1;
    const e = new EllipticalBonus(d, lambda);
    const phis = [
      [1, 0.5, -0.2, 0.3],
      [0.1, 2, 0.4, -1],
      [1, 0.5, -0.2, 0.3],
      [-0.7, 0.2, 1.5, 0.9],
      [0.3, 0.3, 0.3, 0.3],
    ];
    const C = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? lambda : 0)));
    for (const phi of phis) {
      const inv = invert(C);
      const direct = phi.reduce((a, pi, i) => a + pi * phi.reduce((s, pj, j) => s + inv[i]![j]! * pj, 0), 0);
      expect(e.step(phi)).toBeCloseTo(direct, 8);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) C[i]![j]! += phi[i]! * phi[j]!;
    }
  });
  it('repeated states within an episode earn less; the inverse resets per episode; training leaks no tensors', () => {
    const s = new E3BSource('e3b', { source: 'e3b', seed: 1 }, ctx(1, 3));
    const b = makeBatch({
      obs: [[[0, 0, 1]], [[1, 0, 0]], [[1, 0, 0]], [[1, 0, 0]]],
      next: [[[1, 0, 0]], [[1, 0, 0]], [[1, 0, 0]], [[1, 0, 0]]],
      episodeIds: [[0], [0], [0], [1]],
      actions: [[0], [1], [2], [0]],
    });
    const r = s.compute(b);
    expect(r[1]!).toBeLessThan(r[0]!);
    expect(r[2]!).toBeLessThan(r[1]!);
    expect(r[3]!).toBeCloseTo(r[0]!, 5);
    s.update(b);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 5; k++) {
      s.compute(b);
      s.update(b);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(s.loss)).toBe(true);
    s.dispose();
  });
  it("the inverse-dynamics model learns: its loss falls on transitions whose action shows in s -> s'", () => {
    const s = new E3BSource('e3b', { source: 'e3b', seed: 2, lr: 0.01, batchSize: 64 }, ctx(4, 3));
    const T = 16,
      N = 4;
    const act = (t: number, i: number) => (t * 7 + i * 5) % 3;
    const cur = (t: number, i: number) => [(t + i) % 4, (t * i) % 3, (t + 2 * i) % 5];
    const next = (t: number, i: number) => cur(t, i).map((v, j) => v + (j === act(t, i) ? 1 : 0));
    const grid = <X>(f: (t: number, i: number) => X) =>
      Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => f(t, i)));
    const b = makeBatch({ obs: grid(cur), next: grid(next), actions: grid(act) });
    s.update(b);
    const first = s.loss;
    for (let k = 0; k < 60; k++) s.update(b);
    expect(first).toBeGreaterThan(0.9); // about ln 3 for three actions
    expect(s.loss).toBeLessThan(first * 0.3);
    s.dispose();
  });
  it('rejects an action space it cannot model', () => {
    expect(() => buildRewardStack([{ source: 'e3b' }], { ...ctx(1), actionSpace: new Text(3, 0) })).toThrow(
      /^rewards\[0\]\.source: e3b's inverse-dynamics model needs a Discrete or Box/,
    );
  });
});

describe('stack with intrinsic sources', () => {
  it('builds every source and annotates a batch', async () => {
    const stack = buildRewardStack(
      [
        { source: 'extrinsic', weight: 1 },
        { source: 'count', weight: 0.1 },
        { source: 'rnd', weight: 0.5 },
        { source: 'noveld', weight: 0.5 },
        { source: 'e3b', weight: 0.1 },
      ],
      ctx(2),
    );
    const batch = scalarBatch(
      8,
      2,
      (t, i) => (t + i) % 5,
      (t) => (t === 7 ? 1 : 0),
    );
    const a = stack.annotate(batch);
    expect(Object.keys(a.components)).toEqual(['extrinsic', 'count', 'rnd', 'noveld', 'e3b']);
    expect(a.episodic).toEqual({ extrinsic: true, intrinsic: false });
    for (const v of a.total) expect(Number.isFinite(v)).toBe(true);
    await stack.update(a);
    stack.dispose();
  });
});
