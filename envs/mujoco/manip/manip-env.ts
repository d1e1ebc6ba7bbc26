import type { Info } from '../../../src/core/env.js';
import { RxgymError } from '../../../src/core/env.js';
import type { Rng } from '../../../src/core/rng.js';
import { FINGER_TRAVEL, TCP_OFFSET } from '../assets/manip-scene.js';
import { forEachContact } from '../contacts.js';
import { nameToId } from '../loader.js';
import { round } from '../locomotion/body-state.js';
import { MujocoEnv, type StepOutcome } from '../mujoco-env.js';
import { defineParams } from '../../../src/core/params.js';
import type { ManipState, ObjectState, FixtureState } from './manip-state.js';
import { describeManip } from './manip-state.js';

type V3 = [number, number, number];

/** Workspace of the tool centre point (m); the palm is clamped so the fingertips stay above the table. */
export const WORKSPACE = { low: [-0.3, -0.3, 0.021] as V3, high: [0.3, 0.3, 0.45] as V3 };
/** Largest hand displacement per step and axis (m), as Meta-World's action_scale. */
export const ACTION_SCALE = 0.01;

/** A free object of the task: body/joint/geom share the name. */
export interface ObjectDef {
  name: string;
  halfExtents: V3;
}
/** An articulated fixture: joint name, handle site, description. */
export interface FixtureDef {
  name: string;
  joint: string;
  what: string;
}

/** What a manipulation task adds to the scene. */
export interface ManipTask {
  id: string;
  xml: string;
  summary: string;
  successText: string;
  objects: ObjectDef[];
  fixture?: FixtureDef;
  hasGoal: boolean;
  /** Place objects/fixtures and return the goal (or null). */
  reset(env: ManipEnv, rng: Rng): V3 | null;
  /** Task solved in this state. */
  success(s: ManipState): boolean;
  /** Hand-written staged dense reward (the expert baseline). */
  dense(s: ManipState, env: ManipEnv): number;
}

/** Options of the manipulation tasks beyond MUJOCO_PARAMS. */
const MANIP_PARAMS = defineParams({
  dense: { kind: 'boolean', default: false, doc: 'the shaped (dense) reward instead of the sparse success reward' },
  terminateOnSuccess: { kind: 'boolean', default: false, doc: 'end the episode when the task succeeds' },
});

/**
 * A Meta-World-style table-top task: action = (dx, dy, dz, grip) in [-1, 1]^4, the hand's mocap target moves at most
 * 1 cm per step and axis (the hand follows through a weld), grip -1 opens and +1 closes the fingers; 5 physics steps of
 * 2.5 ms per step.
 * Observation (39, Meta-World layout): tcp xyz, gripper openness, object 1 pos+quat, object 2 pos+quat
 * (zeros when absent), the same 18 values of the previous step, goal xyz (zeros when the task has none).
 * Reward: sparse 1 on success steps (default) or the task's dense staged reward with `dense: true`.
 */
export class ManipEnv extends MujocoEnv<ManipState> {
  readonly task: ManipTask;
  private readonly dense: boolean;
  private readonly terminateOnSuccess: boolean;
  private readonly handMocap: number;
  private readonly handQ: number;
  private readonly fingerQ: [number, number];
  private readonly tcpSite: number;
  private readonly padGeoms: [number, number];
  private readonly objIds: Array<{ body: number; qadr: number; dadr: number; geom: number }>;
  private readonly fixtureIds?: { qadr: number; dadr: number; site: number; range: [number, number] };
  private readonly geomOwner = new Map<number, string>();
  private prev18 = new Float64Array(18);
  private goal: V3 | null = null;
  private tcpPrev: V3 = [0, 0, 0];
  private tcpVel: V3 = [0, 0, 0];
  /** Initial tcp-to-target distance of the episode (for tolerance margins). */
  initialDistance = 0;

