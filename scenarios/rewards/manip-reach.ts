// Reward for Manip-Reach-v0, written by hand in the style of an LLM answer to `rxgym reward generate`,
// from the `rxgym reward types Manip-Reach-v0` text alone (no access to the env's source).
// Task: move the gripper to the goal position; success when |gripper.pos - goal| <= 0.05.
//
// Plan: a dense shaping term on the distance (exponential with its own temperature), a progress term
// (distance decrease per step), a small action penalty, and a success bonus.

type Vec3 = [number, number, number];

const DIST_TEMPERATURE = 0.1; // metres: exp(-d / T) is ~0.37 at 10 cm
const DIST_WEIGHT = 1.0;
const PROGRESS_WEIGHT = 10.0; // the hand moves at most ~1.7 cm per step, so this stays below ~0.2
const ACTION_WEIGHT = 0.01;
const SUCCESS_BONUS = 5.0;

function distance(a: Vec3, b: Vec3): number {
  const dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

export function reward(prev: any, action: number[], next: any, info: { success: boolean }) {
  const dPrev = distance(prev.gripper.pos, prev.goal);
  const dNext = distance(next.gripper.pos, next.goal);
  const near = DIST_WEIGHT * Math.exp(-dNext / DIST_TEMPERATURE);
  const progress = PROGRESS_WEIGHT * (dPrev - dNext);
  let effort = 0;
  for (let i = 0; i < 3; i++) effort += action[i]! * action[i]!;
  const action_penalty = -ACTION_WEIGHT * effort;
  const success = info.success || dNext <= 0.05 ? SUCCESS_BONUS : 0;
  return { total: near + progress + action_penalty + success, components: { near, progress, action_penalty, success } };
}
