import { randomInt } from 'node:crypto';
import seedrandom from 'seedrandom';
import { RxgymError } from './env.js';

/** Serialisable generator state, for checkpoints. */
export type RngState = { seed: number; state: object };

/**
 * The one random number generator of rxgym: a seeded xor4096 stream (seedrandom) with helpers.
 * Never use `Math.random` in the library; fork an `Rng` instead.
 */
export class Rng {
  private prng: seedrandom.StatefulPRNG<seedrandom.State.Xor4096>;
  /** The seed this generator was created from. */
  readonly seed: number;

  constructor(seed: number, state?: object) {
    if (!Number.isInteger(seed) || seed < 0) {
      const got = typeof seed === 'string' ? JSON.stringify(seed) : String(seed);
      throw new RxgymError(`Rng seed must be a non-negative integer, got ${got}; pass e.g. reset({ seed: 0 })`);
    }
    this.seed = seed;
    this.prng = state
      ? seedrandom.xor4096('', { state: state as seedrandom.State.Xor4096 })
      : seedrandom.xor4096(String(seed), { state: true });
  }

  /** Uniform float in [0, 1). */
  random(): number {
    return this.prng();
  }

  /** Uniform integer in [lo, hi) (hi exclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.prng() * (hi - lo));
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.prng();
  }

  /** Standard normal sample (Box–Muller; no cached spare, so the state is exactly the PRNG's). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.prng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.prng());
  }

  /** Exponential(1) sample. */
  exponential(): number {
    let u = 0;
    while (u === 0) u = this.prng();
    return -Math.log(u);
  }

  /** A uniformly chosen element of a non-empty array. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.choice: empty array');
    return items[this.int(0, items.length)]!;
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }

  /** A new independent generator whose seed is drawn from this one. */
  fork(): Rng {
    return new Rng(this.int(0, 2 ** 31 - 1));
  }

  /** `n` independent generators drawn from this one. */
  split(n: number): Rng[] {
    const out: Rng[] = [];
    for (let i = 0; i < n; i++) out.push(this.fork());
    return out;
  }

  /** Snapshot of the full state, restorable with `Rng.fromState`. */
  getState(): RngState {
    return { seed: this.seed, state: this.prng.state() };
  }

  /** A generator seeded from the OS entropy source, for envs reset without a seed (as Gymnasium does). */
  static fromEntropy(): Rng {
    return new Rng(randomInt(0, 2 ** 31 - 1));
  }

  /** Rebuild a generator from `getState()`. */
  static fromState(s: RngState): Rng {
    return new Rng(s.seed, s.state);
  }
}
