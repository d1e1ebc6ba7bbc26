import { button, cube, door, drawer, faucet, goalMarker, manipScene, puck } from '../assets/manip-scene.js';
import type { ManipTask } from './manip-env.js';
import type { ManipState } from './manip-state.js';

type V3 = [number, number, number];
const HALF = 0.02;
const dist = (a: readonly number[], b: readonly number[]): number =>
  Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
const reach = (s: ManipState, target: readonly number[], k = 5): number =>
  1 - Math.tanh(k * dist(s.gripper.pos, target));

/** Meta-World's long-tail tolerance: 1 inside [0, bound], decaying to 0.1 at bound + margin. */
export function tolerance(x: number, bound: number, margin: number): number {
  if (x <= bound) return 1;
  if (margin <= 0) return 0;
  const d = ((x - bound) / margin) * Math.sqrt(1 / 0.1 - 1);
  return 1 / (d * d + 1);
}

const reachTask: ManipTask = {
  id: 'Manip-Reach-v0',
  xml: manipScene('reach', { bodies: `${puck('puck', '0.2 0.4 0.9 1')}\n    ${goalMarker()}` }),
  summary: 'move the gripper to a goal position in the air above the table (the puck is a distractor)',
  successText: '|gripper.pos - goal| <= 0.05 (Meta-World reach)',
  objects: [{ name: 'puck', halfExtents: [0.025, 0.025, 0.02] }],
  hasGoal: true,
  reset(env, rng) {
    env.placeObject(0, [rng.uniform(-0.1, 0.1), rng.uniform(-0.05, 0.1), 0.021]);
    return [rng.uniform(-0.2, 0.2), rng.uniform(-0.1, 0.2), rng.uniform(0.05, 0.3)];
  },
  success: (s) => dist(s.gripper.pos, s.goal!) <= 0.05,
  dense: (s, env) => 10 * tolerance(dist(s.gripper.pos, s.goal!), 0.05, env.initialDistance),
};

const pushTask: ManipTask = {
  id: 'Manip-Push-v0',
  xml: manipScene('push', { bodies: `${puck('puck', '0.2 0.4 0.9 1')}\n    ${goalMarker()}` }),
  summary: 'push the puck along the table to the goal position',
  successText: '|objects.puck.pos - goal| <= 0.05 (Meta-World push)',
  objects: [{ name: 'puck', halfExtents: [0.025, 0.025, 0.02] }],
  hasGoal: true,
  reset(env, rng) {
    const p: V3 = [rng.uniform(-0.1, 0.1), rng.uniform(-0.05, 0.05), 0.021];
    env.placeObject(0, p);
    let g: V3;
    do g = [rng.uniform(-0.15, 0.15), rng.uniform(0.05, 0.2), 0.02];
    while (dist(g, p) < 0.1);
    return g;
  },
  success: (s) => dist(s.objects.puck!.pos, s.goal!) <= 0.05,
  dense(s) {
    if (this.success(s)) return 10;
    const obj = s.objects.puck!.pos;
    return 2 * reach(s, obj, 10) + 6 * (1 - Math.tanh(5 * Math.hypot(obj[0] - s.goal![0], obj[1] - s.goal![1])));
  },
};

const pickPlaceTask: ManipTask = {
  id: 'Manip-PickPlace-v0',
  xml: manipScene('pick-place', { bodies: `${cube('cube', HALF, '0.9 0.3 0.2 1')}\n    ${goalMarker()}` }),
  summary: 'pick up the cube and hold it at the goal position in the air',
  successText: '|objects.cube.pos - goal| <= 0.07 (Meta-World pick-place)',
  objects: [{ name: 'cube', halfExtents: [HALF, HALF, HALF] }],
  hasGoal: true,
  reset(env, rng) {
    const p: V3 = [rng.uniform(-0.1, 0.1), rng.uniform(-0.05, 0.05), HALF + 0.001];
    env.placeObject(0, p);
    return [rng.uniform(-0.1, 0.1), rng.uniform(0.05, 0.2), rng.uniform(0.08, 0.25)];
  },
  success: (s) => dist(s.objects.cube!.pos, s.goal!) <= 0.07,
  dense(s) {
    if (this.success(s)) return 5;
    const obj = s.objects.cube!.pos;
    const grasped = s.gripper.grasping === 'cube';
    return reach(s, obj) + (grasped ? 1 + (1 - Math.tanh(5 * dist(obj, s.goal!))) : 0);
  },
};

