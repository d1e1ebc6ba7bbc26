import { describe, expect, it } from 'vitest';
import { registerMujoco } from '../../envs/mujoco/index.js';
import { ManipEnv } from '../../envs/mujoco/manip/manip-env.js';
import { MANIP_TASKS } from '../../envs/mujoco/manip/tasks.js';
import { make } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import type { Box } from '../../src/core/spaces.js';
import { EXPERTS, runExpert } from './scripts/manip-experts.js';

registerMujoco();
const IDS = MANIP_TASKS.map((t) => t.id);

describe.each(IDS)('%s', (id) => {
  it('has the Meta-World 39-d observation, a 4-d action, and reports info.success every step', () => {
    const env = make(id);
    expect(env.observationSpace.shape).toEqual([39]);
    expect(env.actionSpace.shape).toEqual([4]);
    const { obs, info } = env.reset({ seed: 0 });
    expect(env.observationSpace.contains(obs)).toBe(true);
    expect(typeof info.success).toBe('boolean');
    const rng = new Rng(1);
    for (let i = 0; i < 10; i++) {
      const r = env.step((env.actionSpace as Box).sample(rng));
      expect(typeof r.info.success).toBe('boolean');
      expect(r.reward).toBe(r.info.success ? 1 : 0); // sparse by default
      expect(r.terminated).toBe(false);
    }
    env.close();
  });

  it('is deterministic by seed', () => {
    const run = (seed: number): number[] => {
      const env = make(id);
      const out: number[] = [...(env.reset({ seed }).obs as Float32Array)];
      const rng = new Rng(5);
      for (let i = 0; i < 15; i++) out.push(...(env.step((env.actionSpace as Box).sample(rng)).obs as Float32Array));
      env.close();
      return out;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it('is solved by a scripted expert, and the dense reward rises along the way', () => {
    const task = MANIP_TASKS.find((t) => t.id === id)!;
    const env = new ManipEnv(task, { dense: true });
    env.reset({ seed: 0 });
    const mem = { phase: 0, t: 0 };
    const first = task.dense(env.state(), env);
    let last = first,
      success = false;
    for (let i = 0; i < 300 && !success; i++) {
      const r = env.step(EXPERTS[id]!(env.state(), mem));
      last = r.reward;
      success = r.info.success === true;
    }
    expect(success).toBe(true);
    expect(last).toBeGreaterThan(first);
    const s = env.state();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(env.describeState()).toContain('interface State');
    env.close();
  });
});

describe('manipulation details', () => {
  it('moves the hand at most 1 cm per step and axis', () => {
    const env = new ManipEnv(MANIP_TASKS[0]!);
    env.reset({ seed: 0 });
    for (let i = 0; i < 10; i++) env.step(Float32Array.of(1, 1, -1, -1));
    const before = env.tcp();
    env.step(Float32Array.of(1, -1, 1, -1));
    const after = env.tcp();
    for (let i = 0; i < 3; i++) expect(Math.abs(after[i]! - before[i]!)).toBeLessThanOrEqual(0.0125);
    env.close();
  });

  it('detects a grasp of the cube and releases it when the fingers open', () => {
    const task = MANIP_TASKS.find((t) => t.id === 'Manip-LiftCube-v0')!;
    const env = new ManipEnv(task);
    env.reset({ seed: 1 });
    const mem = { phase: 0, t: 0 };
    let grasped = false;
    for (let i = 0; i < 80 && !grasped; i++)
      grasped = env.step(EXPERTS['Manip-LiftCube-v0']!(env.state(), mem)).info.grasped === 'cube';
    expect(grasped).toBe(true);
    for (let i = 0; i < 20; i++) env.step(Float32Array.of(0, 0, 0, -1));
    expect(env.state().gripper.grasping).toBe(null);
    env.close();
  });

  it('a second expert seed also succeeds on the pick-and-place and lift tasks', () => {
    expect(runExpert('Manip-PickPlace-v0', 2).success).toBe(true);
    expect(runExpert('Manip-LiftCube-v0', 2).success).toBe(true);
  });
});
