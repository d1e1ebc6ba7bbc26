/** Inputs of generalised advantage estimation over a T x N time-major batch. */
export interface GaeInput {
  numSteps: number;
  numEnvs: number;
  rewards: Float32Array;
  /** V(obs) at each transition, as recorded when acting. */
  values: Float32Array;
  /**
   * V(nextObs) where the rollout cannot supply it: rows of the last step, and truncated transitions (their final
   * observation).
   */
  bootValues: Float32Array;
  terminations: Uint8Array;
  truncations: Uint8Array;
  gamma: number;
  lambda: number;
  /** Episodic returns stop at episode ends; non-episodic ones (RND's intrinsic reward) run through them. */
  episodic: boolean;
}

/**
 * GAE(lambda). A terminated transition has no future value; a truncated one bootstraps from the value of its
 * final observation; both cut the advantage chain. Returns advantages and value targets (advantage + value).
 */
export function gae(inp: GaeInput): { advantages: Float32Array; returns: Float32Array } {
  const {
    numSteps: T,
    numEnvs: N,
    rewards,
    values,
    bootValues,
    terminations,
    truncations,
    gamma,
    lambda,
    episodic,
  } = inp;
  const adv = new Float32Array(T * N);
  const ret = new Float32Array(T * N);
  for (let i = 0; i < N; i++) {
    let next = 0;
    for (let t = T - 1; t >= 0; t--) {
      const k = t * N + i;
      const term = terminations[k]!;
      const done = term || truncations[k]!;
      let nextV: number;
      let nonTerminal: number;
      let chain: number;
      if (episodic) {
        nextV = t === T - 1 || done ? bootValues[k]! : values[k + N]!;
        nonTerminal = term ? 0 : 1;
        chain = done || t === T - 1 ? 0 : 1;
      } else {
        nextV = t === T - 1 ? bootValues[k]! : values[k + N]!;
        nonTerminal = 1;
        chain = t === T - 1 ? 0 : 1;
      }
      const delta = rewards[k]! + gamma * nextV * nonTerminal - values[k]!;
      next = delta + gamma * lambda * chain * next;
      adv[k] = next;
      ret[k] = next + values[k]!;
    }
  }
  return { advantages: adv, returns: ret };
}

/** Which rows need V(nextObs): the last step's rows, plus truncated rows of an episodic group. */
export function bootRows(
  numSteps: number,
  numEnvs: number,
  truncations: Uint8Array,
  terminations: Uint8Array,
  anyEpisodic: boolean,
): number[] {
  const rows: number[] = [];
  const T = numSteps;
  const N = numEnvs;
  for (let k = 0; k < (T - 1) * N; k++) if (anyEpisodic && truncations[k] && !terminations[k]) rows.push(k);
  for (let k = (T - 1) * N; k < T * N; k++) rows.push(k);
  return rows;
}