  constructor(task: ManipTask, kwargs: Record<string, unknown> = {}) {
    const cfg = { id: task.id, xml: task.xml, frameSkip: 5, obsDim: 39, actionDim: 4, actionLow: -1, actionHigh: 1 };
    super({ ...cfg, params: MANIP_PARAMS }, kwargs);
    this.task = task;
    const o = this.options(MANIP_PARAMS);
    this.dense = o.dense;
    this.terminateOnSuccess = o.terminateOnSuccess;
    const m = this.model;
    this.handMocap = (m.body_mocapid as Int32Array)[nameToId(m, 'body', 'mocap')]!;
    this.tcpSite = nameToId(m, 'site', 'tcp');
    this.padGeoms = [nameToId(m, 'geom', 'left_pad'), nameToId(m, 'geom', 'right_pad')];
    const qadr = m.jnt_qposadr as Int32Array,
      dadr = m.jnt_dofadr as Int32Array;
    this.handQ = qadr[nameToId(m, 'joint', 'hand')]!;
    this.fingerQ = [qadr[nameToId(m, 'joint', 'left_finger')]!, qadr[nameToId(m, 'joint', 'right_finger')]!];
    this.objIds = task.objects.map((o) => {
      const j = nameToId(m, 'joint', o.name);
      const geom = nameToId(m, 'geom', o.name);
      this.geomOwner.set(geom, o.name);
      return { body: nameToId(m, 'body', o.name), qadr: qadr[j]!, dadr: dadr[j]!, geom };
    });
    if (task.fixture) {
      const j = nameToId(m, 'joint', task.fixture.joint);
      const r = m.jnt_range as Float64Array;
      this.fixtureIds = {
        qadr: qadr[j]!,
        dadr: dadr[j]!,
        site: nameToId(m, 'site', 'handle'),
        range: [r[2 * j]!, r[2 * j + 1]!],
      };
      const body = nameToId(m, 'body', task.fixture.name);
      const gb = m.geom_bodyid as Int32Array;
      for (let g = 0; g < m.ngeom; g++) if (gb[g] === body) this.geomOwner.set(g, task.fixture.name);
    }
  }

  /** Set a free object's position (quat reset to identity) — for task reset code. */
  placeObject(i: number, pos: V3): void {
    const q = this.qpos,
      o = this.objIds[i]!.qadr;
    q.set([pos[0], pos[1], pos[2], 1, 0, 0, 0], o);
  }

  /** Set the fixture joint position — for task reset code. */
  setFixture(v: number): void {
    if (!this.fixtureIds) throw new RxgymError(`${this.id}: task has no fixture`);
    this.qpos[this.fixtureIds.qadr] = v;
  }

  /** Current tool-centre-point position. */
  tcp(): V3 {
    const s = this.data.site_xpos as Float64Array,
      k = 3 * this.tcpSite;
    return [s[k]!, s[k + 1]!, s[k + 2]!];
  }

  protected resetModel(): void {
    const mp = this.data.mocap_pos as Float64Array,
      k = 3 * this.handMocap;
    mp[k] = this.rng.uniform(-0.05, 0.05);
    mp[k + 1] = -0.15 + this.rng.uniform(-0.03, 0.03);
    mp[k + 2] = 0.25 + TCP_OFFSET - 0.05;
    this.qpos.set([mp[k]!, mp[k + 1]!, mp[k + 2]!, 1, 0, 0, 0], this.handQ);
    this.goal = this.task.reset(this, this.rng);
    if (this.goal) {
      const gm = (this.model.body_mocapid as Int32Array)[nameToId(this.model, 'body', 'goal')]!;
      mp.set(this.goal, 3 * gm);
    }
  }

  protected override afterReset(): void {
    // let objects settle on the table with the fingers open
    const ctrl = this.data.ctrl as Float64Array;
    ctrl[0] = 0;
    ctrl[1] = 0;
    for (let i = 0; i < 20; i++) this.mj.mj_step(this.model, this.data);
    this.tcpPrev = this.tcp();
    this.tcpVel = [0, 0, 0];
    this.prev18.set(this.current18());
    const s = this.state();
    const target =
      this.goal ??
      s.fixture?.handlePos ??
      (this.task.objects.length ? s.objects[this.task.objects[0]!.name]!.pos : this.tcpPrev);
    this.initialDistance = Math.hypot(
      this.tcpPrev[0] - target[0],
      this.tcpPrev[1] - target[1],
      this.tcpPrev[2] - target[2],
    );
  }

  protected override beforeStep(): void {
    this.prev18.set(this.current18());
    this.tcpPrev = this.tcp();
  }

  protected override applyAction(a: Float64Array): void {
    const mp = this.data.mocap_pos as Float64Array,
      k = 3 * this.handMocap;
    const q = this.qpos;
    for (let i = 0; i < 3; i++) {
      const lo = WORKSPACE.low[i]! + (i === 2 ? TCP_OFFSET : 0),
        hi = WORKSPACE.high[i]! + (i === 2 ? TCP_OFFSET : 0);
      // the target never runs more than 3 cm ahead of a hand that contacts are holding back
      const hand = q[this.handQ + i]!;
      const next = Math.min(hand + 0.03, Math.max(hand - 0.03, mp[k + i]! + ACTION_SCALE * a[i]!));
      mp[k + i] = Math.min(hi, Math.max(lo, next));
    }
    const target = ((a[3]! + 1) / 2) * FINGER_TRAVEL;
    const ctrl = this.data.ctrl as Float64Array;
    ctrl[0] = target;
    ctrl[1] = target;
  }

