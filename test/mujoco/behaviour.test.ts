import { describe, expect, it } from 'vitest';
import type { BehaviourTask } from '../../envs/mujoco/behaviour/tasks.js';
import { registerMujoco } from '../../envs/mujoco/index.js';
import { isDescribed } from '../../src/core/env.js';
import { make } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import type { Box } from '../../src/core/spaces.js';
import { unwrap } from '../../src/core/wrapper.js';

registerMujoco();
const IDS = [
  'Hopper-Backflip-v0',
  'Ant-WalkBackward-v0',
  'HalfCheetah-Headstand-v0',
  'Humanoid-Kneel-v0',
  'Humanoid-ArmsUp-v0',
];

describe.each(IDS)('%s', (id) => {
  it('gives no reward, reports an evaluation-only success, and describes the task and state', () => {
    const env = make(id);
    env.reset({ seed: 0 });
    const inner = unwrap(env) as unknown as BehaviourTask;
    expect(inner.describeTask()).toContain(id);
    expect(inner.describeTask()).toMatch(/Success:/);
    expect(isDescribed(inner)).toBe(true);
    const rng = new Rng(2);
    for (let i = 0; i < 20; i++) {
      const r = env.step((env.actionSpace as Box).sample(rng));
      expect(r.reward).toBe(0);
      expect(typeof r.info.success).toBe('boolean');
      expect(typeof r.info.task_reward).toBe('number');
      if (r.terminated) break;
    }
    env.close();
  });
});

describe('behaviour success measures', () => {
  it('Ant-WalkBackward succeeds once the torso is 1 m behind its start', () => {
    const env = make('Ant-WalkBackward-v0');
    env.reset({ seed: 0 });
    const inner = unwrap(env) as unknown as BehaviourTask & { data: { qpos: Float64Array } };
    expect(inner.evaluate()).toBe(false);
    inner.data.qpos[0] = -1.2;
    expect(inner.evaluate()).toBe(true);
    env.close();
  });

  it('Hopper-Backflip needs a full backward turn and a landing', () => {
    const env = make('Hopper-Backflip-v0');
    env.reset({ seed: 0 });
    const inner = unwrap(env) as unknown as BehaviourTask & { data: { qpos: Float64Array } };
    expect(inner.evaluate()).toBe(false);
    inner.data.qpos[2] = 2 * Math.PI; // rotated a full turn, torso still high
    expect(inner.evaluate()).toBe(true);
    inner.data.qpos[1] = 0.3; // now lying on the floor
    expect(inner.evaluate()).toBe(false);
    env.close();
  });
});
