// Reward for Hopper-Backflip-v0 (an env with no reward of its own), written by hand in the style of an LLM answer
// to `rxgym reward generate`, from the `rxgym reward types Hopper-Backflip-v0` text alone.
// Task: jump, rotate backwards a full turn (pitch += 2*pi) and land on the foot with the torso high again.
//
// Plan (stages):
//   1. on the ground, before the flip: jump (upward velocity, height) and start rotating backwards (pitch rate > 0);
//   2. in the air / mid-flip: reward backward rotation progress (pitch increase), capped at a full turn;
//   3. after a full turn: reward landing upright (torso high, pitch near 2*pi, foot on the floor); big bonus on success.

const TWO_PI = 2 * Math.PI;
const JUMP_WEIGHT = 1.0;
const SPIN_WEIGHT = 0.5;
const ROTATION_WEIGHT = 5.0;
const LAND_HEIGHT_WEIGHT = 2.0;
const LAND_UPRIGHT_TEMPERATURE = 0.5; // rad: exp(-|pitch - 2*pi| / T)
const LAND_UPRIGHT_WEIGHT = 2.0;
const SUCCESS_BONUS = 20.0;
const CONTROL_WEIGHT = 0.001;

export function reward(prev: any, action: number[], next: any, info: { success: boolean }) {
  const components = { jump: 0, spin: 0, rotation: 0, land_height: 0, land_upright: 0, success: 0, control: 0 };
  const pitch = next.torso.pitch;
  if (pitch < 0.5 * Math.PI) {
    // stage 1: take off and start turning backwards
    components.jump = JUMP_WEIGHT * Math.max(0, next.torso.vz) + JUMP_WEIGHT * Math.max(0, next.torso.z - 1.25);
    components.spin = SPIN_WEIGHT * Math.max(0, next.torso.pitchRate);
  }
  if (pitch < TWO_PI - 0.3) {
    // stage 2: progress of the backward rotation (no credit for rotating back)
    components.rotation = ROTATION_WEIGHT * (Math.min(pitch, TWO_PI) - Math.min(prev.torso.pitch, TWO_PI));
  } else {
    // stage 3: land upright
    components.land_height = LAND_HEIGHT_WEIGHT * Math.min(1, next.torso.z / 1.25);
    components.land_upright = LAND_UPRIGHT_WEIGHT * Math.exp(-Math.abs(pitch - TWO_PI) / LAND_UPRIGHT_TEMPERATURE) * (next.footContacts.foot_geom ? 1 : 0.5);
  }
  if (info.success) components.success = SUCCESS_BONUS;
  let effort = 0;
  for (const a of action) effort += a * a;
  components.control = -CONTROL_WEIGHT * effort;
  let total = 0;
  for (const k in components) total += (components as Record<string, number>)[k]!;
  return { total, components };
}
