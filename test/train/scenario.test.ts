import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerAgents } from '../../agents/index.js';
import { loadScenario, validateScenario } from '../../src/train/scenario.js';

beforeAll(() => registerAgents());

const ok = { env: { id: 'CartPole-v1' }, agent: { type: 'ppo' }, budget: { steps: 1000 } };

describe('scenario validation', () => {
  it('fills defaults', () => {
    const s = validateScenario(ok);
    expect(s.env.numEnvs).toBe(8);
    expect(s.agent.params.lr).toBe(2.5e-4);
    expect(s.agent.params.numSteps).toBe(128);
    expect(s.seeds).toEqual([1]);
    expect(s.eval.seeds).toHaveLength(10);
  });

  it('names the key path and what was expected', () => {
    expect(() => validateScenario({ ...ok, agent: { type: 'ppo', lr: 'fast' } })).toThrow('agent.lr: expected a positive number, got "fast"');
    expect(() => validateScenario({ ...ok, agent: { type: 'ppo', numMinibatches: 2.5 } })).toThrow('agent.numMinibatches: expected a positive integer, got 2.5');
    expect(() => validateScenario({ ...ok, agent: { type: 'ppo', gamma: 1.5 } })).toThrow('agent.gamma: expected a number in [0, 1], got 1.5');
    expect(() => validateScenario({ ...ok, env: { id: 'CartPole-v1', numEnvs: 0 } })).toThrow('env.numEnvs: expected a positive integer, got 0');
    expect(() => validateScenario({ ...ok, budget: { steps: -5 } })).toThrow('budget.steps: expected a positive integer, got -5');
    expect(() => validateScenario({ ...ok, agent: { type: 'ppo', network: { hidden: [64, 'x'] } } })).toThrow('agent.network.hidden[1]: expected a positive integer, got "x"');
    expect(() => validateScenario({ ...ok, eval: { episodes: 3, seeds: [1, 2] } })).toThrow('eval.seeds: expected 3 seeds');
    expect(() => validateScenario({ ...ok, rewards: [{ weight: 1 }] })).toThrow('rewards[0].source: expected a reward source name');
  });

  it('env.maxEpisodeSteps: a positive integer or -1, absent by default', () => {
    expect(validateScenario(ok).env).not.toHaveProperty('maxEpisodeSteps');
    expect(validateScenario({ ...ok, env: { id: 'CartPole-v1', maxEpisodeSteps: 60 } }).env.maxEpisodeSteps).toBe(60);
    expect(validateScenario({ ...ok, env: { id: 'CartPole-v1', maxEpisodeSteps: -1 } }).env.maxEpisodeSteps).toBe(-1);
    for (const bad of [0, -2, 2.5, '60']) {
      expect(() => validateScenario({ ...ok, env: { id: 'CartPole-v1', maxEpisodeSteps: bad } })).toThrow(`env.maxEpisodeSteps: expected a positive integer (or -1 for no episode limit), got ${JSON.stringify(bad)}`);
    }
    expect(() => validateScenario({ ...ok, env: { id: 'CartPole-v1', maxEpisodeStep: 60 } })).toThrow('env.maxEpisodeStep: unknown key; did you mean "maxEpisodeSteps"?');
  });

  it('rejects unknown agents, hyper-parameters and keys with a hint', () => {
    expect(() => validateScenario({ ...ok, agent: { type: 'ppp' } })).toThrow('agent.type: unknown agent "ppp"; did you mean "ppo"?');
    expect(() => validateScenario({ ...ok, agent: { type: 'ppo', learningRate: 1e-3 } })).toThrow(/agent\.learningRate: unknown hyper-parameter/);
    expect(() => validateScenario({ ...ok, agent: { type: 'ppo', entcoef: 0.1 } })).toThrow('did you mean "entCoef"?');
    expect(() => validateScenario({ ...ok, budgett: 5 })).toThrow('budgett: unknown key; did you mean "budget"?');
    expect(() => validateScenario({ ...ok, env: undefined })).toThrow('env: missing');
  });

  it('loads YAML files and reports parse errors with the position', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-scn-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'env: { id: CartPole-v1, numEnvs: 2 }\nagent: { type: ppo, lr: 0.001 }\nbudget: { steps: 5000 }\nseeds: [4, 5]\n');
    const s = loadScenario(good);
    expect(s.name).toBe('good');
    expect(s.seeds).toEqual([4, 5]);
    expect(s.agent.params.lr).toBe(0.001);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'env: { id: CartPole-v1\nagent: [ppo\n');
    expect(() => loadScenario(bad)).toThrow(/does not parse as YAML.*line/);
    const wrong = join(dir, 'wrong.yaml');
    writeFileSync(wrong, 'env: CartPole-v1\nagent: { type: ppo, lr: fast }\nbudget: 100\n');
    expect(() => loadScenario(wrong)).toThrow(`agent.lr: expected a positive number, got "fast" (in ${wrong})`);
    expect(() => loadScenario(join(dir, 'missing.yaml'))).toThrow('does not exist');
  });

  it('every shipped scenario validates', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(() => loadScenario(join('scenarios', f)), f).not.toThrow();
  });
});
