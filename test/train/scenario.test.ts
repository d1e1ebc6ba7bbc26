import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerAgents } from '../../agents/index.js';
import { createRegistry } from '../../src/core/registry.js';
import { ScenarioErrors, loadScenario as load, validateScenario as validate } from '../../src/train/scenario.js';

const registry = createRegistry();
registerAgents(registry.agents);
const validateScenario = (raw: unknown, name?: string) => validate(raw, registry, name);
const loadScenario = (file: string) => load(file, registry);

// 2048 steps: two rollouts of PPO's default 128 steps x 8 envs
const ok = { env: { id: 'CartPole-v1' }, agent: { type: 'ppo' }, budget: { steps: 2048 } };

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
    expect(() => validateScenario({ ...ok, agent: { type: 'ppo', lr: 'fast' } })).toThrow(
      'agent.lr: expected a positive number, got "fast"',
    );
    expect(() => validateScenario({ ...ok, agent: { type: 'ppo', numMinibatches: 2.5 } })).toThrow(
      'agent.numMinibatches: expected a positive integer, got 2.5',
    );
    expect(() => validateScenario({ ...ok, agent: { type: 'ppo', gamma: 1.5 } })).toThrow(
      'agent.gamma: expected a number in [0, 1], got 1.5',
    );
    expect(() => validateScenario({ ...ok, env: { id: 'CartPole-v1', numEnvs: 0 } })).toThrow(
      'env.numEnvs: expected a positive integer, got 0',
    );
    expect(() => validateScenario({ ...ok, budget: { steps: -5 } })).toThrow(
      'budget.steps: expected a positive integer, got -5',
    );
    expect(() => validateScenario({ ...ok, agent: { type: 'ppo', network: { hidden: [64, 'x'] } } })).toThrow(
      'agent.network.hidden[1]: expected a positive integer, got "x"',
    );
    expect(() => validateScenario({ ...ok, eval: { episodes: 3, seeds: [1, 2] } })).toThrow(
      'eval.seeds: expected 3 seeds',
    );
    expect(() => validateScenario({ ...ok, rewards: [{ weight: 1 }] })).toThrow(
      'rewards[0].source: expected a reward source name',
    );
  });

  it('env.maxEpisodeSteps: a positive integer or -1, absent by default', () => {
    expect(validateScenario(ok).env).not.toHaveProperty('maxEpisodeSteps');
    expect(validateScenario({ ...ok, env: { id: 'CartPole-v1', maxEpisodeSteps: 60 } }).env.maxEpisodeSteps).toBe(60);
    expect(validateScenario({ ...ok, env: { id: 'CartPole-v1', maxEpisodeSteps: -1 } }).env.maxEpisodeSteps).toBe(-1);
    for (const bad of [0, -2, 2.5, '60']) {
      expect(() => validateScenario({ ...ok, env: { id: 'CartPole-v1', maxEpisodeSteps: bad } })).toThrow(
        `env.maxEpisodeSteps: expected a positive integer (or -1 for no episode limit), got ${JSON.stringify(bad)}`,
      );
    }
    expect(() => validateScenario({ ...ok, env: { id: 'CartPole-v1', maxEpisodeStep: 60 } })).toThrow(
      'env.maxEpisodeStep: unknown key; did you mean "maxEpisodeSteps"?',
    );
  });

  it('rejects unknown agents, hyper-parameters and keys with a hint', () => {
    expect(() => validateScenario({ ...ok, agent: { type: 'ppp' } })).toThrow(
      'agent.type: unknown agent "ppp"; did you mean "ppo"?',
    );
    expect(() => validateScenario({ ...ok, agent: { type: 'ppo', learningRate: 1e-3 } })).toThrow(
      /agent\.learningRate: unknown hyper-parameter/,
    );
    expect(() => validateScenario({ ...ok, agent: { type: 'ppo', entcoef: 0.1 } })).toThrow('did you mean "entCoef"?');
    expect(() => validateScenario({ ...ok, budgett: 5 })).toThrow('budgett: unknown key; did you mean "budget"?');
    expect(() => validateScenario({ ...ok, env: undefined })).toThrow('env: missing');
  });

  it('loads YAML files and reports parse errors with the position', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-scn-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      'env: { id: CartPole-v1, numEnvs: 2 }\nagent: { type: ppo, lr: 0.001 }\nbudget: { steps: 5000 }\nseeds: [4, 5]\n',
    );
    const s = loadScenario(good);
    expect(s.name).toBe('good');
    expect(s.seeds).toEqual([4, 5]);
    expect(s.agent.params.lr).toBe(0.001);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'env: { id: CartPole-v1\nagent: [ppo\n');
    expect(() => loadScenario(bad)).toThrow(/does not parse as YAML[\s\S]*\(line 2, column 1\)/);
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

  it('reports every error at once, one line each with its key path', () => {
    const bad = {
      env: { id: 'CartPole-v1', numEnvs: 0, kwarg: {} },
      agent: { type: 'ppo', lr: 'fast', gamma: 2, entcoef: 0.1 },
      budget: { steps: -1 },
      eval: { episodes: 0 },
      budgett: 5,
    };
    let err: unknown;
    try {
      validateScenario(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioErrors);
    const lines = (err as Error).message.split('\n');
    expect(lines[0]).toBe('8 errors:');
    const paths = ['budgett', 'env.kwarg', 'env.numEnvs', 'agent.lr', 'agent.gamma', 'agent.entcoef', 'budget.steps'];
    for (const p of [...paths, 'eval.episodes']) {
      expect(
        lines.filter((l) => l.startsWith(`  ${p}: `)),
        p,
      ).toHaveLength(1);
    }
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-scn-'));
    const file = join(dir, 'two.yaml');
    writeFileSync(file, 'env: { id: CartPole-v1, numEnvs: -2 }\nagent: { type: ppo, lr: fast }\nbudget: 4096\n');
    expect(() => loadScenario(file)).toThrow(
      `2 errors in ${file}:\n  env.numEnvs: expected a positive integer, got -2\n` +
        '  agent.lr: expected a positive number, got "fast"',
    );
  });

  it('a name is a directory name: no path separators or "..", a clear error naming the key', () => {
    for (const name of ['../../../../tmp/x', 'a/b', 'a\\\\b', '..', '.hidden', 'x..y', '', 'has space', { a: 1 }]) {
      const bad = () => validateScenario({ ...ok, name });
      expect(bad, JSON.stringify(name)).toThrow(/^name: expected a name of letters, digits/);
    }
    expect(validateScenario({ ...ok, name: 'cartpole-ppo_v1.2' }).output.dir).toBe('runs/cartpole-ppo_v1.2');
    // a name taken from the file name is made safe instead
    expect(validateScenario(ok, '../my scenario').name).toBe('my_scenario');
  });

  it('a budget smaller than one rollout is refused, naming the minimum', () => {
    expect(() => validateScenario({ ...ok, budget: { steps: 1000 } })).toThrow(
      'budget.steps: 1000 is less than one rollout (128 steps x 8 envs = 1024 env steps), ' +
        'so nothing would be trained; ' +
        'give at least 1024',
    );
    expect(validateScenario({ ...ok, budget: { steps: 1024 } }).budget.steps).toBe(1024);
    const two = { ...ok, env: { id: 'CartPole-v1', numEnvs: 2 }, agent: { type: 'ppo', numSteps: 64 }, budget: 100 };
    expect(() => validateScenario(two)).toThrow(/give at least 128/);
    const pre = { ...ok, pretrain: { steps: 10, rewards: [{ source: 'rnd' }] } };
    expect(() => validateScenario(pre)).toThrow(/^pretrain\.steps: 10 is less than one rollout/);
  });

  it('a binary file gets a clear error, never its bytes; several YAML errors are all listed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-scn-'));
    const bin = join(dir, 'model.bin');
    // an ELF header, then a terminal escape that would clear the screen if echoed
    const elf = [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe];
    writeFileSync(bin, Buffer.from([...elf, 0x1b, 0x5b, 0x32, 0x4a]));
    let msg = '';
    try {
      loadScenario(bin);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toBe(
      `${bin} is not a text file (a NUL byte at offset 6); a scenario is a YAML file such as ` +
        'scenarios/cartpole-ppo.yaml',
    );
    const latin1 = join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.from('name: caf\xe9\n', 'latin1'));
    expect(() => loadScenario(latin1)).toThrow(/is not a text file \(bytes that are not UTF-8\)/);
    expect(() => loadScenario(dir)).toThrow(/is a directory/);
    const two = join(dir, 'two.yaml');
    writeFileSync(two, 'env: { id: CartPole-v1\nagent: [ppo\nbudget: 100\n');
    expect(() => loadScenario(two)).toThrow(/does not parse as YAML \(\d+ errors\):\n {2}.*line 2.*\n {2}/);
  });
});
