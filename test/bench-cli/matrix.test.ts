import { describe, expect, it } from 'vitest';
import { planBench } from '../../src/bench/matrix.js';

const base = {
  env: { id: 'CartPole-v1', numEnvs: 2 },
  agent: { type: 'random' },
  budget: { steps: 1000 },
  seed: 0,
};

describe('bench matrix', () => {
  it('expands envs x reward stacks x seeds into complete scenarios', () => {
    const plan = planBench(
      {
        ...base,
        bench: {
          envs: ['CartPole-v1', 'Acrobot-v1'],
          rewards: { ext: [{ source: 'extrinsic' }], cnt: [{ source: 'extrinsic' }, { source: 'count', weight: 0.1 }] },
          seeds: [1, 2, 3],
        },
      },
      'b',
    );
    expect(plan.runs).toHaveLength(12);
    expect(plan.runs[0]!.key).toBe('CartPole-v1__ext__s1');
    const r = plan.runs.find((x) => x.key === 'Acrobot-v1__cnt__s3')!;
    expect(r.scenario).toEqual({
      env: { id: 'Acrobot-v1', numEnvs: 2 },
      agent: { type: 'random' },
      budget: { steps: 1000 },
      seed: 3,
      rewards: [{ source: 'extrinsic' }, { source: 'count', weight: 0.1 }],
    });
    expect(r.steps).toBe(1000);
    expect(plan.name).toBe('b');
  });

  it('defaults to the scenario env and reward stack; the fingerprint changes with the matrix', () => {
    const a = planBench({ ...base, bench: { seeds: [1] } }, 'x');
    expect(a.runs.map((r) => r.key)).toEqual(['CartPole-v1__extrinsic__s1']);
    const b = planBench({ ...base, bench: { seeds: [1, 2] } }, 'x');
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect(planBench({ ...base, bench: { seeds: [1] } }, 'x').fingerprint).toBe(a.fingerprint);
  });

  it('names the key path of every bad input', () => {
    expect(() => planBench(base, 'x')).toThrow(/^bench: missing/);
    expect(() => planBench({ ...base, bench: { seeds: [1], env: ['a'] } }, 'x')).toThrow(/bench\.env: unknown key/);
    expect(() => planBench({ ...base, bench: { seeds: [] } }, 'x')).toThrow(/bench\.seeds: expected a non-empty list/);
    expect(() => planBench({ ...base, bench: { seeds: [1, 'two'] } }, 'x')).toThrow(
      /bench\.seeds\[1\]: expected a non-negative integer, got "two"/,
    );
    expect(() => planBench({ ...base, bench: { seeds: [1], envs: [3] } }, 'x')).toThrow(
      /bench\.envs\[0\]: expected an env id/,
    );
    expect(() => planBench({ ...base, bench: { seeds: [1], rewards: { a: 'extrinsic' } } }, 'x')).toThrow(
      /bench\.rewards\.a: expected a list/,
    );
    expect(() => planBench({ ...base, budget: undefined, bench: { seeds: [1] } }, 'x')).toThrow(
      /budget: the scenario needs a step budget/,
    );
  });

  it('a bench name names a directory: no path separators or ".."; every error is reported at once', () => {
    for (const name of ['../../../../tmp/x', 'a/b', '..']) {
      const inBench = () => planBench({ ...base, bench: { name, seeds: [1] } }, 'x');
      expect(inBench, name).toThrow(/^bench\.name: expected a name of letters, digits/);
      const top = () => planBench({ ...base, name, bench: { seeds: [1] } }, 'x');
      expect(top, name).toThrow(/^name: expected a name of letters, digits/);
    }
    expect(planBench({ ...base, bench: { name: 'ok-1', seeds: [1] } }, 'x').name).toBe('ok-1');
    expect(() => planBench({ ...base, bench: { seeds: [1, 'two'], envs: [3], env: 1 } }, 'x')).toThrow(
      new RegExp(
        '^3 errors:\n {2}bench\\.env: unknown key.*\n {2}bench\\.envs\\[0\\]: expected an env id.*\n' +
          ' {2}bench\\.seeds\\[1\\]: expected a non-negative integer',
      ),
    );
    const clash = () => planBench({ ...base, bench: { seeds: [1], rewards: { 'a b': [], a_b: [] } } }, 'x');
    expect(clash).toThrow(/CartPole-v1\/a b and CartPole-v1\/a_b would share the run directory/);
  });
});
