import { RewardConfigError } from '../../src/core/reward.js';
import { Rng } from '../../src/core/rng.js';
import type { TransitionBatch } from '../../src/stream/batch.js';
import { filterBatch, type BatchFilter, type FilterStrategy } from '../../src/stream/episodes.js';

/** The strategies of PF-PPO's filter. */
export const FILTER_STRATEGIES: readonly FilterStrategy[] = ['best-worst', 'best-random', 'top'];

/** A component's `filter: { strategy, keep }`. */
export interface FilterSpec {
  strategy: FilterStrategy;
  keep: number;
}

/** Read a component's `filter` at key path `at` (undefined when it has none). */
export function parseFilter(cfg: Record<string, unknown>, at: string): FilterSpec | undefined {
  const f = cfg.filter;
  if (f === undefined) return undefined;
  const p = `${at}.filter`;
  if (typeof f !== 'object' || f === null || Array.isArray(f)) {
    throw new RewardConfigError(
      p,
      `expected { strategy: ${FILTER_STRATEGIES.join(' | ')}, keep }, got ${JSON.stringify(f)}`,
    );
  }
  const o = f as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'strategy' && k !== 'keep')
      throw new RewardConfigError(`${p}.${k}`, 'unknown key; known keys: strategy, keep');
  }
  const strategy = o.strategy ?? 'best-worst';
  if (typeof strategy !== 'string' || !(FILTER_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new RewardConfigError(
      `${p}.strategy`,
      `must be one of ${FILTER_STRATEGIES.join(', ')}, got ${JSON.stringify(strategy)}`,
    );
  }
  const keep = o.keep ?? 2;
  if (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 1) {
    throw new RewardConfigError(
      `${p}.keep`,
      `must be a positive integer (episodes kept per problem), got ${JSON.stringify(keep)}`,
    );
  }
  return { strategy: strategy as FilterStrategy, keep };
}

/**
 * PF-PPO's filter on a component (a learned, noisy reward model): after each batch is annotated, the episodes of
 * each problem are ranked by that component's episodic value and only the kept ones' rows are learned from
 * (`batch.filter`); R² between the component's and the env's episodic values tells the strategies apart.
 */
export class EpisodeFilter {
  private readonly rng: Rng;

  constructor(
    readonly spec: FilterSpec,
    seed: number,
  ) {
    this.rng = new Rng(seed);
  }

  apply(batch: TransitionBatch, scores: Float32Array): BatchFilter {
    return filterBatch(batch, scores, this.spec.strategy, this.spec.keep, this.rng);
  }
}
