// The policy's inputs for N single Reason-* envs played side by side (table.mjs, pfppo-ties.mjs): their current
// observations as one ObsBatch in rxgym's layout (src/core/obs-batch.ts: sorted keys, each key's own array type and
// row shape, as in training) and their action masks.
import { allocObsBatch, obsLayout } from '../../dist/src/core/obs-batch.js';

/** `cur`: each env's last reset/step result. Returns `{ batch, mask }` for `agent.act(batch, n, { actionMask })`. */
export function actInputs(envs, cur) {
  const layout = obsLayout(envs[0].observationSpace, cur[0].obs, 1);
  const batch = allocObsBatch(layout, cur.length);
  for (const l of layout) cur.forEach((r, i) => batch[l.key].data.set(r.obs[l.key], i * l.dim));
  const nA = envs[0].actionSpace.n;
  const mask = new Uint8Array(cur.length * nA);
  cur.forEach((r, i) => mask.set(r.info.actionMask, i * nA));
  return { batch, mask };
}