  protected afterStep(): StepOutcome {
    const tcp = this.tcp();
    this.tcpVel = [
      (tcp[0] - this.tcpPrev[0]) / this.dt,
      (tcp[1] - this.tcpPrev[1]) / this.dt,
      (tcp[2] - this.tcpPrev[2]) / this.dt,
    ];
    const s = this.state();
    const success = this.task.success(s);
    const reward = this.dense ? this.task.dense(s, this) : success ? 1 : 0;
    const info: Info = { success, grasped: s.gripper.grasping };
    return { reward, terminated: success && this.terminateOnSuccess, info };
  }

  protected override resetInfo(): Info {
    return { success: this.task.success(this.state()), grasped: null };
  }

  private current18(): Float64Array {
    const out = new Float64Array(18);
    out.set(this.tcp(), 0);
    out[3] = this.openness();
    const q = this.qpos;
    if (this.fixtureIds) {
      const sx = this.data.site_xpos as Float64Array,
        k = 3 * this.fixtureIds.site;
      out.set([sx[k]!, sx[k + 1]!, sx[k + 2]!, 1, 0, 0, 0], 4);
    }
    this.objIds.forEach((o, i) => {
      if (i + (this.fixtureIds ? 1 : 0) < 2)
        out.set(q.subarray(o.qadr, o.qadr + 7), 4 + 7 * (i + (this.fixtureIds ? 1 : 0)));
    });
    return out;
  }

  /** 1 = fully open, 0 = fully closed (finger joints). */
  private openness(): number {
    const q = this.qpos;
    const l = q[this.fingerQ[0]]!,
      r = q[this.fingerQ[1]]!;
    return Math.min(1, Math.max(0, 1 - (l + r) / (2 * FINGER_TRAVEL)));
  }

  protected observe(): Float32Array {
    const out = new Float32Array(39);
    out.set(this.current18(), 0);
    out.set(this.prev18, 18);
    if (this.goal) out.set(this.goal, 36);
    return out;
  }

  /** Name of the object or fixture both finger pads touch, or null. */
  private grasping(): string | null {
    const touched: [Set<string>, Set<string>] = [new Set(), new Set()];
    forEachContact(this.data, (g1, g2) => {
      for (let p = 0; p < 2; p++) {
        const pad = this.padGeoms[p]!;
        const other = g1 === pad ? g2 : g2 === pad ? g1 : -1;
        const owner = other >= 0 ? this.geomOwner.get(other) : undefined;
        if (owner) touched[p]!.add(owner);
      }
    });
    for (const o of touched[0]) if (touched[1].has(o)) return o;
    return null;
  }

  state(): ManipState {
    const d = this.data;
    const q = d.qpos as Float64Array,
      v = d.qvel as Float64Array;
    const objects: Record<string, ObjectState> = {};
    this.task.objects.forEach((o, i) => {
      const id = this.objIds[i]!;
      objects[o.name] = {
        pos: [round(q[id.qadr]!), round(q[id.qadr + 1]!), round(q[id.qadr + 2]!)],
        quat: [round(q[id.qadr + 3]!), round(q[id.qadr + 4]!), round(q[id.qadr + 5]!), round(q[id.qadr + 6]!)],
        linVel: [round(v[id.dadr]!), round(v[id.dadr + 1]!), round(v[id.dadr + 2]!)],
        angVel: [round(v[id.dadr + 3]!), round(v[id.dadr + 4]!), round(v[id.dadr + 5]!)],
        halfExtents: o.halfExtents,
      };
    });
    let fixture: FixtureState | null = null;
    if (this.task.fixture && this.fixtureIds) {
      const f = this.fixtureIds,
        sx = d.site_xpos as Float64Array,
        k = 3 * f.site;
      const pos = q[f.qadr]!;
      fixture = {
        name: this.task.fixture.name,
        position: round(pos),
        velocity: round(v[f.dadr]!),
        range: [round(f.range[0]), round(f.range[1])],
        openFraction: round((pos - f.range[0]) / (f.range[1] - f.range[0])),
        handlePos: [round(sx[k]!), round(sx[k + 1]!), round(sx[k + 2]!)],
      };
    }
    const tcp = this.tcp();
    const open = this.openness();
    return {
      gripper: {
        pos: tcp.map(round) as V3,
        vel: this.tcpVel.map(round) as V3,
        openness: round(open),
        fingerGap: round(0.084 * open + 0.004 * (1 - open)),
        grasping: this.grasping(),
      },
      objects,
      fixture,
      goal: this.goal ? (this.goal.map(round) as V3) : null,
      dt: this.dt,
    };
  }

  describeState(): string {
    return describeManip(this.task, this.dt);
  }
}
