import { RxgymError } from '../../src/core/env.js';

/**
 * VLM-RM's goal-baseline reward on unit embeddings: R(x) = 1 - 1/2 |(x - g) M|^2 with M = alpha P + (1 - alpha) I,
 * g the mean goal embedding, b the mean baseline embedding and P the projection onto the line d = g - b.
 * With u = d / |d| and v = x - g, vM = (1 - alpha) v + alpha (v.u) u, so
 * |vM|^2 = (1 - alpha)^2 |v|^2 + alpha (2 - alpha) (v.u)^2: O(dim) per frame, no dim x dim matrix.
 * alpha = 0 is the cosine similarity to g (for unit g); alpha = 1 scores only the position along the line.
 */
export class GoalBaselineReward {
  /** Mean goal embedding. */
  readonly g: Float32Array;
  /** Unit direction from the baseline to the goal. */
  readonly u: Float32Array;

  constructor(
    goals: Float32Array,
    baselines: Float32Array,
    readonly dim: number,
    readonly alpha: number,
  ) {
    if (!(alpha >= 0 && alpha <= 1)) throw new RxgymError(`alpha must be in [0, 1], got ${alpha}`);
    this.g = meanRow(goals, dim);
    const b = meanRow(baselines, dim);
    this.u = new Float32Array(dim);
    let len = 0;
    for (let j = 0; j < dim; j++) {
      this.u[j] = this.g[j]! - b[j]!;
      len += this.u[j]! * this.u[j]!;
    }
    len = Math.sqrt(len);
    if (len < 1e-6 && alpha > 0) {
      throw new RxgymError(
        'the goal and the baseline sentences embed to the same vector, so alpha > 0 has no direction; reword the ' +
          'baseline or set alpha: 0',
      );
    }
    for (let j = 0; j < dim; j++) this.u[j] = len > 0 ? this.u[j]! / len : 0;
  }

  /** The reward of the unit embedding in row `row` of `x`. */
  score(x: Float32Array, row: number): number {
    const o = row * this.dim;
    let vv = 0,
      vu = 0;
    for (let j = 0; j < this.dim; j++) {
      const v = x[o + j]! - this.g[j]!;
      vv += v * v;
      vu += v * this.u[j]!;
    }
    const a = this.alpha;
    return 1 - 0.5 * ((1 - a) * (1 - a) * vv + a * (2 - a) * vu * vu);
  }
}

function meanRow(x: Float32Array, dim: number): Float32Array {
  const n = x.length / dim;
  if (!Number.isInteger(n) || n < 1)
    throw new RxgymError(`expected at least one embedding of length ${dim}, got ${x.length} values`);
  const m = new Float32Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) m[j]! += x[i * dim + j]! / n;
  return m;
}
