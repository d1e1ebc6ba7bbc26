import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { make } from '../../src/core/registry.js';
import { planBench } from '../../src/bench/matrix.js';
import { loadScenario, validateScenario } from '../../src/train/scenario.js';
import { registerDungeon } from '../../envs/dungeon/register.js';
import { registerExplore } from '../../envs/explore/index.js';
import { type RewardComponentConfig } from '../../rewards/index.js';
import { buildRewardStack } from '../support/registry.js';

registerDungeon();
registerExplore();

describe('scenarios/urlb-maze.yaml', () => {
  it('runs pre-training then fine-tuning by itself, and benches scratch against pre-train + fine-tune', () => {
    const own = loadScenario('scenarios/urlb-maze.yaml');
    expect(own.pretrain?.steps).toBe(50000);
    expect(own.rewards).toEqual([{ source: 'extrinsic' }]);
    const plan = planBench(parse(readFileSync('scenarios/urlb-maze.yaml', 'utf8')), 'urlb-maze');
    expect(plan.stacks).toEqual(['scratch', 'pretrain-count']);
    expect(plan.runs).toHaveLength(6);
    const env = make(own.env.id, own.env.kwargs);
    for (const run of plan.runs) {
      const sc = validateScenario(run.scenario);
      expect(sc.rewards).toEqual([{ source: 'extrinsic' }]);
      expect(sc.pretrain === undefined).toBe(run.rewards === 'scratch');
      for (const list of [sc.rewards, sc.pretrain?.rewards]) {
        if (!list) continue;
        const stack = buildRewardStack(list as RewardComponentConfig[], {
          envId: sc.env.id,
          observationSpace: env.observationSpace as never,
          actionSpace: env.actionSpace as never,
          numEnvs: sc.env.numEnvs,
          seed: run.seed,
        });
        stack.dispose();
      }
    }
    env.close();
  });
});
