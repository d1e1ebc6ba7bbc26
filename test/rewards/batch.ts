import type { TransitionBatch } from '../../src/stream/batch.js';

/** A hand-made time-major batch: `obs[t][i]` and `next[t][i]` are rows of one `obs` key. */
export function makeBatch(opts: {
  obs: number[][][];
  next: number[][][];
  rewards?: number[][];
  actions?: number[][];
  dones?: number[][];
  episodeIds?: number[][];
  episodeSteps?: number[][];
  globalStep?: number;
  messages?: string[][];
}): TransitionBatch {
  const T = opts.obs.length,
    N = opts.obs[0]!.length,
    D = opts.obs[0]![0]!.length;
  const flat = (x: number[][][]) => Float32Array.from(x.flat(2));
  const per = (x: number[][] | undefined, f: number) => (x ? x.flat() : new Array<number>(T * N).fill(f));
  const batch: TransitionBatch = {
    numSteps: T,
    numEnvs: N,
    obs: { obs: { data: flat(opts.obs), shape: [D] } },
    nextObs: { obs: { data: flat(opts.next), shape: [D] } },
    actions: Int32Array.from(per(opts.actions, 0)),
    actionDim: 1,
    rewards: Float32Array.from(per(opts.rewards, 0)),
    terminations: Uint8Array.from(per(opts.dones, 0)),
    truncations: new Uint8Array(T * N),
    globalStep: opts.globalStep ?? 0,
    episodeIds: Int32Array.from(per(opts.episodeIds, 0)),
    episodeSteps: Int32Array.from(
      opts.episodeSteps ? opts.episodeSteps.flat() : Array.from({ length: T * N }, (_, k) => Math.floor(k / N)),
    ),
  };
  if (opts.messages) batch.messages = opts.messages.flat();
  return batch;
}

/** A batch of T steps x N envs with 1-D observations given by `f(t, i)` and rewards `r(t, i)`. */
export function scalarBatch(
  T: number,
  N: number,
  f: (t: number, i: number) => number,
  r: (t: number, i: number) => number = () => 0,
  globalStep = 0,
): TransitionBatch {
  const obs = Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => [f(t, i)]));
  const next = Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => [f(t + 1, i)]));
  const rewards = Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => r(t, i)));
  return makeBatch({ obs, next, rewards, globalStep });
}
