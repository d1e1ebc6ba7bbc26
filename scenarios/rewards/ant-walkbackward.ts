// Reward for Ant-WalkBackward-v0 (an env with no reward of its own), written by hand in the style of an LLM answer
// to `rxgym reward generate`, from the `rxgym reward types Ant-WalkBackward-v0` text alone.
// Task: move the torso in the -x direction while staying upright; success when the torso is 1 m behind its start.
//
// Plan: the locomotion recipe with the sign flipped — backward speed, a bonus for staying healthy and upright,
// small penalties for sideways drift and for effort.

const BACKWARD_WEIGHT = 1.0;
const HEALTHY_BONUS = 0.5;
const UPRIGHT_WEIGHT = 0.2;
const SIDEWAYS_WEIGHT = 0.1;
const CONTROL_WEIGHT = 0.05;

export function reward(prev: any, action: number[], next: any, info: { success: boolean }) {
  const vx = next.torso.linVel[0];
  const vy = next.torso.linVel[1];
  const z = next.torso.pos[2];
  const healthy = z >= 0.2 && z <= 1.0;
  let effort = 0;
  for (let i = 0; i < action.length; i++) effort += action[i]! * action[i]!;
  const components = {
    backward: BACKWARD_WEIGHT * Math.max(-2, Math.min(2, -vx)),
    healthy: healthy ? HEALTHY_BONUS : 0,
    upright: UPRIGHT_WEIGHT * next.torso.upright,
    sideways: -SIDEWAYS_WEIGHT * Math.abs(vy),
    control: -CONTROL_WEIGHT * effort,
  };
  const total = components.backward + components.healthy + components.upright + components.sideways + components.control;
  return { total, components };
}
