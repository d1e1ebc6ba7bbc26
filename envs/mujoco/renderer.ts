import type { DoubleBuffer, IntBuffer, MjData, MjModel } from '@mujoco/mujoco';
import type { RgbFrame } from '../../src/core/env.js';
import { RxgymError } from '../../src/core/env.js';
import { mujoco, namesOf } from './loader.js';

/** Where the renderer looks from: a named camera of the model or the free orbit camera. */
export type CameraChoice =
  | { kind: 'named'; id: number; name: string }
  | { kind: 'free'; azimuth: number; elevation: number; distance: number; trackBody: number };

const PLANE = 0;
const SKY_TOP = [150, 180, 215];
const SKY_BOTTOM = [215, 225, 235];

/** Resolve a camera option: a camera name of the model, or 'free'; anything else is a clear error. */
export function resolveCamera(model: MjModel, id: string, camera: string | undefined): CameraChoice {
  const names = namesOf(model, 'camera', model.ncam);
  const free = (): CameraChoice => ({
    kind: 'free',
    azimuth: 90,
    elevation: -25,
    distance: 0,
    trackBody: model.nbody > 1 ? 1 : 0,
  });
  if (camera === undefined) {
    for (const dflt of ['track', 'front']) {
      const t = names.indexOf(dflt);
      if (t >= 0) return { kind: 'named', id: t, name: dflt };
    }
    return free();
  }
  if (camera === 'free') return free();
  const idx = names.indexOf(camera);
  if (idx < 0) {
    const known = ['free', ...names.filter((n) => n.length > 0)].map((n) => `"${n}"`).join(', ');
    throw new RxgymError(`${id}: unknown camera "${camera}"; this model has cameras ${known}`);
  }
  return { kind: 'named', id: idx, name: camera };
}

/** The cameras frames can be rendered from: the default view first, then the model's other cameras and 'free'. */
export function cameraNames(model: MjModel, id: string): string[] {
  const dflt = resolveCamera(model, id, undefined);
  const first = dflt.kind === 'named' ? dflt.name : 'free';
  const named = namesOf(model, 'camera', model.ncam).filter((n) => n.length > 0);
  return [...new Set([first, ...named, 'free'])];
}

/**
 * Ray-cast renderer without WebGL: one ray per pixel through `mj_multiRay` (MuJoCo's BVH, geom id,
 * distance and surface normal per pixel), coloured by the geom's rgba with Lambert + head-light shading,
 * a checkered floor and a sky gradient. Owns WASM buffers: call `dispose()`.
 */
export class RayRenderer {
  private readonly n: number;
  private readonly local: Float64Array; // per-pixel ray direction in the camera frame
  private dirs: DoubleBuffer | undefined;
  private geomid: IntBuffer | undefined;
  private dist: DoubleBuffer | undefined;
  private normal: DoubleBuffer | undefined;
  private readonly rgba: Float32Array;
  private readonly isPlane: Uint8Array;
  private readonly pnt = [0, 0, 0];
  private readonly extent: number;
  private freeDistance = 0;

