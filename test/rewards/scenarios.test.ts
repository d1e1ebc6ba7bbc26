import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { make } from '../../src/core/registry.js';
import { planBench } from '../../src/bench/matrix.js';
import { validateScenario } from '../../src/train/scenario.js';
import { registerDungeon } from '../../envs/dungeon/register.js';
import { registerExplore } from '../../envs/explore/index.js';
import { type RewardComponentConfig } from '../../rewards/index.js';
import { buildRewardStack } from '../support/registry.js';

registerDungeon();
registerExplore();

describe('intrinsic-reward scenarios', () => {
  for (const file of ['sparse-dungeon', 'explore-maze', 'explore-arena']) {
    it(`${file}.yaml: every run validates and builds its reward stack`, () => {
      const plan = planBench(parse(readFileSync(`scenarios/${file}.yaml`, 'utf8')), file);
      expect(plan.runs.length).toBe(plan.envs.length * plan.stacks.length * plan.seeds.length);
      const spaces = new Map<string, { o: unknown; a: unknown }>();
      for (const run of plan.runs) {
        const sc = validateScenario(run.scenario);
        if (!spaces.has(sc.env.id)) {
          const env = make(sc.env.id, sc.env.kwargs);
          spaces.set(sc.env.id, { o: env.observationSpace, a: env.actionSpace });
          env.close();
        }
        const sp = spaces.get(sc.env.id)!;
        const stack = buildRewardStack(sc.rewards as RewardComponentConfig[] | undefined, {
          envId: sc.env.id,
          observationSpace: sp.o as never,
          actionSpace: sp.a as never,
          numEnvs: sc.env.numEnvs,
          seed: run.seed,
        });
        stack.dispose();
      }
    });
  }
});
