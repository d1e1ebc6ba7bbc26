import loadMujoco, { type MainModule, type MjData, type MjModel } from '@mujoco/mujoco';
import { RxgymError } from '../../src/core/env.js';

/** The MuJoCo WASM module type (single-threaded build of @mujoco/mujoco). */
export type Mujoco = MainModule;

// One module instance per process or worker: every env of this thread shares its heap (wasm32, 2 GiB max).
// Loaded with top-level await so that env constructors (and `make`) stay synchronous.
const mj: Mujoco = await loadMujoco();
let fsReady = false;
let liveData = 0;
let liveArenaBytes = 0;

/** The process-wide MuJoCo module. */
export function mujoco(): Mujoco {
  return mj;
}

/** Number of MjData objects currently alive in this process (for leak checks). */
export function liveDataCount(): number {
  return liveData;
}

/** The MuJoCo version inside the WASM build, e.g. "3.14.0". */
export function mujocoVersion(): string {
  return mj.mj_versionString();
}

/**
 * Compile an MJCF string. The XML is written to the module's in-memory file system as
 * `/rxgym/<name>.xml` (so relative includes/assets resolve there) and loaded from that path.
 * A model that does not compile raises an RxgymError carrying MuJoCo's message and element.
 */
export function compileModel(xml: string, name: string): MjModel {
  const safe = name.replace(/[^\w.-]/g, '_');
  if (!fsReady) {
    mj.FS.mkdirTree('/rxgym', 0o777);
    fsReady = true;
  }
  const path = `/rxgym/${safe}.xml`;
  mj.FS.writeFile(path, xml);
  try {
    return mj.MjModel.from_xml_path(path);
  } catch (err) {
    throw new RxgymError(
      `MJCF model "${name}" does not compile: ${mujocoMessage(err)}; ` +
        `fix the XML (the element and line are named above)`,
    );
  } finally {
    mj.FS.unlink(path);
  }
}

/** Allocate an MjData for `model`; running out of WASM memory raises a clear RxgymError. */
export function createData(model: MjModel, what: string): MjData {
  try {
    const d = new mj.MjData(model);
    liveData++;
    liveArenaBytes += model.narena;
    arenaOf.set(d, model.narena);
    return d;
  } catch (err) {
    const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
    throw new RxgymError(
      `${what}: cannot allocate MuJoCo data (${mib(model.narena)} MiB arena each; ${liveData} MjData alive in this ` +
        `process hold ` +
        `${mib(liveArenaBytes)} MiB of the 2048 MiB WASM heap): ${mujocoMessage(err)}. Use fewer envs per process, ` +
        `close unused envs, ` +
        `or spread envs over workers (vectorization: 'worker')`,
    );
  }
}

const arenaOf = new WeakMap<MjData, number>();

/** Free an MjData made by `createData`. */
export function deleteData(d: MjData): void {
  liveArenaBytes -= arenaOf.get(d) ?? 0;
  d.delete();
  liveData--;
}

/** MuJoCo's own error text, without the "MuJoCo Error:" prefixes and blank lines. */
export function mujocoMessage(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  return raw
    .replace(/MuJoCo Error:\s*/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l, i, a) => l.length > 0 && a.indexOf(l) === i)
    .join(' | ');
}

/** Id of a named MuJoCo object, or a clear error listing the kind. */
export function nameToId(
  model: MjModel,
  kind: 'body' | 'geom' | 'site' | 'joint' | 'camera' | 'actuator' | 'sensor',
  name: string,
): number {
  const t = {
    body: mj.mjtObj.mjOBJ_BODY,
    geom: mj.mjtObj.mjOBJ_GEOM,
    site: mj.mjtObj.mjOBJ_SITE,
    joint: mj.mjtObj.mjOBJ_JOINT,
    camera: mj.mjtObj.mjOBJ_CAMERA,
    actuator: mj.mjtObj.mjOBJ_ACTUATOR,
    sensor: mj.mjtObj.mjOBJ_SENSOR,
  }[kind].value;
  const id = mj.mj_name2id(model, t, name);
  if (id < 0) throw new RxgymError(`no MuJoCo ${kind} named "${name}" in the model`);
  return id;
}

/** Names of all objects of a kind, in id order. */
export function namesOf(model: MjModel, kind: 'body' | 'geom' | 'camera' | 'joint', count: number): string[] {
  const t = {
    body: mj.mjtObj.mjOBJ_BODY,
    geom: mj.mjtObj.mjOBJ_GEOM,
    camera: mj.mjtObj.mjOBJ_CAMERA,
    joint: mj.mjtObj.mjOBJ_JOINT,
  }[kind].value;
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(mj.mj_id2name(model, t, i) ?? '');
  return out;
}
