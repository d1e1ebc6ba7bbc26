import type { Env } from '../../src/core/env.js';
import { envRegistry, type EnvRegistry } from '../../src/core/registry.js';
import { AntEnv } from './locomotion/ant.js';
import { HalfCheetahEnv } from './locomotion/half-cheetah.js';
import { HopperEnv } from './locomotion/hopper.js';
import { HumanoidEnv } from './locomotion/humanoid.js';
import { InvertedPendulumEnv } from './locomotion/inverted-pendulum.js';
import { ReacherEnv } from './locomotion/reacher.js';
import { SwimmerEnv } from './locomotion/swimmer.js';
import { Walker2dEnv } from './locomotion/walker2d.js';
import { ManipEnv } from './manip/manip-env.js';
import {
  AntWalkBackwardEnv,
  HalfCheetahHeadstandEnv,
  HopperBackflipEnv,
  HumanoidArmsUpEnv,
  HumanoidKneelEnv,
} from './behaviour/tasks.js';
import { MANIP_LIMITS, MANIP_TASKS } from './manip/tasks.js';

type Ctor = new (kwargs: Record<string, unknown>) => Env<unknown, unknown>;

/** Locomotion ids: [id, class, maxEpisodeSteps, rewardThreshold]. */
const LOCOMOTION: Array<[string, Ctor, number, number | undefined]> = [
  ['InvertedPendulum-v0', InvertedPendulumEnv as unknown as Ctor, 1000, 950],
  ['Hopper-v0', HopperEnv as unknown as Ctor, 1000, 3800],
  ['HalfCheetah-v0', HalfCheetahEnv as unknown as Ctor, 1000, 4800],
  ['Ant-v0', AntEnv as unknown as Ctor, 1000, 6000],
  ['Walker2d-v0', Walker2dEnv as unknown as Ctor, 1000, undefined],
  ['Swimmer-v0', SwimmerEnv as unknown as Ctor, 1000, 360],
  ['Reacher-v0', ReacherEnv as unknown as Ctor, 50, -3.75],
  ['Humanoid-v0', HumanoidEnv as unknown as Ctor, 1000, undefined],
  // reward-free behaviour tasks (evaluation-only success)
  ['Hopper-Backflip-v0', HopperBackflipEnv as unknown as Ctor, 1000, undefined],
  ['Ant-WalkBackward-v0', AntWalkBackwardEnv as unknown as Ctor, 1000, undefined],
  ['HalfCheetah-Headstand-v0', HalfCheetahHeadstandEnv as unknown as Ctor, 1000, undefined],
  ['Humanoid-Kneel-v0', HumanoidKneelEnv as unknown as Ctor, 1000, undefined],
  ['Humanoid-ArmsUp-v0', HumanoidArmsUpEnv as unknown as Ctor, 1000, undefined],
];

/** Where worker threads find this registrar: they import this module and call it with their env registry. */
const source = { module: import.meta.url, export: 'registerMujoco' };

/** Register the MuJoCo family (locomotion, manipulation, behaviour tasks). */
export function registerMujoco(envs: EnvRegistry = envRegistry): void {
  for (const [id, C, maxEpisodeSteps, rewardThreshold] of LOCOMOTION) {
    envs.register({
      id,
      entryPoint: (kwargs) => new C(kwargs),
      maxEpisodeSteps,
      rewardThreshold,
      family: 'mujoco',
      source,
    });
  }
  for (const task of MANIP_TASKS) {
    envs.register({
      id: task.id,
      entryPoint: (kwargs) => new ManipEnv(task, kwargs) as unknown as Env<unknown, unknown>,
      maxEpisodeSteps: MANIP_LIMITS[task.id],
      family: 'mujoco',
      source,
    });
  }
}

export { mujocoVersion, liveDataCount } from './loader.js';
