import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { RxgymError } from '../env.js';
import { RunningMeanStd } from '../running-stats.js';
import { Box, type Space } from '../spaces.js';
import { Wrapper } from '../wrapper.js';
import { OPTION_WORDING, defineParams, resolveParams, type ParamsOf } from '../params.js';

const PARAMS = defineParams({
  epsilon: { kind: 'number', min: 0, default: 1e-8, doc: 'added to the variance before the square root' },
});

/** Options of NormalizeObservation. */
export type NormalizeObservationOptions = Partial<ParamsOf<typeof PARAMS>>;

/**
 * Normalises Box observations to roughly zero mean and unit variance with running statistics:
 * (obs - mean) / sqrt(var + epsilon). Set `updateRunningMean = false` to freeze the statistics (evaluation).
 * The returned observation is a Float32Array this wrapper overwrites on the next step/reset.
 */
export class NormalizeObservation<A> extends Wrapper<Float32Array, A, unknown, A> {
  readonly epsilon: number;
  readonly obsRms: RunningMeanStd;
  /** Whether reset/step update the statistics. */
  updateRunningMean = true;
  private readonly space: Box;
  private readonly out: Float32Array;

  constructor(env: Env<unknown, A>, opts: NormalizeObservationOptions = {}) {
    super(env);
    this.epsilon = resolveParams('NormalizeObservation', opts, PARAMS, OPTION_WORDING).epsilon;
    const inner = env.observationSpace;
    if (!(inner instanceof Box)) {
      throw new RxgymError(
        `NormalizeObservation: needs a Box observation space, got ${inner.toJSON().type}; apply FlattenObservation ` +
          `first`,
      );
    }
    this.space = new Box(-Infinity, Infinity, inner.shape, 'float32');
    this.obsRms = new RunningMeanStd(inner.size);
    this.out = new Float32Array(inner.size);
  }

  override get observationSpace(): Space<Float32Array> {
    return this.space as Space<unknown> as Space<Float32Array>;
  }

  override reset(opts?: ResetOptions): ResetResult<Float32Array> {
    const r = this.env.reset(opts);
    return { obs: this.normalize(r.obs as ArrayLike<number>), info: r.info };
  }

  override step(action: A): StepResult<Float32Array> {
    const r = this.env.step(action) as StepResult<unknown>;
    r.obs = this.normalize(r.obs as ArrayLike<number>);
    return r as StepResult<Float32Array>;
  }

  private normalize(obs: ArrayLike<number>): Float32Array {
    if (this.updateRunningMean) this.obsRms.update(obs);
    const { mean, var: v } = this.obsRms;
    for (let i = 0; i < this.out.length; i++) this.out[i] = (obs[i]! - mean[i]!) / Math.sqrt(v[i]! + this.epsilon);
    return this.out;
  }
}