const liftTask: ManipTask = {
  id: 'Manip-LiftCube-v0',
  xml: manipScene('lift-cube', { bodies: cube('cube', HALF, '0.9 0.3 0.2 1') }),
  summary: 'grasp the cube and lift it 0.2 m above the table',
  successText: 'objects.cube.pos[2] >= 0.2 + 0.02 (ManiSkill LiftCube: goal height 0.2 plus the half size)',
  objects: [{ name: 'cube', halfExtents: [HALF, HALF, HALF] }],
  hasGoal: false,
  reset(env, rng) {
    env.placeObject(0, [rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1), HALF + 0.001]);
    return null;
  },
  success: (s) => s.objects.cube!.pos[2] >= 0.2 + HALF,
  dense(s) {
    if (this.success(s)) return 2.25;
    const obj = s.objects.cube!.pos;
    const grasped = s.gripper.grasping === 'cube';
    return reach(s, obj) + (grasped ? 0.25 + Math.min((obj[2] - HALF) / 0.2, 1) : 0);
  },
};

const stackTask: ManipTask = {
  id: 'Manip-StackCube-v0',
  xml: manipScene('stack-cube', {
    bodies: `${cube('cubeA', HALF, '0.9 0.2 0.2 1')}\n    ${cube('cubeB', HALF, '0.2 0.8 0.3 1', '0.1 0 0.1')}`,
  }),
  summary: 'pick up the red cube A and place it on top of the green cube B, then let go',
  successText:
    'cubeA on cubeB (xy offset <= 0.0333, height difference 0.04 +- 0.005), cubeA static (|linVel| <= 0.01) and not ' +
    'grasped (ManiSkill StackCube)',
  objects: [
    { name: 'cubeA', halfExtents: [HALF, HALF, HALF] },
    { name: 'cubeB', halfExtents: [HALF, HALF, HALF] },
  ],
  hasGoal: false,
  reset(env, rng) {
    const a: V3 = [rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1), HALF + 0.001];
    let b: V3;
    do b = [rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1), HALF + 0.001];
    while (Math.hypot(a[0] - b[0], a[1] - b[1]) < 0.08);
    env.placeObject(0, a);
    env.placeObject(1, b);
    return null;
  },
  success(s) {
    const a = s.objects.cubeA!,
      b = s.objects.cubeB!;
    const onTop =
      Math.hypot(a.pos[0] - b.pos[0], a.pos[1] - b.pos[1]) <= Math.hypot(HALF, HALF) + 0.005 &&
      Math.abs(a.pos[2] - b.pos[2] - 2 * HALF) <= 0.005;
    return onTop && Math.hypot(...a.linVel) <= 1e-2 && s.gripper.grasping !== 'cubeA';
  },
  dense(s) {
    if (this.success(s)) return 8;
    const a = s.objects.cubeA!.pos,
      b = s.objects.cubeB!.pos;
    const above: V3 = [b[0], b[1], b[2] + 2 * HALF];
    const grasped = s.gripper.grasping === 'cubeA';
    const placed = dist(a, above) <= 0.01;
    if (placed) return 6 + (grasped ? 0 : 1) + (1 - Math.tanh(10 * Math.hypot(...s.objects.cubeA!.linVel)));
    return 2 * reach(s, a) + (grasped ? 2 + 2 * (1 - Math.tanh(5 * dist(a, above))) : 0);
  },
};