  constructor(
    private readonly model: MjModel,
    readonly width: number,
    readonly height: number,
    private readonly camera: CameraChoice,
  ) {
    const mj = mujoco();
    this.n = width * height;
    const fovy = camera.kind === 'named' ? (model.cam_fovy as Float64Array)[camera.id]! : 45;
    const t = Math.tan((fovy * Math.PI) / 360);
    this.local = new Float64Array(3 * this.n);
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const k = 3 * (r * width + c);
        const x = ((2 * (c + 0.5)) / width - 1) * t * (width / height);
        const y = (1 - (2 * (r + 0.5)) / height) * t;
        const l = Math.hypot(x, y, 1);
        this.local[k] = x / l;
        this.local[k + 1] = y / l;
        this.local[k + 2] = -1 / l;
      }
    }
    this.dirs = new mj.DoubleBuffer(3 * this.n);
    this.geomid = new mj.IntBuffer(this.n);
    this.dist = new mj.DoubleBuffer(this.n);
    this.normal = new mj.DoubleBuffer(3 * this.n);
    // geom colours: material colour when the geom has one, else the geom's rgba
    const ng = model.ngeom;
    this.rgba = new Float32Array(4 * ng);
    this.isPlane = new Uint8Array(ng);
    const grgba = model.geom_rgba as Float32Array,
      matid = model.geom_matid as Int32Array,
      mrgba = model.mat_rgba as Float32Array,
      gtype = model.geom_type as Int32Array;
    for (let g = 0; g < ng; g++) {
      const src = matid[g]! >= 0 ? mrgba : grgba;
      const o = matid[g]! >= 0 ? 4 * matid[g]! : 4 * g;
      for (let j = 0; j < 4; j++) this.rgba[4 * g + j] = src[o + j]!;
      this.isPlane[g] = gtype[g] === PLANE ? 1 : 0;
    }
    const stat = model.stat;
    this.extent = stat.extent;
    stat.delete();
  }

  /** Render the current state of `data` into `into` (a frame of this size, reused) or a fresh frame. */
  render(data: MjData, into?: RgbFrame): RgbFrame {
    if (!this.dirs || !this.geomid || !this.dist || !this.normal)
      throw new RxgymError('renderer used after close(); create a new env');
    const mj = mujoco();
    const { right, up, back, eye } = this.frame(data);
    // Views are re-read on every call: heap growth elsewhere detaches them.
    const dv = this.dirs.GetView() as Float64Array;
    const L = this.local;
    for (let i = 0; i < this.n; i++) {
      const k = 3 * i,
        x = L[k]!,
        y = L[k + 1]!,
        z = L[k + 2]!;
      dv[k] = right[0] * x + up[0] * y + back[0] * z;
      dv[k + 1] = right[1] * x + up[1] * y + back[1] * z;
      dv[k + 2] = right[2] * x + up[2] * y + back[2] * z;
    }
    this.pnt[0] = eye[0];
    this.pnt[1] = eye[1];
    this.pnt[2] = eye[2];
    mj.mj_multiRay(
      this.model,
      data,
      this.pnt,
      dv as unknown as number[],
      null as unknown as number[],
      true,
      -1,
      this.geomid,
      this.dist,
      this.normal,
      this.n,
      1e6,
    );
    const gid = this.geomid.GetView() as Int32Array,
      dist = this.dist.GetView() as Float64Array,
      nrm = this.normal.GetView() as Float64Array;
    const dirs = this.dirs.GetView() as Float64Array;
    const out = into?.data ?? new Uint8Array(3 * this.n);
    const lx = -0.3,
      ly = 0.2,
      lz = 1,
      ll = Math.hypot(lx, ly, lz);
    for (let i = 0; i < this.n; i++) {
      const g = gid[i]!;
      const o = 3 * i;
      if (g < 0) {
        const row = Math.floor(i / this.width) / this.height;
        for (let j = 0; j < 3; j++) out[o + j] = SKY_TOP[j]! + (SKY_BOTTOM[j]! - SKY_TOP[j]!) * row;
        continue;
      }
      const nx = nrm[o]!,
        ny = nrm[o + 1]!,
        nz = nrm[o + 2]!;
      const diffuse = Math.max(0, (nx * lx + ny * ly + nz * lz) / ll);
      const head = Math.abs(nx * dirs[o]! + ny * dirs[o + 1]! + nz * dirs[o + 2]!);
      let shade = 0.25 + 0.5 * diffuse + 0.3 * head;
      if (this.isPlane[g]) {
        const d = dist[i]!;
        const hx = eye[0] + d * dirs[o]!,
          hy = eye[1] + d * dirs[o + 1]!;
        shade *= (Math.floor(hx) + Math.floor(hy)) & 1 ? 0.8 : 1.05;
      }
      for (let j = 0; j < 3; j++) out[o + j] = Math.min(255, 255 * this.rgba[4 * g + j]! * shade);
    }
    return into ?? { width: this.width, height: this.height, data: out };
  }

  /** Camera position and axes (right, up, back = -view direction) in world coordinates. */
  private frame(data: MjData): { right: number[]; up: number[]; back: number[]; eye: number[] } {
    if (this.camera.kind === 'named') {
      const p = data.cam_xpos as Float64Array,
        m = data.cam_xmat as Float64Array,
        o = 3 * this.camera.id,
        q = 9 * this.camera.id;
      return {
        eye: [p[o]!, p[o + 1]!, p[o + 2]!],
        right: [m[q]!, m[q + 3]!, m[q + 6]!],
        up: [m[q + 1]!, m[q + 4]!, m[q + 7]!],
        back: [m[q + 2]!, m[q + 5]!, m[q + 8]!],
      };
    }
    const c = this.camera;
    const com = data.subtree_com as Float64Array;
    const look = [com[3 * c.trackBody]!, com[3 * c.trackBody + 1]!, com[3 * c.trackBody + 2]!];
    if (this.freeDistance === 0) this.freeDistance = c.distance > 0 ? c.distance : this.sceneRadius(data, look) * 2.2;
    const dist = this.freeDistance;
    const az = (c.azimuth * Math.PI) / 180,
      el = (c.elevation * Math.PI) / 180;
    // view direction from azimuth/elevation as MuJoCo's free camera
    const fwd = [Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el)];
    const eye = [look[0]! - dist * fwd[0]!, look[1]! - dist * fwd[1]!, look[2]! - dist * fwd[2]!];
    const back = [-fwd[0]!, -fwd[1]!, -fwd[2]!];
    const rl = Math.hypot(fwd[1]!, fwd[0]!) || 1;
    const right = [fwd[1]! / rl, -fwd[0]! / rl, 0];
    const up = [
      right[1]! * fwd[2]! - right[2]! * fwd[1]!,
      right[2]! * fwd[0]! - right[0]! * fwd[2]!,
      right[0]! * fwd[1]! - right[1]! * fwd[0]!,
    ];
    return { right, up, back, eye };
  }

  /**
   * Radius of the non-plane geoms around `look` (planes would make it the whole floor), at least 0.3 m, at most 3 m.
   */
  private sceneRadius(data: MjData, look: number[]): number {
    const gx = data.geom_xpos as Float64Array,
      rb = this.model.geom_rbound as Float64Array;
    let r = 0.3;
    for (let g = 0; g < this.model.ngeom; g++) {
      if (this.isPlane[g]) continue;
      r = Math.max(r, Math.hypot(gx[3 * g]! - look[0]!, gx[3 * g + 1]! - look[1]!, gx[3 * g + 2]! - look[2]!) + rb[g]!);
    }
    return Math.min(r, Math.max(3, 0.5 * this.extent));
  }

  /** Free the WASM buffers (idempotent). */
  dispose(): void {
    for (const b of [this.dirs, this.geomid, this.dist, this.normal]) b?.delete();
    this.dirs = this.geomid = this.dist = this.normal = undefined;
  }
}
