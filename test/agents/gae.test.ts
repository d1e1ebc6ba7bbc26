import { describe, expect, it } from 'vitest';
import { bootRows, gae } from '../../agents/gae.js';

// T=3 steps, N=2 envs, time-major (k = t * N + i).
const base = {
  numSteps: 3,
  numEnvs: 2,
  gamma: 0.9,
  lambda: 1,
  episodic: true,
  rewards: Float32Array.from([1, 1, 1, 1, 1, 1]),
  values: Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]),
};

describe('gae', () => {
  it('a terminated transition does not bootstrap; a truncated one bootstraps from V(final obs)', () => {
    const terminations = Uint8Array.from([0, 0, 1, 0, 0, 0]); // env 0 terminates at t=1
    const truncations = Uint8Array.from([0, 0, 0, 1, 0, 0]); // env 1 is truncated at t=1
    const bootValues = new Float32Array(6);
    bootValues[2] = 100; // would be used only if the terminated transition bootstrapped
    bootValues[3] = 10; // V(final obs) of the truncated transition
    bootValues[4] = 2;
    bootValues[5] = 3; // end of rollout
    const { advantages, returns } = gae({ ...base, terminations, truncations, bootValues });
    // env 0, t=1 terminated: A = r - V = 0.5
    expect(advantages[2]).toBeCloseTo(0.5, 6);
    // env 1, t=1 truncated: A = r + gamma * 10 - V = 1 + 9 - 0.5
    expect(advantages[3]).toBeCloseTo(9.5, 5);
    // the chain is cut at both: t=0 sees only the next value, not the next advantage... with lambda=1 the
    // t=0 advantage is r + gamma * (r1 + gamma * next) - V0 for env 1 (continuing into the truncation)
    expect(advantages[1]).toBeCloseTo(1 + 0.9 * 0.5 - 0.5 + 0.9 * 9.5, 5);
    expect(advantages[0]).toBeCloseTo(1 + 0.9 * 0.5 - 0.5 + 0.9 * 0.5, 5);
    // t=2 is the last row: bootstraps from the rollout-end values
    expect(advantages[4]).toBeCloseTo(1 + 0.9 * 2 - 0.5, 5);
    expect(advantages[5]).toBeCloseTo(1 + 0.9 * 3 - 0.5, 5);
    // returns = advantages + values
    for (let k = 0; k < 6; k++) expect(returns[k]).toBeCloseTo(advantages[k]! + 0.5, 5);
  });

  it('lambda blends the n-step estimates (lambda = 0 is one-step TD)', () => {
    const zeros = new Uint8Array(6);
    const bootValues = new Float32Array(6).fill(1);
    const td = gae({ ...base, lambda: 0, terminations: zeros, truncations: zeros, bootValues });
    for (let k = 0; k < 4; k++) expect(td.advantages[k]).toBeCloseTo(1 + 0.9 * 0.5 - 0.5, 6);
    for (let k = 4; k < 6; k++) expect(td.advantages[k]).toBeCloseTo(1 + 0.9 * 1 - 0.5, 6);
    const half = gae({ ...base, lambda: 0.5, terminations: zeros, truncations: zeros, bootValues });
    const d2 = 1 + 0.9 - 0.5;
    const d1 = 1 + 0.45 - 0.5;
    expect(half.advantages[0]).toBeCloseTo(d1 + 0.45 * (d1 + 0.45 * d2), 5);
  });

  it('a non-episodic group runs through episode ends (RND intrinsic returns)', () => {
    const terminations = Uint8Array.from([1, 0, 0, 0, 0, 0]);
    const bootValues = new Float32Array(6);
    const ep = gae({ ...base, terminations, truncations: new Uint8Array(6), bootValues });
    const non = gae({ ...base, episodic: false, terminations, truncations: new Uint8Array(6), bootValues });
    expect(ep.advantages[0]).toBeCloseTo(0.5, 6);
    expect(non.advantages[0]!).toBeGreaterThan(1);
  });

  it('bootRows lists the truncated rows and the last step', () => {
    const trunc = Uint8Array.from([0, 1, 0, 0, 1, 0]);
    const term = new Uint8Array(6);
    expect(bootRows(3, 2, trunc, term, true)).toEqual([1, 4, 5]);
    expect(bootRows(3, 2, trunc, term, false)).toEqual([4, 5]);
  });
});
