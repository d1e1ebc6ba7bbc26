import { RxgymError } from '../core/env.js';
import { make } from '../core/registry.js';
import { Rng } from '../core/rng.js';
import { makeVec } from '../core/vector/sync.js';
import type { VectorEnv } from '../core/vector/types.js';
import { sampleFlatActions } from './actions.js';

/** What `rxgym bench env` reports (also its `--json` output). */
export interface EnvThroughput {
  id: string;
  /** Env steps per second: one env stepped directly; a SyncVectorEnv; a WorkerVectorEnv (null when unavailable). */
  stepsPerSecond: { raw: number; sync: number; worker: number | null };
  steps: number;
  numEnvs: number;
  numWorkers: number;
  seconds: { raw: number; sync: number; worker: number | null };
  /** Why a measurement is missing, if one is. */
  notes: string[];
}

/** Options of `measureEnvThroughput`. */
export interface ThroughputOptions {
  steps?: number;
  numEnvs?: number;
  numWorkers?: number;
  seed?: number;
  kwargs?: Record<string, unknown>;
}

const ACTION_POOL = 256;

/**
 * Time `steps` environment steps three ways: a single env (`make`), a sync vector env and a worker vector env,
 * with random actions sampled beforehand so the figures are the env's cost alone. Episodes reset as they end.
 */
export function measureEnvThroughput(id: string, opts: ThroughputOptions = {}): EnvThroughput {
  const steps = opts.steps ?? 100_000;
  const numEnvs = opts.numEnvs ?? 8;
  const numWorkers = opts.numWorkers ?? 2;
  const seed = opts.seed ?? 0;
  const kwargs = opts.kwargs ?? {};
  if (!Number.isInteger(steps) || steps < 1)
    throw new RxgymError(`bench env: --steps must be a positive integer, got ${steps}`);
  const notes: string[] = [];

  const env = make(id, kwargs);
  const rng = new Rng(seed);
  const pool: unknown[] = [];
  for (let i = 0; i < ACTION_POOL; i++) pool.push(env.actionSpace.sample(rng));
  env.reset({ seed });
  const rawRun = (n: number): void => {
    for (let t = 0; t < n; t++) {
      const r = env.step(pool[t % ACTION_POOL]);
      if (r.terminated || r.truncated) env.reset();
    }
  };
  rawRun(Math.min(steps, 1000));
  const t0 = performance.now();
  rawRun(steps);
  const rawSec = (performance.now() - t0) / 1000;
  env.close();

  const vecRun = (vec: VectorEnv): number => {
    const batches: Float64Array[] = [];
    for (let b = 0; b < 64; b++) batches.push(sampleFlatActions(vec.singleActionSpace, vec.numEnvs, rng));
    vec.reset({ seed });
    const n = Math.max(1, Math.ceil(steps / vec.numEnvs));
    for (let t = 0; t < Math.min(n, 100); t++) vec.step(batches[t % 64]!);
    const start = performance.now();
    for (let t = 0; t < n; t++) vec.step(batches[t % 64]!);
    const sec = (performance.now() - start) / 1000;
    vec.close();
    return sec;
  };
  const syncSec = vecRun(makeVec(id, { numEnvs, kwargs }));
  const vecSteps = Math.max(1, Math.ceil(steps / numEnvs)) * numEnvs;

  let workerSec: number | null = null;
  try {
    workerSec = vecRun(makeVec(id, { numEnvs, kwargs, vectorization: 'worker', numWorkers }));
  } catch (err) {
    notes.push(`worker: ${(err as Error).message}`);
  }
  return {
    id,
    stepsPerSecond: {
      raw: steps / rawSec,
      sync: vecSteps / syncSec,
      worker: workerSec === null ? null : vecSteps / workerSec,
    },
    steps,
    numEnvs,
    numWorkers,
    seconds: { raw: rawSec, sync: syncSec, worker: workerSec },
    notes,
  };
}
