import type { BenchPlan, BenchRun } from '../matrix.js';
import type { RunResult } from '../results.js';

/** The BullMQ queue every benchmark run goes through (under the `rxgym` key prefix). */
export const BENCH_QUEUE = 'bench';

/** The key prefix of rxgym's queues and keys in Redis. */
export { QUEUE_PREFIX as PREFIX } from '../../llm/service/protocol.js';

/** What a bench job carries: the run and the benchmark it belongs to. */
export interface BenchJobData {
  bench: string;
  /** The whole matrix's fingerprint: a job of another version of the benchmark is refused, not mixed in. */
  fingerprint: string;
  key: string;
  env: string;
  rewards: string;
  seed: number;
  steps: number;
  scenario: Record<string, unknown>;
}

/** What a finished bench job returns: its result, and its files gzipped (base64) unless they are too large. */
export interface BenchJobResult {
  result: RunResult;
  files: Record<string, string>;
  /** Files left out (too large for a job's return value), with their size in bytes. */
  omitted?: Record<string, number>;
}

/** A running job's progress, as the worker reports it. */
export interface BenchJobProgress {
  step: number;
  /** Smoothed training return and success rate so far. */
  return?: number;
  success?: number;
  /** `host:pid` of the worker. */
  worker: string;
  /** The step its checkpoint was taken up at (a run continued from another worker's checkpoint). */
  resumedFrom?: number;
}

/**
 * The job id of a run: bench name + env + stack + seed, so that submitting a benchmark twice, or from two machines,
 * never duplicates a run. BullMQ ids may not contain ':' nor be all digits; the run key has neither.
 */
export function benchJobId(bench: string, run: Pick<BenchRun, 'key'>): string {
  return `${bench}__${run.key}`.replace(/[^\w.-]+/g, '_');
}

/** The job of one run of a plan. */
export function benchJobData(plan: BenchPlan, run: BenchRun): BenchJobData {
  return {
    bench: plan.name,
    fingerprint: plan.fingerprint,
    key: run.key,
    env: run.env,
    rewards: run.rewards,
    seed: run.seed,
    steps: run.steps,
    scenario: run.scenario,
  };
}
