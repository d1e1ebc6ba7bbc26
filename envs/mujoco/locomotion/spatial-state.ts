import type { JointState } from './body-state.js';

/** State of a 3-D locomotor (Ant, Humanoid) for reward code. */
export interface SpatialState {
  torso: {
    /** World position (m): x forward, y left, z up. */
    pos: [number, number, number];
    /** Orientation quaternion (w, x, y, z). */
    quat: [number, number, number, number];
    /** Roll, pitch, yaw (rad). */
    euler: [number, number, number];
    /** z component of the torso's up axis: 1 upright, 0 on its side, -1 upside down. */
    upright: number;
    /** Linear velocity (m/s, world frame). */
    linVel: [number, number, number];
    /** Angular velocity (rad/s, local frame, as qvel[3:6]). */
    angVel: [number, number, number];
  };
  /** Centre of mass of the whole body (m). */
  com: [number, number, number];
  /** Non-root joints by name. */
  joints: Record<string, JointState>;
  /** Feet (or hands/legs) touching the floor. */
  footContacts: Record<string, boolean>;
  /** Extra named points (e.g. hands, head) in world coordinates. */
  points: Record<string, [number, number, number]>;
  action: number[];
  dt: number;
}

/** The shared .d.ts text of SpatialState. */
export function describeSpatial(
  id: string,
  summary: string,
  joints: string[],
  feet: readonly string[],
  points: readonly string[],
  healthy: string,
  dt: number,
): string {
  const u = (xs: readonly string[]): string => (xs.length ? xs.map((x) => `"${x}"`).join(' | ') : 'never');
  return `// ${id}: ${summary}
// Units: metres, radians, seconds. World axes: x forward (reward direction), y left, z up.
interface JointState {
  position: number;               // joint angle (rad)
  velocity: number;               // rad/s
  range: [number, number] | null; // limits (rad)
}
type Vec3 = [number, number, number];
interface State {
  torso: {
    pos: Vec3;                              // torso position; z is its height (${healthy})
    quat: [number, number, number, number]; // orientation (w, x, y, z)
    euler: Vec3;                            // roll, pitch, yaw (rad)
    upright: number;                        // 1 upright, 0 on its side, -1 upside down
    linVel: Vec3;                           // m/s, world frame; linVel[0] is forward speed
    angVel: Vec3;                           // rad/s
  };
  com: Vec3;                                // centre of mass of the whole body
  joints: Record<${u(joints)}, JointState>;
  footContacts: Record<${u(feet)}, boolean>; // true when touching the floor
  points: Record<${u(points)}, Vec3>;       // named body points in world coordinates
  action: number[];                         // last action, one entry per actuator
  dt: number;                               // seconds per env step (${dt})
}`;
}
