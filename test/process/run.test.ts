import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRun } from '../../src/train/run.js';
import { validateScenario } from '../../src/train/scenario.js';
import { setupTraining, testRegistry, tmpDir } from '../support/train-setup.js';

setupTraining();

const scenario = (agent: Record<string, unknown>, rewards: Record<string, unknown>[]) =>
  validateScenario(
    {
      name: 'process',
      env: { id: 'Reason-Arith-v0', numEnvs: 4, kwargs: { difficulty: 1, repeat: 2 } },
      agent: { numSteps: 32, ...agent },
      rewards,
      budget: { steps: 512 },
      seed: 1,
      eval: { every: 0, episodes: 4, deterministic: false },
      checkpoint: { every: 0 },
    },
    testRegistry,
  );

describe('process rewards in a run', () => {
  it('a constraint travels as multiplier events, metrics.csv columns and the summary', async () => {
    const dir = join(tmpDir('constrained'), 'run');
    const rewards = [
      { source: 'extrinsic' },
      {
        source: 'prm',
        model: 'oracle',
        name: 'steps',
        transform: 'delta',
        constraint: { threshold: 0.5, kind: 'equal' },
      },
    ];
    const run = startRun(scenario({ type: 'ppo' }, rewards), { runDir: dir, quiet: true, registry: testRegistry });
    const events: string[] = [];
    run.events$.subscribe((e) => events.push(e.type));
    const sum = await run.done;
    expect(events.filter((t) => t === 'multipliers')).toHaveLength(4); // one per batch of 4 x 32 steps
    expect(sum.multipliers?.steps).toMatchObject({ kind: 'equal', threshold: 0.5 });
    const header = readFileSync(join(dir, 'metrics.csv'), 'utf8').split('\n')[0]!;
    expect(header).toContain('multiplier.steps');
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).multipliers.steps.value).toBeTypeOf('number');
    expect(existsSync(join(dir, 'checkpoints'))).toBe(true);
  }, 60_000);

  it('refuses a constraint or a filter for an agent that cannot use them, before writing anything', () => {
    const cons = [{ source: 'extrinsic' }, { source: 'prm', model: 'oracle', constraint: { threshold: 1 } }];
    const dir = join(tmpDir('refused'), 'run');
    expect(() =>
      startRun(scenario({ type: 'raft' }, cons), { runDir: dir, quiet: true, registry: testRegistry }),
    ).toThrow(
      'rewards: prm is a constraint, which agent raft cannot mix into its advantages; use agent.type ppo ' +
        'or make it a weighted component',
    );
    const filtered = [{ source: 'orm', filter: { keep: 1 } }];
    expect(() =>
      startRun(scenario({ type: 'raft' }, filtered), { runDir: dir, quiet: true, registry: testRegistry }),
    ).toThrow(/^rewards: a component filters the batch's episodes \(filter:\), which agent raft cannot learn from/);
    expect(existsSync(dir)).toBe(false);
  });

  it('RAFT trains through the run pipeline', async () => {
    const dir = join(tmpDir('raft'), 'run');
    const sum = await startRun(scenario({ type: 'raft', minReturn: 1 }, [{ source: 'extrinsic' }]), {
      runDir: dir,
      quiet: true,
      registry: testRegistry,
    }).done;
    expect(sum.steps).toBe(512);
    expect(sum.agent).toBe('raft');
  }, 60_000);
});
