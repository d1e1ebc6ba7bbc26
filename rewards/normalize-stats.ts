/** Running mean and variance over a stream of batches (Chan et al. parallel update), in float64. */
export class RunningMeanStd {
  mean = 0;
  var = 1;
  count = 1e-4;

  /** Fold in `n` values from `xs` (all of it when `n` is omitted). */
  update(xs: ArrayLike<number>, n = xs.length): void {
    if (n === 0) return;
    let m = 0;
    for (let i = 0; i < n; i++) m += xs[i]!;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (xs[i]! - m) ** 2;
    v /= n;
    const delta = m - this.mean;
    const tot = this.count + n;
    this.mean += (delta * n) / tot;
    this.var = (this.var * this.count + v * n + (delta * delta * this.count * n) / tot) / tot;
    this.count = tot;
  }

  /** Plain state for checkpoints. */
  state(): { mean: number; var: number; count: number } {
    return { mean: this.mean, var: this.var, count: this.count };
  }
  /** Restore `state()`. */
  restore(s: { mean: number; var: number; count: number }): void {
    this.mean = s.mean; this.var = s.var; this.count = s.count;
  }

  /** Standard deviation (with a small floor). */
  get std(): number {
    return Math.sqrt(this.var + 1e-8);
  }
}

/** Per-dimension running mean and variance of vectors of size `dim`. */
export class RunningMeanStdVec {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count = 1e-4;
  constructor(readonly dim: number) {
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
  }

  /** Fold in `rows` vectors laid out row-major in `xs`. */
  update(xs: ArrayLike<number>, rows: number): void {
    if (rows === 0) return;
    const d = this.dim;
    const m = new Float64Array(d);
    const v = new Float64Array(d);
    for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) m[j]! += xs[r * d + j]!;
    for (let j = 0; j < d; j++) m[j]! /= rows;
    for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) v[j]! += (xs[r * d + j]! - m[j]!) ** 2;
    const tot = this.count + rows;
    for (let j = 0; j < d; j++) {
      const delta = m[j]! - this.mean[j]!;
      this.mean[j]! += (delta * rows) / tot;
      this.var[j] = (this.var[j]! * this.count + v[j]! + (delta * delta * this.count * rows) / tot) / tot;
    }
    this.count = tot;
  }

  /** Plain state for checkpoints. */
  state(): { mean: number[]; var: number[]; count: number } {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }
  /** Restore `state()`. */
  restore(s: { mean: number[]; var: number[]; count: number }): void {
    this.mean.set(s.mean); this.var.set(s.var); this.count = s.count;
  }

  /** `(x - mean) / std` clipped to `[-clip, clip]`, written into `out`. */
  normalize(xs: ArrayLike<number>, rows: number, clip: number, out: Float32Array): Float32Array {
    const d = this.dim;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < d; j++) {
        const z = (xs[r * d + j]! - this.mean[j]!) / Math.sqrt(this.var[j]! + 1e-8);
        out[r * d + j] = z > clip ? clip : z < -clip ? -clip : z;
      }
    }
    return out;
  }
}
