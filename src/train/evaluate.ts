import { envRegistry, type EnvRegistry } from '../core/registry.js';
import type { Env } from '../core/env.js';
import type { TypedArray } from '../core/spaces.js';
import { Rng } from '../core/rng.js';
import type { ObsBatch } from '../stream/batch.js';
import type { Policy } from '../stream/policy.js';

/** Result of an evaluation: one return (and success flag) per seed. */
export interface EvalResult {
  returns: number[];
  lengths: number[];
  successes: (boolean | undefined)[];
  meanReturn: number;
  stdReturn: number;
  successRate?: number;
}

function rowsOf(obs: unknown): Record<string, ArrayLike<number>> {
  if (typeof obs === 'number') return { obs: [obs] };
  if (ArrayBuffer.isView(obs)) return { obs: obs as unknown as ArrayLike<number> };
  const out: Record<string, ArrayLike<number>> = {};
  for (const [k, v] of Object.entries(obs as Record<string, unknown>))
    out[k] = typeof v === 'number' ? [v] : (v as ArrayLike<number>);
  return out;
}

/**
 * Deterministic evaluation: one episode per seed (env i reset with seeds[i]), all envs stepped in lock-step with
 * one batched `act` per step. Greedy actions unless `deterministic` is false; sampled actions then come from a random
 * stream seeded by `seeds`, not the agent's, so evaluating does not change training. `maxEpisodeSteps` overrides the
 * env's registered episode limit (-1: none), as in training. `envs`: the registry that builds `envId` (the run's: a
 * library user's own registry, not only the global one).
 */
export function evaluate(
  envId: string,
  kwargs: Record<string, unknown>,
  policy: Policy,
  seeds: number[],
  deterministic = true,
  maxSteps = 100_000,
  maxEpisodeSteps?: number,
  registry: EnvRegistry = envRegistry,
): EvalResult {
  const makeOpts = maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps };
  const envs: Env[] = seeds.map(() => registry.make(envId, kwargs, makeOpts));
  const cur = envs.map((e, i) => e.reset({ seed: seeds[i]! }));
  const returns = seeds.map(() => 0);
  const lengths = seeds.map(() => 0);
  const successes: (boolean | undefined)[] = seeds.map(() => undefined);
  const masks: (ArrayLike<number> | undefined)[] = cur.map((r) => r.info.actionMask as ArrayLike<number> | undefined);
  let obs = cur.map((r) => rowsOf(r.obs));
  const active = new Set(seeds.map((_, i) => i));
  // sampled actions draw from a stream of the evaluation's own, seeded by its env seeds: the agent's is left alone
  const evalRng = deterministic ? undefined : new Rng(seeds.reduce((h, s) => (Math.imul(h, 31) + s) >>> 0, 0x5eed));
  for (let step = 0; step < maxSteps && active.size > 0; step++) {
    const idx = [...active];
    const batch: ObsBatch = {};
    for (const key of Object.keys(obs[idx[0]!]!)) {
      const first = obs[idx[0]!]![key]!;
      const dim = first.length;
      const data = new (
        Object.getPrototypeOf(first).constructor === Array
          ? Float32Array
          : ((first as TypedArray).constructor as new (
              n: number,
            ) => TypedArray)
      )(idx.length * dim);
      idx.forEach((i, r) => data.set(obs[i]![key]!, r * dim));
      batch[key] = { data, shape: dim === 1 ? [] : [dim] };
    }
    let actionMask: Uint8Array | undefined;
    if (masks[idx[0]!]) {
      const n = masks[idx[0]!]!.length;
      actionMask = new Uint8Array(idx.length * n);
      idx.forEach((i, r) => {
        const m = masks[i];
        for (let a = 0; a < n; a++) actionMask![r * n + a] = m && !m[a] ? 0 : 1;
      });
    }
    const out = policy.act(batch, idx.length, { deterministic, actionMask, evalRng });
    const acts = out.envActions ?? out.actions;
    const dim = acts.length / idx.length;
    const next = obs.slice();
    idx.forEach((i, r) => {
      const a =
        dim === 1 && !(envs[i]!.actionSpace.shape.length > 0) ? acts[r]! : acts.subarray(r * dim, (r + 1) * dim);
      const res = envs[i]!.step(a);
      returns[i]! += res.reward;
      lengths[i]! += 1;
      if (typeof res.info.success === 'boolean') successes[i] = res.info.success;
      masks[i] = res.info.actionMask as ArrayLike<number> | undefined;
      next[i] = rowsOf(res.obs);
      if (res.terminated || res.truncated) active.delete(i);
    });
    obs = next;
  }
  for (const e of envs) e.close();
  const n = seeds.length;
  const meanReturn = returns.reduce((a, b) => a + b, 0) / n;
  const stdReturn = Math.sqrt(returns.reduce((a, b) => a + (b - meanReturn) ** 2, 0) / n);
  const known = successes.filter((s) => s !== undefined);
  return {
    returns,
    lengths,
    successes,
    meanReturn,
    stdReturn,
    successRate: known.length > 0 ? known.filter((s) => s).length / n : undefined,
  };
}
