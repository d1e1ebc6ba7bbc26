import { loadScenario } from './scenario.js';
import { startRun } from './run.js';
import type { RunEvent } from '../stream/events.js';
import { buildRewardStack, type RewardComponentConfig } from '../../rewards/stack.js';
import type { RewardContext } from '../../rewards/registry.js';
import type { TrainFeedback } from '../../rewards/code/prompt.js';

/** What a trainer is asked: train on the reward module at `file`, writing the run into `dir`. */
export interface TrainRequest { file: string; dir: string; envId: string; steps: number; seed: number }
/** Trains one candidate and summarises it for the reflection; `error` when training failed. */
export type TrainFn = (req: TrainRequest) => Promise<TrainFeedback & { error?: string }>;

/** Eureka samples every component at ten points along training. */
function subsample(xs: number[], points = 10): number[] {
  if (xs.length <= points) return xs.slice();
  return Array.from({ length: points }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (points - 1))]!);
}

/**
 * A trainer on rxgym's own training loop (`startRun`): the base scenario (env, agent, hyper-parameters) with
 * `rewards: [{ source: code, file, onError: zero, group: extrinsic }]` and the given budget. Agents and reward
 * sources must be registered by the caller (the CLI does).
 */
export function startRunTrainer(base: Record<string, unknown> = {}): TrainFn {
  return async (req) => {
    const env = { numEnvs: 8, ...((base.env as Record<string, unknown> | undefined) ?? {}), id: req.envId };
    const scenario = loadScenario({
      agent: { type: 'ppo' },
      ...base,
      name: 'refine-candidate',
      env,
      rewards: [{ source: 'code', file: req.file, onError: 'zero', group: 'extrinsic' }],
      budget: { steps: req.steps },
      seeds: [req.seed],
      output: { dir: req.dir },
      checkpoint: { every: 0 },
    });
    const series: Record<string, number[]> = {};
    const totals: Record<string, { min: number; max: number; sum: number; n: number }> = {};
    let episodes = 0, successes = 0, returns = 0;
    const handle = startRun(scenario, {
      runDir: req.dir,
      quiet: true,
      rewardStack: (configs, ctx) => {
        const stack = buildRewardStack(configs as RewardComponentConfig[] | undefined, ctx as unknown as RewardContext);
        stack.events$.subscribe((e) => {
          if (e.kind !== 'info' || e.source !== 'code') return;
          const comps = e.data.components as Record<string, { count: number; mean: number; min: number; max: number }> | undefined;
          for (const [name, s] of Object.entries(comps ?? {})) {
            if (!s.count) continue;
            (series[name] ??= []).push(s.mean);
            const t = (totals[name] ??= { min: Infinity, max: -Infinity, sum: 0, n: 0 });
            t.min = Math.min(t.min, s.min);
            t.max = Math.max(t.max, s.max);
            t.sum += s.mean * s.count;
            t.n += s.count;
          }
        });
        return stack;
      },
    });
    handle.events$.subscribe((e: RunEvent) => {
      if (e.type !== 'episode') return;
      episodes++;
      returns += e.return;
      if (e.success) successes++;
    });
    try {
      const summary = await handle.done;
      const components = Object.fromEntries(
        Object.entries(series).map(([k, xs]) => [k, { series: subsample(xs), min: totals[k]!.min, max: totals[k]!.max, mean: totals[k]!.sum / Math.max(1, totals[k]!.n) }]),
      );
      return {
        successRate: summary.lastEval?.successRate ?? summary.successRate ?? (episodes ? successes / episodes : 0),
        meanReturn: summary.lastEval?.meanReturn ?? summary.returnMean ?? (episodes ? returns / episodes : undefined),
        steps: summary.steps,
        components,
        error: summary.reason === 'error' ? 'training stopped with an error (see events.jsonl in the candidate directory)' : undefined,
      };
    } catch (e) {
      return { successRate: 0, steps: 0, components: {}, error: (e as Error).message };
    }
  };
}
