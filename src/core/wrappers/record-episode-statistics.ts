import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { RxgymError } from '../env.js';
import { Wrapper } from '../wrapper.js';
import { OPTION_WORDING, defineParams, resolveParams, type ParamsOf } from '../params.js';

const PARAMS = defineParams({
  bufferLength: { kind: 'number', min: 1, default: 100, doc: 'how many finished episodes the queues keep' },
  statsKey: { kind: 'string', default: 'episode', doc: 'the info key the statistics go under' },
});

/** Options of RecordEpisodeStatistics. */
export type RecordEpisodeStatisticsOptions = Partial<ParamsOf<typeof PARAMS>>;

/** The statistics of one finished episode: return, length, wall-clock seconds. */
export interface EpisodeStats {
  r: number;
  l: number;
  t: number;
}

/**
 * At the end of each episode adds `info[statsKey] = { r, l, t }` (return, length, seconds), as Gymnasium's wrapper,
 * and keeps the last `bufferLength` episodes in `returnQueue`/`lengthQueue`/`timeQueue`.
 */
export class RecordEpisodeStatistics<O, A> extends Wrapper<O, A> {
  readonly statsKey: string;
  readonly bufferLength: number;
  readonly returnQueue: number[] = [];
  readonly lengthQueue: number[] = [];
  readonly timeQueue: number[] = [];
  private episodeReturn = 0;
  private episodeLength = 0;
  private episodeStart = 0;

  constructor(env: Env<O, A>, opts: RecordEpisodeStatisticsOptions = {}) {
    super(env);
    const o = resolveParams('RecordEpisodeStatistics', opts, PARAMS, OPTION_WORDING);
    this.bufferLength = o.bufferLength;
    this.statsKey = o.statsKey;
  }

  override reset(opts?: ResetOptions): ResetResult<O> {
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.episodeStart = performance.now();
    return this.env.reset(opts);
  }

  override step(action: A): StepResult<O> {
    const r = this.env.step(action);
    this.episodeReturn += r.reward;
    this.episodeLength++;
    if (r.terminated || r.truncated) {
      // Gymnasium asserts this too: the env's own value (or an inner wrapper's statistics) would be lost silently
      if (this.statsKey in r.info) {
        const fix = `pass another key, e.g. new RecordEpisodeStatistics(env, { statsKey: 'episodeStats' })`;
        throw new RxgymError(`RecordEpisodeStatistics: info already holds "${this.statsKey}"; ${fix}`);
      }
      const stats: EpisodeStats = {
        r: this.episodeReturn,
        l: this.episodeLength,
        t: Math.round((performance.now() - this.episodeStart) * 1e3) / 1e6,
      };
      // A new info object: envs may hand out a shared (frozen) one.
      r.info = { ...r.info, [this.statsKey]: stats };
      push(this.returnQueue, stats.r, this.bufferLength);
      push(this.lengthQueue, stats.l, this.bufferLength);
      push(this.timeQueue, stats.t, this.bufferLength);
    }
    return r;
  }
}

function push(q: number[], v: number, cap: number): void {
  q.push(v);
  if (q.length > cap) q.shift();
}
