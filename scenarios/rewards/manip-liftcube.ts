// Reward for Manip-LiftCube-v0, written by hand in the style of an LLM answer to `rxgym reward generate`,
// from the `rxgym reward types Manip-LiftCube-v0` text alone (no access to the env's source).
// Task: grasp the cube and lift it; success when objects.cube.pos[2] >= 0.22.
//
// Plan (Text2Reward-style stages, each later stage worth more than the earlier ones):
//   1. reach: bring the gripper's tool centre point to the cube (exponential in the distance), fingers open;
//   2. grasp: close the fingers when the pads are around the cube; a bonus while both pads touch it;
//   3. lift: while grasping, pay for the cube's height towards the 0.22 m goal;
//   4. success bonus.

type Vec3 = [number, number, number];

const GOAL_HEIGHT = 0.22;
const REACH_TEMPERATURE = 0.05; // metres
const REACH_WEIGHT = 1.0;
const OPEN_WHILE_FAR_WEIGHT = 0.1;
const GRASP_BONUS = 1.0;
const LIFT_WEIGHT = 5.0;
const SUCCESS_BONUS = 5.0;
const ACTION_WEIGHT = 0.005;

function distance(a: Vec3, b: Vec3): number {
  const dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

export function reward(prev: any, action: number[], next: any, info: { success: boolean }) {
  const cube = next.objects.cube;
  const d = distance(next.gripper.pos, cube.pos);
  const reach = REACH_WEIGHT * Math.exp(-d / REACH_TEMPERATURE);
  // keep the fingers open while approaching, so they can close around the cube
  const open_while_far = d > 0.03 ? OPEN_WHILE_FAR_WEIGHT * next.gripper.openness : 0;
  const grasping = next.gripper.grasping === 'cube';
  const grasp = grasping ? GRASP_BONUS : 0;
  // table top is z = 0 and the cube's half height is 0.02: height above its resting position
  const height = Math.max(0, cube.pos[2] - cube.halfExtents[2]);
  const lift = grasping ? LIFT_WEIGHT * Math.min(height, GOAL_HEIGHT - cube.halfExtents[2]) / (GOAL_HEIGHT - cube.halfExtents[2]) : 0;
  let effort = 0;
  for (let i = 0; i < 3; i++) effort += action[i]! * action[i]!;
  const action_penalty = -ACTION_WEIGHT * effort;
  const success = info.success || cube.pos[2] >= GOAL_HEIGHT ? SUCCESS_BONUS : 0;
  return {
    total: reach + open_while_far + grasp + lift + action_penalty + success,
    components: { reach, open_while_far, grasp, lift, action_penalty, success },
  };
}
