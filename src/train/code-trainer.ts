import { loadScenario } from './scenario.js';
import { startRun } from './run.js';
import type { RunEvent } from '../stream/events.js';
import type { Registry } from '../core/registry.js';
import { builtinRegistry } from './builtins.js';

import type { TrainFn } from '../../rewards/code/train-fn.js';

export type { TrainFn, TrainRequest } from '../../rewards/code/train-fn.js';

/** Eureka samples every component at ten points along training. */
function subsample(xs: number[], points = 10): number[] {
  if (xs.length <= points) return xs.slice();
  return Array.from({ length: points }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (points - 1))]!);
}

/**
 * A trainer on rxgym's own training loop (`startRun`): the base scenario (env, agent, hyper-parameters) with
 * `rewards: [{ source: code, file, onError: zero, group: extrinsic }]` and the given budget. Agents and reward
 * sources come from `registry`.
 */
export function startRunTrainer(base: Record<string, unknown> = {}, registry: Registry = builtinRegistry()): TrainFn {
  return async (req) => {
    const env = { numEnvs: 8, ...((base.env as Record<string, unknown> | undefined) ?? {}), id: req.envId };
    const scenario = loadScenario(
      {
        agent: { type: 'ppo' },
        ...base,
        name: 'refine-candidate',
        env,
        rewards: [{ source: 'code', file: req.file, onError: 'zero', group: 'extrinsic' }],
        budget: { steps: req.steps },
        seeds: [req.seed],
        output: { dir: req.dir },
        checkpoint: { every: 0 },
      },
      registry,
    );
    const series: Record<string, number[]> = {};
    const totals: Record<string, { min: number; max: number; sum: number; n: number }> = {};
    let episodes = 0,
      successes = 0,
      returns = 0;
    const handle = startRun(scenario, { registry: registry, runDir: req.dir, quiet: true });
    // The code source's total is its component (`code`), its named parts are `code/<part>` in each batch's summary.
    handle.events$.subscribe((e: RunEvent) => {
      if (e.type !== 'rewards') return;
      for (const [key, st] of Object.entries(e.components)) {
        const name = key === 'code' ? 'total' : key.startsWith('code/') ? key.slice(5) : undefined;
        if (name === undefined) continue;
        (series[name] ??= []).push(st.rawMean);
        const t = (totals[name] ??= { min: Infinity, max: -Infinity, sum: 0, n: 0 });
        t.min = Math.min(t.min, st.min);
        t.max = Math.max(t.max, st.max);
        t.sum += st.rawMean;
        t.n += 1;
      }
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
        Object.entries(series).map(([k, xs]) => [
          k,
          {
            series: subsample(xs),
            min: totals[k]!.min,
            max: totals[k]!.max,
            mean: totals[k]!.sum / Math.max(1, totals[k]!.n),
          },
        ]),
      );
      return {
        successRate: summary.lastEval?.successRate ?? summary.successRate ?? (episodes ? successes / episodes : 0),
        meanReturn: summary.lastEval?.meanReturn ?? summary.returnMean ?? (episodes ? returns / episodes : undefined),
        steps: summary.steps,
        components,
        error:
          summary.reason === 'error'
            ? 'training stopped with an error (see events.jsonl in the candidate directory)'
            : undefined,
      };
    } catch (e) {
      return { successRate: 0, steps: 0, components: {}, error: (e as Error).message };
    }
  };
}