/** A fixture task whose progress is the fixture's open fraction (or its complement). */
function fixtureTask(
  id: string,
  name: string,
  parts: string,
  what: string,
  summary: string,
  successText: string,
  start: (rng: { uniform(lo: number, hi: number): number }) => number,
  progress: (s: ManipState) => number,
  ok: (s: ManipState) => boolean,
): ManipTask {
  return {
    id,
    xml: manipScene(name, { bodies: parts }),
    summary,
    successText,
    objects: [],
    fixture: { name, joint: name, what },
    hasGoal: false,
    reset(env, rng) {
      env.setFixture(start(rng));
      return null;
    },
    success: ok,
    dense: (s) => (ok(s) ? 10 : 2 * reach(s, s.fixture!.handlePos, 10) + 6 * progress(s)),
  };
}

/** Every manipulation task, by id. */
export const MANIP_TASKS: ManipTask[] = [
  reachTask,
  pushTask,
  pickPlaceTask,
  liftTask,
  stackTask,
  fixtureTask(
    'Manip-DrawerOpen-v0',
    'drawer',
    drawer(),
    'a drawer sliding toward -y out of a cabinet, 0 (closed) .. 0.15 m (open); its handle bar faces the gripper',
    'pull the drawer open by its handle',
    'drawer opened to within 0.03 m of fully open (fixture.position >= 0.12; Meta-World drawer-open)',
    () => 0,
    (s) => s.fixture!.openFraction,
    (s) => s.fixture!.position >= 0.12,
  ),
  fixtureTask(
    'Manip-DrawerClose-v0',
    'drawer',
    drawer(),
    'a drawer sliding toward -y out of a cabinet, 0 (closed) .. 0.15 m (open); its handle bar faces the gripper',
    'push the open drawer closed',
    'drawer closed to within 0.055 m (fixture.position <= 0.055; Meta-World drawer-close)',
    (rng) => rng.uniform(0.12, 0.15),
    (s) => 1 - s.fixture!.openFraction,
    (s) => s.fixture!.position <= 0.055,
  ),
  fixtureTask(
    'Manip-DoorOpen-v0',
    'door',
    door(),
    'a door on a vertical hinge that swings toward the gripper, 0 (closed) .. 1.2 rad; a horizontal bar handle on ' +
      'its front',
    'pull the door open by its handle',
    'door angle >= 90% of its range (fixture.openFraction >= 0.9, ManiSkill OpenCabinetDoor)',
    () => 0,
    (s) => s.fixture!.openFraction,
    (s) => s.fixture!.openFraction >= 0.9,
  ),
  fixtureTask(
    'Manip-ButtonPress-v0',
    'button',
    button(),
    'a red push button on a box, pressed downward 0 .. 0.02 m, spring-returned',
    'press the button down from above',
    'button pressed >= 90% of its travel (fixture.position >= 0.018)',
    () => 0,
    (s) => s.fixture!.openFraction,
    (s) => s.fixture!.openFraction >= 0.9,
  ),
  fixtureTask(
    'Manip-TurnFaucet-v0',
    'faucet',
    faucet(),
    'a faucet lever turning about the vertical axis, 0 .. pi/2 rad; the lever initially points toward the gripper (-y)',
    'turn the faucet lever',
    'lever angle >= 90% of its range (fixture.openFraction >= 0.9, ManiSkill TurnFaucet target)',
    () => 0,
    (s) => s.fixture!.openFraction,
    (s) => s.fixture!.openFraction >= 0.9,
  ),
];

/** Episode limits: Meta-World tasks 500 steps, ManiSkill tasks 200. */
export const MANIP_LIMITS: Record<string, number> = {
  'Manip-Reach-v0': 500,
  'Manip-Push-v0': 500,
  'Manip-PickPlace-v0': 500,
  'Manip-DrawerOpen-v0': 500,
  'Manip-DrawerClose-v0': 500,
  'Manip-DoorOpen-v0': 500,
  'Manip-ButtonPress-v0': 500,
  'Manip-LiftCube-v0': 200,
  'Manip-StackCube-v0': 200,
  'Manip-TurnFaucet-v0': 200,
};
