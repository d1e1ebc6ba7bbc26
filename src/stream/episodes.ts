import type { Rng } from '../core/rng.js';
import type { TransitionBatch } from './batch.js';

/** One episode's transitions in a batch (it may have started in an earlier one). */
export interface BatchEpisode {
  env: number;
  /** Problem id (`batch.stepLabels.problem`), -1 where the env gives none. */
  problem: number;
  /** Row indices (t * N + i), in time order. */
  rows: number[];
  /** Sum of the scores over the rows (the reward model's; for RAFT, the reward the agent learns from). */
  score: number;
  /** Sum of the env's own reward over the rows: the true score (for outcome rewards, paid at the last step). */
  truth: number;
}

/**
 * The episodes that end in `batch`, each with the rows it has in the batch and the sum of `scores` over them. Rows of
 * episodes still running at the batch's end are not in any: their score is not known yet.
 */
export function endedEpisodes(batch: TransitionBatch, scores: Float32Array): BatchEpisode[] {
  const N = batch.numEnvs,
    T = batch.numSteps;
  const out: BatchEpisode[] = [];
  for (let i = 0; i < N; i++) {
    let rows: number[] = [];
    for (let t = 0; t < T; t++) {
      const k = t * N + i;
      rows.push(k);
      if (!batch.terminations[k] && !batch.truncations[k]) continue;
      let score = 0,
        truth = 0;
      for (const r of rows) {
        score += scores[r]!;
        truth += batch.rewards[r]!;
      }
      out.push({ env: i, problem: batch.stepLabels?.problem[rows[0]!] ?? -1, rows, score, truth });
      rows = [];
    }
  }
  return out;
}

/**
 * Episodes grouped by problem: the episodes of one env that pose the same problem (`repeat` N gives N of them), or,
 * where the env names no problems, all episodes of the batch as one group.
 */
export function groupByProblem(episodes: BatchEpisode[]): BatchEpisode[][] {
  const groups = new Map<string, BatchEpisode[]>();
  for (const e of episodes) {
    const key = e.problem < 0 ? 'all' : `${e.env}:${e.problem}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(e);
  }
  return [...groups.values()];
}

/** How PF-PPO keeps episodes of a group by their reward-model score. */
export type FilterStrategy = 'best-worst' | 'best-random' | 'top';

/**
 * The `keep` episodes of a group that a strategy keeps: `top` the best; `best-worst` the best half and the worst
 * half; `best-random` the best one and random others. Ties break at random. A group of `keep` or fewer is kept whole.
 */
export function selectEpisodes(
  group: BatchEpisode[],
  strategy: FilterStrategy,
  keep: number,
  rng: Rng,
): BatchEpisode[] {
  if (group.length <= keep) return group;
  const sorted = rng.shuffle([...group]).sort((a, b) => b.score - a.score);
  if (strategy === 'top') return sorted.slice(0, keep);
  if (strategy === 'best-worst') {
    const best = Math.ceil(keep / 2);
    return [...sorted.slice(0, best), ...sorted.slice(sorted.length - (keep - best))];
  }
  const rest = rng.shuffle(sorted.slice(1));
  return [sorted[0]!, ...rest.slice(0, keep - 1)];
}

/** R² of the least-squares line through (score, truth): the squared correlation; undefined without variance. */
export function rSquared(episodes: readonly BatchEpisode[]): number | undefined {
  const n = episodes.length;
  if (n < 2) return undefined;
  let mx = 0,
    my = 0;
  for (const e of episodes) {
    mx += e.score;
    my += e.truth;
  }
  mx /= n;
  my /= n;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (const e of episodes) {
    sxy += (e.score - mx) * (e.truth - my);
    sxx += (e.score - mx) ** 2;
    syy += (e.truth - my) ** 2;
  }
  if (sxx <= 1e-12 || syy <= 1e-12) return undefined;
  return (sxy * sxy) / (sxx * syy);
}

/** What a filter made of a batch: 1 for the rows to learn from, and its statistics. */
export interface BatchFilter {
  keep: Uint8Array;
  stats: Record<string, number>;
}

/**
 * PF-PPO's filtration of a batch by `scores` (the reward model's values): the rows of the episodes each problem group
 * keeps, and statistics — the share of episodes and rows kept, and R² between the reward model's score and the true
 * score (the env's reward) on the kept episodes and on all of them (the paper picks the strategy whose kept samples
 * have the highest R²).
 */
export function filterBatch(
  batch: TransitionBatch,
  scores: Float32Array,
  strategy: FilterStrategy,
  keep: number,
  rng: Rng,
): BatchFilter {
  const all = endedEpisodes(batch, scores);
  const kept = groupByProblem(all).flatMap((g) => selectEpisodes(g, strategy, keep, rng));
  const mask = new Uint8Array(batch.numSteps * batch.numEnvs);
  let rows = 0;
  for (const e of kept)
    for (const r of e.rows) {
      mask[r] = 1;
      rows++;
    }
  const stats: Record<string, number> = {
    'filter.episodes': all.length,
    'filter.keptEpisodes': all.length === 0 ? 0 : kept.length / all.length,
    'filter.keptRows': rows / mask.length,
  };
  const r2Kept = rSquared(kept),
    r2All = rSquared(all);
  if (r2Kept !== undefined) stats['filter.r2Kept'] = r2Kept;
  if (r2All !== undefined) stats['filter.r2All'] = r2All;
  return { keep: mask, stats };
}
