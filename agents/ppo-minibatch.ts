import { type ObsBatch, selectRows } from '../src/core/obs-batch.js';

/** The per-row arrays of one update that minibatches are gathered from (row k of the rollout at index k). */
export interface UpdateRows {
  obs: ObsBatch;
  /** [rows] (discrete) or [rows, A] */
  actions: Int32Array | Float32Array;
  /** [rows, A], or undefined */
  actionMasks: Uint8Array | undefined;
  /** Behaviour log-probabilities, [rows]. */
  logProb: Float32Array;
  /** Behaviour values, [rows, H]. */
  value: Float32Array;
  /** Returns, [rows, H]. */
  returns: Float32Array;
}

/** One minibatch on the host: rows gathered from `UpdateRows` (advantages set by the caller). */
export interface Minibatch {
  obs: ObsBatch;
  actions: Int32Array | Float32Array;
  mask: Uint8Array | undefined;
  oldLogp: Float32Array;
  adv: Float32Array;
  ret: Float32Array;
  oldV: Float32Array;
}

/** Host arrays for minibatches of `rows` rows (A actions or action dims, H value heads). */
export function allocMinibatch(rows: number, discrete: boolean, A: number, H: number, masked: boolean): Minibatch {
  return {
    obs: {},
    actions: discrete ? new Int32Array(rows) : new Float32Array(rows * A),
    mask: discrete && masked ? new Uint8Array(rows * A) : undefined,
    oldLogp: new Float32Array(rows),
    adv: new Float32Array(rows),
    ret: new Float32Array(rows * H),
    oldV: new Float32Array(rows * H),
  };
}

/**
 * Gather rows `idx` of `src` into `mb` (sized for idx.length rows); advantages are left to the caller. Minibatch rows
 * are gathered on the host and uploaded once: cheaper than backend gathers for small nets.
 */
export function gatherMinibatch(
  src: UpdateRows,
  idx: ArrayLike<number>,
  mb: Minibatch,
  discrete: boolean,
  A: number,
  H: number,
): void {
  selectRows(src.obs, idx, mb.obs);
  for (let r = 0; r < idx.length; r++) {
    const k = idx[r]!;
    if (discrete) (mb.actions as Int32Array)[r] = src.actions[k]!;
    else (mb.actions as Float32Array).set(src.actions.subarray(k * A, (k + 1) * A), r * A);
    if (mb.mask) mb.mask.set(src.actionMasks!.subarray(k * A, (k + 1) * A), r * A);
    mb.oldLogp[r] = src.logProb[k]!;
    for (let h = 0; h < H; h++) {
      mb.ret[r * H + h] = src.returns[k * H + h]!;
      mb.oldV[r * H + h] = src.value[k * H + h]!;
    }
  }
}
