/** The checkpoint form of a `RunningMeanStd`. */
export interface RunningStatsState {
  mean: number[];
  var: number[];
  count: number;
}

/**
 * Running mean and variance per dimension (Chan et al.'s parallel update) in float64, starting like Gymnasium's
 * RunningMeanStd: mean 0, var 1, count 1e-4. The wrappers fold in one sample at a time (`update`), the reward
 * normalisers and RND's observation statistics a batch of rows at a time (`updateBatch`).
 */
export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count = 1e-4;
  private readonly batchMean: Float64Array;
  private readonly batchVar: Float64Array;

  constructor(readonly size = 1) {
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.batchMean = new Float64Array(size);
    this.batchVar = new Float64Array(size);
  }

  /** Add one sample (`size` values). */
  update(x: ArrayLike<number>): void {
    const n = this.count + 1;
    for (let i = 0; i < this.size; i++) {
      const delta = x[i]! - this.mean[i]!;
      const m2 = this.var[i]! * this.count + (delta * delta * this.count) / n;
      this.mean[i] = this.mean[i]! + delta / n;
      this.var[i] = m2 / n;
    }
    this.count = n;
  }

  /** Add one scalar sample (size 1). */
  updateScalar(x: number): void {
    const n = this.count + 1;
    const delta = x - this.mean[0]!;
    const m2 = this.var[0]! * this.count + (delta * delta * this.count) / n;
    this.mean[0] = this.mean[0]! + delta / n;
    this.var[0] = m2 / n;
    this.count = n;
  }

  /** Add `rows` samples laid out row-major in `xs` (`rows x size` values; all of `xs` when `rows` is omitted). */
  updateBatch(xs: ArrayLike<number>, rows = xs.length / this.size): void {
    if (rows === 0) return;
    const d = this.size,
      m = this.batchMean,
      v = this.batchVar;
    m.fill(0);
    v.fill(0);
    for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) m[j]! += xs[r * d + j]!;
    for (let j = 0; j < d; j++) m[j]! /= rows;
    for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) v[j]! += (xs[r * d + j]! - m[j]!) ** 2;
    for (let j = 0; j < d; j++) v[j]! /= rows;
    const tot = this.count + rows;
    for (let j = 0; j < d; j++) {
      const delta = m[j]! - this.mean[j]!;
      this.mean[j]! += (delta * rows) / tot;
      this.var[j] = (this.var[j]! * this.count + v[j]! * rows + (delta * delta * this.count * rows) / tot) / tot;
    }
    this.count = tot;
  }

  /** Standard deviation of dimension `i`, with a 1e-8 floor on the variance. */
  std(i = 0): number {
    return Math.sqrt(this.var[i]! + 1e-8);
  }

  /** `(x - mean) / std` of `rows` samples, clipped to `[-clip, clip]`, written into `out`. */
  normalize(xs: ArrayLike<number>, rows: number, clip: number, out: Float32Array): Float32Array {
    const d = this.size;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < d; j++) {
        const z = (xs[r * d + j]! - this.mean[j]!) / Math.sqrt(this.var[j]! + 1e-8);
        out[r * d + j] = z > clip ? clip : z < -clip ? -clip : z;
      }
    }
    return out;
  }

  /** Plain state for checkpoints. */
  state(): RunningStatsState {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  /** Restore `state()`. */
  restore(s: RunningStatsState): void {
    this.mean.set(s.mean);
    this.var.set(s.var);
    this.count = s.count;
  }
}
