import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRun } from '../../src/train/run.js';
import { validateScenario } from '../../src/train/scenario.js';
import { setupTraining, testRegistry, tmpDir } from '../support/train-setup.js';
import { CLI, ROOT } from '../viz/tmux.js';

setupTraining();
const dir = tmpDir('vlm-policy');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rxgym = (...args: string[]) =>
  spawnSync('bash', ['-c', `${CLI} ${args.map((a) => `'${a}'`).join(' ')}`], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 200_000,
  });

describe('rxgym vlm score --policy <run dir>', () => {
  it('plays the latest checkpoint of a finished run; clear errors for no checkpoint and another env', async () => {
    const runDir = join(dir, 'run');
    const scenario = validateScenario(
      {
        name: 'vlm-policy',
        env: { id: 'Explore-Arena-v0', numEnvs: 2 },
        agent: { type: 'ppo', numSteps: 32, numMinibatches: 2, updateEpochs: 1 },
        rewards: [{ source: 'extrinsic' }],
        budget: { steps: 128 },
        seed: 2,
        eval: { every: 0, episodes: 1 },
        checkpoint: { every: 0 },
      },
      testRegistry,
    );
    expect((await startRun(scenario, { runDir, quiet: true, registry: testRegistry }).done).reason).toBe('budget');

    const goal = 'the dot is in the top left';
    const ok = rxgym(
      'vlm',
      'score',
      '--env',
      'Explore-Arena-v0',
      '--goal',
      goal,
      '--policy',
      runDir,
      '--episodes',
      '2',
      '--max-steps',
      '12',
      '--json',
    );
    expect(ok.stderr).not.toMatch(/Error|at /);
    expect(ok.status).toBe(0);
    const lines = ok.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBe(25);
    expect(lines.slice(0, 24).every((l) => typeof l.reward === 'number')).toBe(true);
    const summary = lines[24]!;
    expect(summary.frames).toBe(24);
    expect(summary.policy).toBe(`${runDir} (ppo @128)`);

    // a run directory without a checkpoint
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    copyFileSync(join(runDir, 'run.json'), join(empty, 'run.json'));
    const none = rxgym('vlm', 'score', '--env', 'Explore-Arena-v0', '--goal', goal, '--policy', empty);
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/--policy: run ".*empty" has no checkpoint yet; train longer or give another run/);
    // the run's env is not --env
    const other = rxgym('vlm', 'score', '--env', 'Dungeon-Room-5x5-v0', '--goal', goal, '--policy', runDir);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/is for Explore-Arena-v0, not Dungeon-Room-5x5-v0; pass --env Explore-Arena-v0/);
    // neither a policy name nor a directory
    const bad = rxgym('vlm', 'score', '--env', 'Explore-Arena-v0', '--goal', goal, '--policy', 'trained');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--policy "trained" is neither random, expert or mixed nor a run directory/);
    for (const r of [none, other, bad]) expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 300_000);
});
