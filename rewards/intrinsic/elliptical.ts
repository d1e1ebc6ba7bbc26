/**
 * The elliptical bonus of E3B for one env: keeps `C^-1` with `C = lambda I + sum phi phi^T` over the
 * embeddings seen this episode, updated by Sherman–Morrison, in float64.
 */
export class EllipticalBonus {
  readonly inv: Float64Array;
  private readonly u: Float64Array;
  constructor(
    readonly dim: number,
    readonly ridge: number,
  ) {
    this.inv = new Float64Array(dim * dim);
    this.u = new Float64Array(dim);
    this.reset();
  }

  /** Start an episode: `C^-1 = I / lambda`. */
  reset(): void {
    this.inv.fill(0);
    for (let j = 0; j < this.dim; j++) this.inv[j * this.dim + j] = 1 / this.ridge;
  }

  /** Plain state for checkpoints. */
  state(): number[] {
    return Array.from(this.inv);
  }
  /** Restore `state()`. */
  restore(s: number[]): void {
    this.inv.set(s);
  }

  /** Bonus `b = phi^T C^-1 phi` of `phi` (at `off` in `data`), then fold phi into `C^-1`. */
  step(data: ArrayLike<number>, off = 0): number {
    const d = this.dim,
      inv = this.inv,
      u = this.u;
    let b = 0;
    for (let r = 0; r < d; r++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += inv[r * d + c]! * data[off + c]!;
      u[r] = s;
      b += data[off + r]! * s;
    }
    const k = 1 / (1 + b);
    for (let r = 0; r < d; r++) {
      const ur = u[r]! * k;
      for (let c = 0; c < d; c++) inv[r * d + c]! -= ur * u[c]!;
    }
    return b;
  }
}
