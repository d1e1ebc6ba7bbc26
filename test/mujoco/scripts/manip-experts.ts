import { ManipEnv } from '../../../envs/mujoco/manip/manip-env.js';
import { MANIP_TASKS } from '../../../envs/mujoco/manip/tasks.js';
import type { ManipState } from '../../../envs/mujoco/manip/manip-state.js';

type V3 = [number, number, number];
/** A proportional move toward `t` (each axis clipped to [-1, 1]) with grip `g`. */
export function toward(p: readonly number[], t: readonly number[], g: number): Float32Array {
  const a = new Float32Array(4);
  for (let i = 0; i < 3; i++) a[i] = Math.max(-1, Math.min(1, (t[i]! - p[i]!) / 0.01));
  a[3] = g;
  return a;
}
const near = (p: readonly number[], t: readonly number[], e = 0.01): boolean =>
  Math.hypot(p[0]! - t[0]!, p[1]! - t[1]!, p[2]! - t[2]!) < e;

/** Scripted experts: a policy from state and phase memory. */
export const EXPERTS: Record<string, (s: ManipState, mem: { phase: number; t: number }) => Float32Array> = {
  'Manip-Reach-v0': (s) => toward(s.gripper.pos, s.goal!, -1),
  'Manip-Push-v0': (s, m) => {
    const o = s.objects.puck!.pos,
      g = s.goal!;
    const d = [g[0] - o[0], g[1] - o[1]];
    const l = Math.hypot(d[0]!, d[1]!) || 1;
    const behind: V3 = [o[0] - (0.05 * d[0]!) / l, o[1] - (0.05 * d[1]!) / l, 0.025];
    if (m.phase === 0) {
      const above: V3 = [behind[0], behind[1], 0.08];
      if (near(s.gripper.pos, above, 0.01)) m.phase = 1;
      return toward(s.gripper.pos, above, 1);
    }
    if (m.phase === 1) {
      if (near(s.gripper.pos, behind, 0.01)) m.phase = 2;
      return toward(s.gripper.pos, behind, 1);
    }
    return toward(s.gripper.pos, [g[0] - (0.03 * d[0]!) / l, g[1] - (0.03 * d[1]!) / l, 0.025], 1);
  },
  'Manip-PickPlace-v0': (s, m) => pick(s, m, 'cube', s.goal!),
  'Manip-LiftCube-v0': (s, m) => {
    const o = s.objects.cube!.pos;
    return pick(s, m, 'cube', [o[0], o[1], 0.3]);
  },
  'Manip-StackCube-v0': (s, m) => {
    const b = s.objects.cubeB!.pos;
    if (m.phase >= 4 && near(s.objects.cubeA!.pos, [b[0], b[1], b[2] + 0.045], 0.008)) {
      m.phase = 9;
    }
    if (m.phase === 9) return toward(s.gripper.pos, [s.gripper.pos[0], s.gripper.pos[1], s.gripper.pos[2] + 0.01], -1);
    return pick(s, m, 'cubeA', [b[0], b[1], b[2] + 0.045]);
  },
  'Manip-DrawerOpen-v0': (s, m) => handle(s, m, [0, -0.2, 0]),
  'Manip-DrawerClose-v0': (s, m) => {
    const h = s.fixture!.handlePos;
    if (m.phase === 0) {
      const t: V3 = [h[0], h[1] - 0.03, h[2] + 0.06];
      if (near(s.gripper.pos, t)) m.phase = 1;
      return toward(s.gripper.pos, t, 1);
    }
    if (m.phase === 1) {
      const t: V3 = [h[0], h[1] - 0.03, h[2]];
      if (near(s.gripper.pos, t)) m.phase = 2;
      return toward(s.gripper.pos, t, 1);
    }
    return toward(s.gripper.pos, [h[0], h[1] + 0.1, h[2]], 1);
  },
  'Manip-DoorOpen-v0': (s, m) => {
    const h = s.fixture!.handlePos;
    if (m.phase < 2) return handle(s, m, [0, 0, 0]);
    const hinge = [-0.12, 0.2];
    const r = [h[0] - hinge[0]!, h[1] - hinge[1]!];
    const tang = [r[1]!, -r[0]!];
    const l = Math.hypot(tang[0]!, tang[1]!);
    return toward(s.gripper.pos, [h[0] + (0.03 * tang[0]!) / l, h[1] + (0.03 * tang[1]!) / l, h[2]], 1);
  },
  'Manip-ButtonPress-v0': (s, m) => {
    const h = s.fixture!.handlePos;
    if (m.phase === 0) {
      const t: V3 = [h[0], h[1], h[2] + 0.1];
      if (near(s.gripper.pos, t)) m.phase = 1;
      return toward(s.gripper.pos, t, 1);
    }
    return toward(s.gripper.pos, [h[0], h[1], h[2] - 0.05], 1);
  },
  'Manip-TurnFaucet-v0': (s, m) => {
    const h = s.fixture!.handlePos;
    if (m.phase === 0) {
      const t: V3 = [h[0] - 0.03, h[1], h[2] + 0.06];
      if (near(s.gripper.pos, t)) m.phase = 1;
      return toward(s.gripper.pos, t, 1);
    }
    if (m.phase === 1) {
      const t: V3 = [h[0] - 0.03, h[1], h[2]];
      if (near(s.gripper.pos, t)) m.phase = 2;
      return toward(s.gripper.pos, t, 1);
    }
    const r = [h[0], h[1] - 0.1];
    const tang = [-r[1]!, r[0]!];
    const l = Math.hypot(tang[0]!, tang[1]!);
    return toward(s.gripper.pos, [h[0] + (0.03 * tang[0]!) / l, h[1] + (0.03 * tang[1]!) / l, h[2]], 1);
  },
};

