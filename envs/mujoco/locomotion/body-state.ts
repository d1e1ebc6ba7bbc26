import type { MjData, MjModel } from '@mujoco/mujoco';
import { forEachContact } from '../contacts.js';
import { namesOf, nameToId } from '../loader.js';
import type { SpatialState } from './spatial-state.js';

/** One actuated or passive joint as seen by reward code. */
export interface JointState {
  /** Angle in radians (hinge) or position in metres (slide). */
  position: number;
  /** Its time derivative. */
  velocity: number;
  /** Joint limits [low, high], or null when unlimited. */
  range: [number, number] | null;
}

/** Joints after the root joints, by name. */
export function jointStates(m: MjModel, d: MjData, skipRoot: number): Record<string, JointState> {
  const names = namesOf(m, 'joint', m.njnt);
  const qadr = m.jnt_qposadr as Int32Array,
    vadr = m.jnt_dofadr as Int32Array,
    rng = m.jnt_range as Float64Array;
  // jnt_limited (mjtByte) has no typed view in the 3.14 bindings; unlimited joints have range (0, 0).
  const qpos = d.qpos as Float64Array,
    qvel = d.qvel as Float64Array;
  const out: Record<string, JointState> = {};
  for (let j = skipRoot; j < m.njnt; j++) {
    out[names[j]!] = {
      position: round(qpos[qadr[j]!]!),
      velocity: round(qvel[vadr[j]!]!),
      range: rng[2 * j]! < rng[2 * j + 1]! ? [round(rng[2 * j]!), round(rng[2 * j + 1]!)] : null,
    };
  }
  return out;
}

/** Which of `geomNames` touch the floor geom right now (contacts read without the leak). */
export function floorContacts(
  m: MjModel,
  d: MjData,
  geomNames: readonly string[],
  floor = 'floor',
): Record<string, boolean> {
  const floorId = nameToId(m, 'geom', floor);
  const ids = geomNames.map((g) => nameToId(m, 'geom', g));
  const out: Record<string, boolean> = {};
  for (const g of geomNames) out[g] = false;
  // MuJoCo lists a contact only while the geoms are within their contact margin: that counts as touching.
  forEachContact(d, (g1, g2) => {
    const other = g1 === floorId ? g2 : g2 === floorId ? g1 : -1;
    const k = ids.indexOf(other);
    if (k >= 0) out[geomNames[k]!] = true;
  });
  return out;
}

/** Mass-weighted centre of mass of all bodies (xipos), as Gymnasium's Humanoid. */
export function massCenter(m: MjModel, d: MjData): [number, number, number] {
  const mass = m.body_mass as Float64Array,
    xipos = d.xipos as Float64Array;
  let tot = 0,
    x = 0,
    y = 0,
    z = 0;
  for (let b = 0; b < m.nbody; b++) {
    const w = mass[b]!;
    tot += w;
    x += w * xipos[3 * b]!;
    y += w * xipos[3 * b + 1]!;
    z += w * xipos[3 * b + 2]!;
  }
  return [x / tot, y / tot, z / tot];
}

/** Rounded copy of a typed array slice, for compact JSON. */
export function vec(a: ArrayLike<number>, start = 0, end = a.length): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(round(a[i]!));
  return out;
}

/** Round to 6 significant decimals (keeps the JSON short, deterministic). */
export function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** World-frame up-ness of a body's z axis (1 = upright, -1 = upside down) from its xmat. */
export function uprightness(d: MjData, body: number): number {
  return (d.xmat as Float64Array)[9 * body + 8]!;
}

/** Body id by name (re-exported for envs). */
export function bodyId(m: MjModel, name: string): number {
  return nameToId(m, 'body', name);
}

/** Roll, pitch, yaw (radians, ZYX) of a unit quaternion w, x, y, z. */
export function quatToEuler(q: ArrayLike<number>, o = 0): [number, number, number] {
  const w = q[o]!,
    x = q[o + 1]!,
    y = q[o + 2]!,
    z = q[o + 3]!;
  const roll = Math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y));
  const pitch = Math.asin(Math.max(-1, Math.min(1, 2 * (w * y - z * x))));
  const yaw = Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
  return [roll, pitch, yaw];
}

/** Pose and velocity of a torso on a free root joint (qpos[0..7], qvel[0..6]), as reward code reads it. */
export function freeTorso(d: MjData, torso: number): SpatialState['torso'] {
  const qpos = d.qpos as Float64Array,
    qvel = d.qvel as Float64Array;
  return {
    pos: vec(qpos, 0, 3) as [number, number, number],
    quat: vec(qpos, 3, 7) as [number, number, number, number],
    euler: quatToEuler(qpos, 3).map(round) as [number, number, number],
    upright: round(uprightness(d, torso)),
    linVel: vec(qvel, 0, 3) as [number, number, number],
    angVel: vec(qvel, 3, 6) as [number, number, number],
  };
}
