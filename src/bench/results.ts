import type { PhaseTagged, RunEvent } from '../stream/events.js';
import type { BenchRun } from './matrix.js';

/** One point of a run's learning curve. */
export interface CurvePoint {
  step: number;
  return: number;
  success?: number;
}

/**
 * A run's final scores, kept apart: its last evaluation (and whether it acted greedily) and its last 100 training
 * episodes (the policy sampling its actions, as it trained). Read from the run's events (src/report/run-data.ts).
 */
export interface FinalScores {
  evalReturn?: number;
  evalSuccess?: number;
  evalEpisodes?: number;
  evalDeterministic?: boolean;
  trainReturn?: number;
  trainSuccess?: number;
}

/**
 * What one run contributes to the benchmark (written as result.json). `done`: it reached its budget (or its own stop
 * condition); `failed`: it ended with an error; `interrupted`: it was stopped first (`--resume` continues it).
 */
export interface RunResult {
  key: string;
  env: string;
  rewards: string;
  seed: number;
  status: 'done' | 'failed' | 'interrupted';
  error?: string;
  steps: number;
  wallSeconds: number;
  sps: number;
  episodes: number;
  /** Final return / success: the last evaluation if the run evaluated, else the last 100 training episodes. */
  return: number;
  success?: number;
  firstSuccessStep: number | null;
  curve: CurvePoint[];
  /**
   * Final exploration metrics (unique cells, coverage, max depth, distinct messages ...), for envs that report them.
   */
  explore?: Record<string, number>;
  /**
   * Runs with reward-free pre-training (URLB): its env steps, episodes, the fraction of those episodes that reached
   * the task's goal (when the env reports success; the agent was not paid for it) and its final exploration metrics.
   * Everything else in the result (steps, SPS, returns, success, curve, first success) counts the fine-tuning phase
   * only, so it compares with a run from scratch.
   */
  pretrain?: { steps: number; episodes?: number; success?: number; explore?: Record<string, number> };
}

const WINDOW = 100;
const CURVE_POINTS = 100;

/** Fold a run's events into its result. */
export function resultFromEvents(
  run: Pick<BenchRun, 'key' | 'env' | 'rewards' | 'seed'>,
  events: readonly RunEvent[],
  wallSeconds: number,
): RunResult {
  const returns: number[] = [];
  const successes: boolean[] = [];
  let firstSuccessStep: number | null = null;
  let steps = 0;
  let episodes = 0;
  let lastEval: Extract<RunEvent, { type: 'eval' }> | undefined;
  let error: string | undefined;
  // Training time and steps summed over the run's segments (a resumed run has one per process: start/phase .. end).
  let segment: { t0: number; s0?: number } | undefined;
  let trainedSeconds = 0;
  let trainedSteps = 0;
  const curve: CurvePoint[] = [];
  let explore: Record<string, number> | undefined;
  let pretrain: RunResult['pretrain'];
  let pretrainSuccesses = 0;
  let pretrainJudged = 0;
  const recent = (): CurvePoint | undefined => {
    if (returns.length === 0) return undefined;
    const r = returns.slice(-20);
    const s = successes.slice(-20);
    return {
      step: steps,
      return: r.reduce((a, b) => a + b, 0) / r.length,
      success: s.length ? s.filter(Boolean).length / s.length : undefined,
    };
  };
  for (const ev of events) {
    if ((ev as PhaseTagged).phase === 'pretrain') {
      // pre-training: only its length and exploration; a fatal error still fails the run
      pretrain ??= { steps: 0 };
      if (ev.type === 'batch' || ev.type === 'end' || ev.type === 'checkpoint')
        pretrain.steps = Math.max(pretrain.steps, ev.step);
      if (ev.type === 'explore') pretrain.explore = ev.metrics;
      if (ev.type === 'episode') {
        pretrain.episodes = (pretrain.episodes ?? 0) + 1;
        if (ev.success !== undefined) {
          pretrainJudged += 1;
          if (ev.success) pretrainSuccesses += 1;
        }
      }
      if (ev.type === 'error' && ev.fatal) error = ev.message;
      if (ev.type === 'end' && ev.reason === 'error' && !error) error = 'run ended with an error';
      continue;
    }
    switch (ev.type) {
      case 'start':
        segment = { t0: ev.time };
        break;
      case 'phase':
        // the fine-tuning phase's own clock, for its SPS
        if (ev.phase === 'finetune') segment = { t0: ev.time };
        break;
      case 'explore':
        explore = ev.metrics;
        break;
      case 'episode':
        episodes += 1;
        steps = Math.max(steps, ev.step);
        returns.push(ev.return);
        if (returns.length > WINDOW) returns.shift();
        if (ev.success !== undefined) {
          successes.push(ev.success);
          if (successes.length > WINDOW) successes.shift();
          if (ev.success && firstSuccessStep === null) firstSuccessStep = ev.step;
        }
        break;
      case 'batch': {
        if (segment && segment.s0 === undefined) segment.s0 = ev.step - ev.steps;
        steps = Math.max(steps, ev.step);
        const p = recent();
        if (p) curve.push(p);
        break;
      }
      case 'eval':
        lastEval = ev;
        break;
      case 'error':
        if (ev.fatal) error = ev.message;
        break;
      case 'end':
        steps = Math.max(steps, ev.step);
        if (segment) {
          trainedSeconds += Math.max(0, ev.time - segment.t0) / 1000;
          trainedSteps += ev.step - (segment.s0 ?? ev.step);
          segment = undefined;
        }
        if (ev.reason === 'error' && !error) error = 'run ended with an error';
        break;
      default:
        break;
    }
  }
  const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const trainSuccess = successes.length ? successes.filter(Boolean).length / successes.length : undefined;
  if (pretrain && pretrainJudged > 0) pretrain.success = pretrainSuccesses / pretrainJudged;
  return {
    key: run.key,
    env: run.env,
    rewards: run.rewards,
    seed: run.seed,
    status: error ? 'failed' : 'done',
    error,
    steps,
    wallSeconds,
    sps: trainedSeconds > 0 ? trainedSteps / trainedSeconds : wallSeconds > 0 ? steps / wallSeconds : 0,
    episodes,
    return: lastEval ? lastEval.meanReturn : mean(returns),
    success: lastEval?.successRate ?? trainSuccess,
    firstSuccessStep,
    curve: thin(curve, CURVE_POINTS),
    ...(explore ? { explore } : {}),
    ...(pretrain ? { pretrain } : {}),
  };
}

/** At most `n` points, evenly picked, always keeping the last. */
function thin<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (n - 1))]!);
  return out;
}

/** Parse a JSONL file's text into events, ignoring a torn last line. */
export function parseEventsJsonl(text: string): RunEvent[] {
  const out: RunEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as RunEvent | null;
      // a damaged line that still parses (null, a number) is skipped like a torn one
      if (e !== null && typeof e === 'object' && typeof e.type === 'string') out.push(e);
    } catch {
      // a line being written when the run was interrupted
    }
  }
  return out;
}

/**
 * How a run's process ended, from its events: `done` when its last `end` says it took its budget (or stopped on its
 * own condition), `interrupted` when it was stopped first, `failed` on an error; undefined when it wrote no `end`.
 */
export function endStatus(events: readonly RunEvent[]): RunResult['status'] | undefined {
  let reason: string | undefined;
  for (const ev of events) if (ev.type === 'end') reason = ev.reason;
  if (reason === undefined) return undefined;
  return reason === 'stopped' ? 'interrupted' : reason === 'error' ? 'failed' : 'done';
}