function pick(s: ManipState, m: { phase: number; t: number }, obj: string, target: readonly number[]): Float32Array {
  const o = s.objects[obj]!.pos;
  if (m.phase === 0) {
    const t: V3 = [o[0], o[1], o[2] + 0.08];
    if (near(s.gripper.pos, t, 0.008)) m.phase = 1;
    return toward(s.gripper.pos, t, -1);
  }
  if (m.phase === 1) {
    const t: V3 = [o[0], o[1], o[2]];
    if (near(s.gripper.pos, t, 0.006)) m.phase = 2;
    return toward(s.gripper.pos, t, -1);
  }
  if (m.phase === 2) {
    m.t++;
    if (m.t > 15) m.phase = 3;
    return toward(s.gripper.pos, s.gripper.pos, 1);
  }
  if (m.phase === 3) {
    const t: V3 = [s.gripper.pos[0], s.gripper.pos[1], target[2] + 0.02];
    if (Math.abs(s.gripper.pos[2] - t[2]) < 0.01) m.phase = 4;
    return toward(s.gripper.pos, t, 1);
  }
  return toward(s.gripper.pos, target, 1);
}

function handle(s: ManipState, m: { phase: number; t: number }, pull: V3): Float32Array {
  const h = s.fixture!.handlePos;
  if (m.phase === 0) {
    const t: V3 = [h[0], h[1], h[2] + 0.08];
    if (near(s.gripper.pos, t, 0.008)) m.phase = 1;
    return toward(s.gripper.pos, t, -1);
  }
  if (m.phase === 1) {
    if (near(s.gripper.pos, h, 0.006)) {
      m.phase = 2;
    }
    return toward(s.gripper.pos, h, -1);
  }
  if (m.phase === 2) {
    m.t++;
    if (m.t > 15) m.phase = 3;
    return toward(s.gripper.pos, h, 1);
  }
  return toward(s.gripper.pos, [h[0] + pull[0], h[1] + pull[1], h[2] + pull[2]], 1);
}

/** Run the expert of `id` for one seeded episode; returns whether it succeeded and when. */
export function runExpert(
  id: string,
  seed: number,
  maxSteps = 300,
  dense = false,
): { success: boolean; steps: number; ret: number } {
  const task = MANIP_TASKS.find((t) => t.id === id)!;
  const env = new ManipEnv(task, { dense });
  env.reset({ seed });
  const mem = { phase: 0, t: 0 };
  let ret = 0;
  for (let i = 0; i < maxSteps; i++) {
    const r = env.step(EXPERTS[id]!(env.state(), mem));
    ret += r.reward;
    if (r.info.success) {
      env.close();
      return { success: true, steps: i + 1, ret };
    }
  }
  if (process.env.DEBUG) console.log(JSON.stringify(env.state()), mem);
  env.close();
  return { success: false, steps: maxSteps, ret };
}

if (process.argv[1]?.endsWith('manip-experts.js')) {
  for (const t of MANIP_TASKS) {
    if (process.argv[2] && t.id !== process.argv[2]) continue;
    const res = [0, 1, 2, 3].map((s) => runExpert(t.id, s));
    console.log(t.id, res.map((r) => `${r.success ? 'OK' : 'FAIL'}@${r.steps}`).join(' '));
  }
}
