import type { TransitionBatch } from '../../src/stream/batch.js';

/**
 * One env's stream of episodes cut into batches of `T` steps: `episodes[e]` holds the per-step values (the `obs`
 * key and the env reward, so an echo source returns them), the last step of each episode terminates.
 */
export function episodeBatches(episodes: number[][], T: number, success?: number[]): TransitionBatch[] {
  const rows: { v: number; term: number; step: number; ok: number }[] = [];
  episodes.forEach((ep, e) =>
    ep.forEach((v, s) =>
      rows.push({
        v,
        term: s === ep.length - 1 ? 1 : 0,
        step: s,
        ok: s === ep.length - 1 ? (success?.[e] ?? 0) : 0,
      }),
    ),
  );
  const out: TransitionBatch[] = [];
  for (let at = 0; at < rows.length; at += T) {
    const part = rows.slice(at, at + T);
    while (part.length < T) part.push({ v: 0, term: 0, step: (part[part.length - 1]?.step ?? -1) + 1, ok: 0 });
    out.push({
      numSteps: T,
      numEnvs: 1,
      obs: { obs: { data: Float32Array.from(part, (r) => r.v), shape: [] } },
      nextObs: { obs: { data: Float32Array.from(part, (r) => r.v), shape: [] } },
      actions: new Int32Array(T),
      actionDim: 1,
      rewards: Float32Array.from(part, (r) => r.v),
      terminations: Uint8Array.from(part, (r) => r.term),
      truncations: new Uint8Array(T),
      globalStep: at,
      episodeIds: new Int32Array(T),
      episodeSteps: Int32Array.from(part, (r) => r.step),
      success: Uint8Array.from(part, (r) => r.ok),
    });
  }
  return out;
}

/** Concatenate the values of several batches (one env). */
export function concat(parts: Float32Array[]): number[] {
  return parts.flatMap((p) => Array.from(p));
}

/** Sum of the values of each episode of `values`, given the episodes' lengths. */
export function episodeSums(values: number[], lengths: number[]): number[] {
  let at = 0;
  return lengths.map((n) => {
    const s = values.slice(at, at + n).reduce((a, b) => a + b, 0);
    at += n;
    return s;
  });
}
