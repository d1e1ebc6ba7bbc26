import type { TransitionBatch } from '../../src/stream/batch.js';
import type { RewardComponentConfig, RewardContext, RewardSourceInfo } from '../registry.js';
import type { RewardSource } from '../../src/core/reward.js';
import { EpisodeTracker } from './episode-tracker.js';
import { fieldsOpt, hashRow, obsRows, resolveObsKey } from './obs.js';
import { defineParams } from '../../src/core/params.js';
import { sourceOptions } from '../options.js';
import { RND_OPTIONS, rndSettings } from './rnd.js';
import { RndNets } from './rnd-nets.js';

const NOVELD_PARAMS = defineParams({
  alpha: {
    kind: 'number',
    min: 0,
    default: 0.5,
    doc: "weight of the state's novelty in max(nov(s') - alpha nov(s), 0)",
  },
  resolution: { kind: 'number', min: 0, default: 0, doc: 'round continuous values to this step for hashing (0: off)' },
});

/**
 * NovelD (Zhang et al. 2021): `max(nov(s') - alpha * nov(s), 0) * 1[N_ep(s') = 1]` with
 * `nov(x) = ||f^(x) - f(x)||_2` from an RND pair. alpha defaults to 0.5 (the NovelD paper; E3B's
 * BeBold code uses 0.1). The episode's first observation counts as visited. `fields` and `resolution`
 * select and round the values of the episodic hash, as for `count`.
 */
export class NovelDSource implements RewardSource {
  readonly kind = 'intrinsic' as const;
  private readonly key: string;
  readonly alpha: number;
  private readonly resolution: number;
  private readonly fields: number[] | undefined;
  readonly nets: RndNets;
  private readonly seen: Set<number>[];
  private readonly tracker: EpisodeTracker;

  constructor(
    readonly name: string,
    cfg: RewardComponentConfig,
    ctx: RewardContext,
  ) {
    const { key, dim } = resolveObsKey(cfg, ctx.observationSpace);
    this.key = key;
    const o = sourceOptions(cfg, NOVELD_PARAMS);
    this.alpha = o.alpha;
    this.resolution = o.resolution;
    this.fields = fieldsOpt(cfg, dim);
    this.nets = new RndNets(rndSettings(cfg, ctx, dim));
    this.seen = Array.from({ length: ctx.numEnvs }, () => new Set<number>());
    this.tracker = new EpisodeTracker(ctx.numEnvs);
  }

  /** Novelty `||f^(x) - f(x)||_2` per row. */
  novelty(data: Float32Array, rows: number): Float32Array {
    return this.nets.sqError(data, rows).map(Math.sqrt);
  }

  compute(batch: TransitionBatch): Float32Array {
    const cur = obsRows(batch.obs, this.key);
    const nxt = obsRows(batch.nextObs, this.key);
    const novCur = this.novelty(cur.data, cur.rows);
    const novNext = this.novelty(nxt.data, nxt.rows);
    const out = new Float32Array(nxt.rows);
    for (let k = 0; k < nxt.rows; k++) {
      const seen = this.seen[k % batch.numEnvs]!;
      if (this.tracker.enter(batch, k)) {
        seen.clear();
        if (batch.episodeSteps[k] === 0) seen.add(hashRow(cur.data, k, cur.dim, this.resolution, this.fields));
      }
      const h = hashRow(nxt.data, k, nxt.dim, this.resolution, this.fields);
      const first = !seen.has(h);
      seen.add(h);
      out[k] = first ? Math.max(novNext[k]! - this.alpha * novCur[k]!, 0) : 0;
    }
    return out;
  }

  update(batch: TransitionBatch): void {
    const { data, rows } = obsRows(batch.nextObs, this.key);
    this.nets.train(data, rows);
  }

  saveState(): unknown {
    return { nets: this.nets.saveState(), seen: this.seen.map((s) => [...s]), tracker: this.tracker.state() };
  }
  loadState(s: unknown): void {
    const st = s as { nets: unknown; seen: number[][]; tracker: number[] };
    this.nets.loadState(st.nets);
    st.seen.forEach((e, i) => {
      const set = this.seen[i];
      if (set) {
        set.clear();
        for (const h of e) set.add(h);
      }
    });
    this.tracker.restore(st.tracker);
  }

  dispose(): void {
    this.nets.dispose();
  }
}

/** Registry info of `noveld`. */
export const novelDInfo: RewardSourceInfo = {
  defaults: { normalize: 'none', episodic: true },
  options: [...RND_OPTIONS, ...Object.keys(NOVELD_PARAMS), 'fields'],
  description: 'NovelD: clipped novelty difference on first visits within the episode',
};
