/**
 * Running mean and variance per dimension (Chan et al.'s parallel update), starting like Gymnasium's RunningMeanStd:
 * mean 0, var 1, count 1e-4.
 */
export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count = 1e-4;

  constructor(readonly size: number) {
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
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
}
