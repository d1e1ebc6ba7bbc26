import type { ManipTask } from './manip-env.js';

type V3 = [number, number, number];

/** A free object on the table. */
export interface ObjectState {
  pos: V3;
  quat: [number, number, number, number];
  linVel: V3;
  angVel: V3;
  halfExtents: V3;
}
/** An articulated fixture (drawer, door, button, faucet). */
export interface FixtureState {
  name: string;
  position: number;
  velocity: number;
  range: [number, number];
  openFraction: number;
  handlePos: V3;
}

/** Compact state of a table-top task for reward code. */
export interface ManipState {
  gripper: { pos: V3; vel: V3; openness: number; fingerGap: number; grasping: string | null };
  objects: Record<string, ObjectState>;
  fixture: FixtureState | null;
  goal: V3 | null;
  dt: number;
}

/** The .d.ts text of ManipState for a task. */
export function describeManip(task: ManipTask, dt: number): string {
  const objs = task.objects.length ? task.objects.map((o) => `"${o.name}"`).join(' | ') : 'never';
  const sizes = task.objects.map((o) => `${o.name} half extents ${o.halfExtents.join(' x ')} m`).join('; ');
  return `// ${task.id}: ${task.summary}
// Success: ${task.successText}
// Scene: the table top is the plane z = 0 (x right, y away from the gripper's start, z up); units are metres, seconds.
// The gripper is a floating two-finger hand; action = [dx, dy, dz, grip] in [-1, 1], each step moves the hand at most 1 cm per axis; grip -1 opens, +1 closes.
type Vec3 = [number, number, number];
interface ObjectState {
  pos: Vec3;                                // centre position${sizes ? ` (${sizes})` : ''}
  quat: [number, number, number, number];   // orientation (w, x, y, z)
  linVel: Vec3;                             // m/s
  angVel: Vec3;                             // rad/s
  halfExtents: Vec3;                        // half size along x, y, z
}
interface FixtureState {
  name: string;                             // ${task.fixture ? `"${task.fixture.name}": ${task.fixture.what}` : 'unused in this task'}
  position: number;                         // joint position (m for sliding, rad for hinges)
  velocity: number;
  range: [number, number];                  // joint limits
  openFraction: number;                     // (position - range[0]) / (range[1] - range[0]), 0..1
  handlePos: Vec3;                          // where to grasp or push it
}
interface State {
  gripper: {
    pos: Vec3;            // tool centre point between the fingertips
    vel: Vec3;            // m/s
    openness: number;     // 1 fully open, 0 fully closed
    fingerGap: number;    // distance between the finger pads (m), 0.004..0.084
    grasping: ${task.objects.length || task.fixture ? `${[...task.objects.map((o) => `"${o.name}"`), ...(task.fixture ? [`"${task.fixture.name}"`] : [])].join(' | ')} | null` : 'null'}; // what both pads touch
  };
  objects: Record<${objs}, ObjectState>;
  fixture: ${task.fixture ? 'FixtureState' : 'null'};
  goal: ${task.hasGoal ? 'Vec3' : 'null'};           // ${task.hasGoal ? 'target position' : 'no goal position in this task'}
  dt: number;             // seconds per env step (${dt})
}`;
}
