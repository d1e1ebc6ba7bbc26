import type { TransitionBatch } from '../../src/stream/batch.js';
import type { RewardComponentConfig, RewardContext, RewardSourceInfo } from '../registry.js';
import type { RewardSource } from '../../src/core/reward.js';
import { EpisodeTracker } from './episode-tracker.js';
import { fieldsOpt, hashRow, obsRows, resolveObsKey } from './obs.js';
import { defineParams } from '../../src/core/params.js';
import { sourceOptions } from '../options.js';

const COUNT_PARAMS = defineParams({
  resolution: { kind: 'number', min: 0, default: 0, doc: 'round continuous values to this step for hashing (0: off)' },
});

/**
 * Count-based bonus `1 / sqrt(N(s'))` over a hashed observation key (as E3B's MiniHack count baseline).
 * Episodic (the default): N counts visits within the current episode of each env; global: over the
 * whole run. `fields` hashes only some indices of the key; `resolution` > 0 rounds continuous values.
 */
export class CountSource implements RewardSource {
  readonly kind = 'intrinsic' as const;
  private readonly key: string;
  private readonly resolution: number;
  private readonly fields: number[] | undefined;
  private readonly episodic: boolean;
  private readonly global = new Map<number, number>();
  private readonly perEnv: Map<number, number>[];
  private readonly tracker: EpisodeTracker;

  constructor(
    readonly name: string,
    cfg: RewardComponentConfig,
    ctx: RewardContext,
  ) {
    const { key, dim } = resolveObsKey(cfg, ctx.observationSpace);
    this.key = key;
    this.fields = fieldsOpt(cfg, dim);
    this.resolution = sourceOptions(cfg, COUNT_PARAMS).resolution;
    this.episodic = cfg.episodic ?? true;
    this.perEnv = Array.from({ length: ctx.numEnvs }, () => new Map<number, number>());
    this.tracker = new EpisodeTracker(ctx.numEnvs);
  }

  compute(batch: TransitionBatch): Float32Array {
    const { data, dim, rows } = obsRows(batch.nextObs, this.key);
    const out = new Float32Array(rows);
    for (let k = 0; k < rows; k++) {
      let table = this.global;
      if (this.episodic) {
        table = this.perEnv[k % batch.numEnvs]!;
        if (this.tracker.enter(batch, k)) table.clear();
      }
      const h = hashRow(data, k, dim, this.resolution, this.fields);
      const n = (table.get(h) ?? 0) + 1;
      table.set(h, n);
      out[k] = 1 / Math.sqrt(n);
    }
    return out;
  }

  /** Plain state for checkpoints. */
  saveState(): unknown {
    return { global: [...this.global], perEnv: this.perEnv.map((m) => [...m]), tracker: this.tracker.state() };
  }
  /** Restore `saveState()`. */
  loadState(s: unknown): void {
    const st = s as { global: [number, number][]; perEnv: [number, number][][]; tracker: number[] };
    this.global.clear();
    for (const [k, v] of st.global) this.global.set(k, v);
    st.perEnv.forEach((e, i) => {
      const m = this.perEnv[i];
      if (m) {
        m.clear();
        for (const [k, v] of e) m.set(k, v);
      }
    });
    this.tracker.restore(st.tracker);
  }

  /** Distinct states in the global table (or summed over envs' current episodes). */
  distinctStates(): number {
    return this.episodic ? this.perEnv.reduce((a, m) => a + m.size, 0) : this.global.size;
  }
}

/** Registry info of `count`. */
export const countInfo: RewardSourceInfo = {
  defaults: { episodic: true, normalize: 'none' },
  options: ['key', 'fields', ...Object.keys(COUNT_PARAMS)],
  description: '1/sqrt(N) visit-count bonus over a hashed observation key, episodic or global',
};
