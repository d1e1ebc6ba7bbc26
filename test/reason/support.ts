import { Rng } from '../../src/core/rng.js';
import type { ActOptions, Policy, PolicyOutput } from '../../src/stream/policy.js';
import type { ObsBatch } from '../../src/stream/batch.js';

/** A policy that picks uniformly among the allowed actions (seeded), or `pick` among them when given. */
export class MaskedRandom implements Policy {
  private readonly rng: Rng;
  constructor(
    seed: number,
    private readonly n: number,
    private readonly pick?: (allowed: number[]) => number,
  ) {
    this.rng = new Rng(seed);
  }

  act(_obs: ObsBatch, count: number, opts: ActOptions = {}): PolicyOutput {
    const actions = new Int32Array(count);
    for (let r = 0; r < count; r++) {
      const ok: number[] = [];
      for (let a = 0; a < this.n; a++) if (!opts.actionMask || opts.actionMask[r * this.n + a]) ok.push(a);
      actions[r] = this.pick ? this.pick(ok) : ok[this.rng.int(0, ok.length)]!;
    }
    return { actions };
  }
}
