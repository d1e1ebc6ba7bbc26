import type { Info } from '../../../src/core/env.js';
import { AntEnv } from '../locomotion/ant.js';
import { HalfCheetahEnv } from '../locomotion/half-cheetah.js';
import { HopperEnv } from '../locomotion/hopper.js';
import { HumanoidEnv } from '../locomotion/humanoid.js';
import type { StepOutcome } from '../mujoco-env.js';

/** A reward-free behaviour task: reward is always 0; `info.success` and `evaluate()` are for evaluation only. */
export interface BehaviourTask {
  /** What the agent should do, in words (for code and VLM reward generation). */
  describeTask(): string;
  /** Evaluation-only success of the current step (also reported as `info.success`). */
  evaluate(): boolean;
}

const NOTE =
  'The env gives no reward (always 0): the reward comes from a generated (code or VLM) reward. info.success is an ' +
  'evaluation-only measure.';

/** Hopper-Backflip-v0: the hopper should do a backward somersault and land. Unhealthy states do not end the episode. */
export class HopperBackflipEnv extends HopperEnv implements BehaviourTask {
  private flipped = false;
  constructor(kwargs: Record<string, unknown> = {}) {
    super({ terminateWhenUnhealthy: false, ...kwargs }, 'Hopper-Backflip-v0');
  }
  describeTask(): string {
    return (
      `Hopper-Backflip-v0: make the one-legged hopper perform a backflip — jump, rotate backwards a full turn ` +
      `(torso.pitch increases by 2*pi; pitch > 0 is leaning backwards) and land on its foot with the torso high ` +
      `again. ${NOTE} Success: pitch has reached 2*pi - 0.3 rad at some step, and now the torso is above 0.7 m with ` +
      `|pitch - 2*pi| < 0.5.`
    );
  }
  evaluate(): boolean {
    const q = this.qpos;
    if (q[2]! >= 2 * Math.PI - 0.3) this.flipped = true;
    return this.flipped && q[1]! > 0.7 && Math.abs(q[2]! - 2 * Math.PI) < 0.5;
  }
  protected override afterReset(): void {
    this.flipped = false;
  }
  protected override afterStep(action: Float64Array): StepOutcome {
    return rewardFree(super.afterStep(action), this.evaluate());
  }
}

/** Ant-WalkBackward-v0: the ant should walk in the -x direction. */
export class AntWalkBackwardEnv extends AntEnv implements BehaviourTask {
  constructor(kwargs: Record<string, unknown> = {}) {
    super(kwargs, 'Ant-WalkBackward-v0');
  }
  describeTask(): string {
    return (
      `Ant-WalkBackward-v0: make the ant walk backwards, i.e. move its torso in the -x direction ` +
      `(torso.linVel[0] < 0) while staying upright (torso.upright near 1, torso z in [0.2, 1.0]; leaving that range ` +
      `ends the episode). ${NOTE} Success: the torso is at least 1 m behind its start (torso.pos[0] <= -1).`
    );
  }
  evaluate(): boolean {
    return this.qpos[0]! <= this.initQpos[0]! - 1;
  }
  protected override afterStep(action: Float64Array): StepOutcome {
    return rewardFree(super.afterStep(action), this.evaluate());
  }
}

/** HalfCheetah-Headstand-v0: the cheetah should balance nose-down on its front leg and head. */
export class HalfCheetahHeadstandEnv extends HalfCheetahEnv implements BehaviourTask {
  private held = 0;
  constructor(kwargs: Record<string, unknown> = {}) {
    super(kwargs, 'HalfCheetah-Headstand-v0');
  }
  describeTask(): string {
    return (
      `HalfCheetah-Headstand-v0: make the half cheetah do a headstand — tip forward onto its front leg/head so ` +
      `that the torso points nose-down close to vertical (torso.pitch between 1.2 and 1.9 rad; pitch > 0 is nose ` +
      `down) with the torso centre above 0.45 m, and hold it. ${NOTE} Success: that pose held for 20 consecutive ` +
      `steps (1 s).`
    );
  }
  evaluate(): boolean {
    const q = this.qpos;
    const z = 0.7 + q[1]!; // rootz is relative to the 0.7 m start height
    this.held = q[2]! >= 1.2 && q[2]! <= 1.9 && z > 0.45 ? this.held + 1 : 0;
    return this.held >= 20;
  }
  protected override afterReset(): void {
    this.held = 0;
  }
  protected override afterStep(action: Float64Array): StepOutcome {
    return rewardFree(super.afterStep(action), this.evaluate());
  }
}

/**
 * Humanoid-Kneel-v0: the humanoid should kneel on both knees with an upright torso. Falling does not end the episode.
 */
export class HumanoidKneelEnv extends HumanoidEnv implements BehaviourTask {
  constructor(kwargs: Record<string, unknown> = {}) {
    super({ terminateWhenUnhealthy: false, ...kwargs }, 'Humanoid-Kneel-v0');
  }
  describeTask(): string {
    return (
      `Humanoid-Kneel-v0: make the humanoid kneel — both shins resting on the floor (footContacts.right_shin1 ` +
      `and footContacts.left_shin1 true) with the torso upright (torso.upright > 0.8) and the head above 0.9 m ` +
      `(points.head[2]). Falling does not end the episode. ${NOTE} Success: all of these at the same step.`
    );
  }
  evaluate(): boolean {
    const s = this.state();
    return (
      s.footContacts.right_shin1 === true &&
      s.footContacts.left_shin1 === true &&
      s.torso.upright > 0.8 &&
      s.points.head![2] > 0.9
    );
  }
  protected override afterStep(action: Float64Array): StepOutcome {
    return rewardFree(super.afterStep(action), this.evaluate());
  }
}

/** Humanoid-ArmsUp-v0: the humanoid should stand and raise both hands above its head. */
export class HumanoidArmsUpEnv extends HumanoidEnv implements BehaviourTask {
  constructor(kwargs: Record<string, unknown> = {}) {
    super(kwargs, 'Humanoid-ArmsUp-v0');
  }
  describeTask(): string {
    return (
      `Humanoid-ArmsUp-v0: make the humanoid stand and raise both arms above its head (points.right_hand[2] and ` +
      `points.left_hand[2] above points.head[2]) without falling (torso z in (1, 2); leaving it ends the episode). ` +
      `${NOTE} Success: both hands at least 0.1 m above the head while the torso is above 1.0 m.`
    );
  }
  evaluate(): boolean {
    const s = this.state();
    const head = s.points.head![2];
    return s.points.right_hand![2] >= head + 0.1 && s.points.left_hand![2] >= head + 0.1 && s.torso.pos[2] > 1.0;
  }
  protected override afterStep(action: Float64Array): StepOutcome {
    return rewardFree(super.afterStep(action), this.evaluate());
  }
}

function rewardFree(out: StepOutcome, success: boolean): StepOutcome {
  const info: Info = { ...out.info, task_reward: out.reward, success };
  return { reward: 0, terminated: out.terminated, info };
}
