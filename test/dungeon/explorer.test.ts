import { describe, expect, it } from 'vitest';
import { DungeonEnv } from '../../envs/dungeon/env.js';
import { TASKS } from '../../envs/dungeon/tasks.js';
import { Rng } from '../../src/core/rng.js';
import { explore, type Goal } from './explorer.js';

const NAV: Array<[string, Goal, number, number]> = [
  // task, goal, seeds, required successes
  ['Room-5x5', 'stairs', 10, 10],
  ['Room-15x15', 'stairs', 10, 10],
  ['Room-Random-15x15', 'stairs', 10, 10],
  ['Room-Dark-15x15', 'stairs', 10, 10],
  ['Room-Monster-15x15', 'stairs', 10, 6],
  ['Corridor-R3', 'stairs', 10, 10],
  ['Corridor-R5', 'stairs', 10, 10],
  ['KeyRoom-S5', 'stairs', 10, 10],
  ['KeyRoom-S15', 'stairs', 10, 10],
  ['MazeWalk-9x9', 'stairs', 10, 10],
  ['MazeWalk-15x15', 'stairs', 10, 10],
  ['MazeWalk-45x19', 'stairs', 10, 10],
  ['River', 'stairs', 10, 10],
  ['Staircase', 'descend', 10, 8],
  ['StaircaseLvl3', 'descend', 6, 4],
];

function randomAgent(env: DungeonEnv, seed: number, maxSteps: number): boolean {
  env.reset({ seed });
  const rng = new Rng(seed + 1000);
  for (let t = 0; t < maxSteps; t++) {
    const r = env.step(rng.int(0, env.task.actions.length));
    if (r.info.success) return true;
    if (r.terminated) return false;
  }
  return false;
}

describe('scripted BFS explorer solves seeded navigation tasks', () => {
  const table: string[] = [];
  for (const [name, goal, seeds, need] of NAV) {
    it(`${name}: explorer ${need}/${seeds} at least`, () => {
      const task = TASKS.find((t) => t.name === name)!;
      const env = new DungeonEnv(task, { observationKeys: ['blstats'] });
      let ok = 0,
        rnd = 0,
        steps = 0;
      for (let s = 0; s < seeds; s++) {
        const r = explore(env, goal, s, task.maxSteps);
        if (r.success) {
          ok++;
          steps += r.steps;
        }
        if (randomAgent(env, s, task.maxSteps)) rnd++;
      }
      table.push(
        `${name.padEnd(20)} explorer ${ok}/${seeds} (mean ${(steps / Math.max(1, ok)).toFixed(0)} steps)  random ` +
          `${rnd}/${seeds}`,
      );
      expect(ok).toBeGreaterThanOrEqual(need);
    });
  }
  it('report', () => {
    console.log(`success rates within the task's episode limit:\n${table.join('\n')}`);
  });
});
