import { RewardConfigError } from '../../src/core/reward.js';
import { Rng } from '../../src/core/rng.js';
import type { ConstraintValues, TransitionBatch } from '../../src/stream/batch.js';
import type { TransformSpec } from './step-transform.js';

/** What a constraint asks of its component's mean episodic value J: at least θ, or equal to θ. */
export type ConstraintKind = 'atLeast' | 'equal';

/** A component's `constraint:` as the stack uses it. */
export interface ConstraintSpec {
  threshold: number;
  kind: ConstraintKind;
  lr: number;
  momentum: number;
  /** J is the mean over the episodes of the last `average` batches in which episodes ended (1: the last batch). */
  average?: number;
  /** Proportional gain: λ = squash(p + kp·(θ − J)), p the integral the SGD steps accumulate (0: p alone). */
  kp?: number;
}

/** A source that knows the range of its values: per step, and summed over an episode (before any transform). */
export interface RangedSource {
  readonly stepRange?: readonly [number, number];
  readonly episodeRange?: readonly [number, number];
}

const KEYS = ['threshold', 'kind', 'lr', 'momentum', 'average', 'kp'];
/** Stack keys a constraint component cannot have: it is not a weighted, normalised term of the total. */
const NOT_WITH = ['weight', 'normalize', 'clip', 'decay', 'group'];

/**
 * Read a component's `constraint: { threshold, kind, lr }` at key path `at` (undefined when it has none). The
 * threshold must lie inside the range the component's episodic value can take, when its source declares one
 * (`episodeRange`, or `stepRange` under a transform that bounds the episode's sum).
 */
export function parseConstraint(
  cfg: Record<string, unknown>,
  at: string,
  source: RangedSource,
  transform: TransformSpec | undefined,
): ConstraintSpec | undefined {
  const c = cfg.constraint;
  if (c === undefined) return undefined;
  const p = `${at}.constraint`;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) {
    throw new RewardConfigError(p, `expected { threshold, kind: atLeast | equal, lr }, got ${JSON.stringify(c)}`);
  }
  const o = c as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!KEYS.includes(k)) throw new RewardConfigError(`${p}.${k}`, `unknown key; known keys: ${KEYS.join(', ')}`);
  }
  for (const k of NOT_WITH) {
    if (cfg[k] !== undefined) {
      const why = 'a constraint is not a term of the weighted total: its multiplier sets its weight';
      throw new RewardConfigError(`${at}.${k}`, `${why}; drop ${k} (or the constraint)`);
    }
  }
  const kind = o.kind ?? 'atLeast';
  if (kind !== 'atLeast' && kind !== 'equal') {
    throw new RewardConfigError(`${p}.kind`, `must be "atLeast" or "equal", got ${JSON.stringify(kind)}`);
  }
  const num = (k: string, def: number | undefined, ok: (x: number) => boolean, what: string): number => {
    const v = o[k] ?? def;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
      throw new RewardConfigError(`${p}.${k}`, `must be ${what}, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const threshold = num('threshold', undefined, () => true, 'a finite number (the mean episodic value to hold)');
  const lr = num('lr', 0.1, (x) => x > 0, "a positive number (the multipliers' learning rate)");
  const momentum = num('momentum', 0.1, (x) => x >= 0 && x < 1, 'in [0, 1)');
  const average = num('average', 1, (x) => Number.isInteger(x) && x >= 1 && x <= 1000, 'an integer in [1, 1000]');
  const kp = num('kp', 0, (x) => x >= 0, 'a number >= 0 (the proportional gain; 0: off)');
  const [lo, hi] = episodeRange(source, transform);
  const outside = kind === 'atLeast' ? !(threshold > lo && threshold < hi) : !(threshold >= lo && threshold <= hi);
  if (outside) {
    const need = kind === 'atLeast' ? 'strictly inside' : 'inside';
    throw new RewardConfigError(
      `${p}.threshold`,
      `${threshold} is out of the component's range: its episodic value ` +
        `lies in [${lo}, ${hi}]; give a threshold ${need} it`,
    );
  }
  return { threshold, kind, lr, momentum, average, kp };
}

/** The range of a component's episodic value, as far as its source and transform tell. */
function episodeRange(s: RangedSource, t: TransformSpec | undefined): [number, number] {
  const step = s.stepRange;
  if (!t) return s.episodeRange ? [s.episodeRange[0], s.episodeRange[1]] : [-Infinity, Infinity];
  if (t.kind === 'clip') return [-Infinity, 0];
  if (!step) return [-Infinity, Infinity];
  // delta: an episode sums to its first step's (clipped) value
  if (t.kind === 'delta') return [step[0], step[1]];
  if (t.kind === 'clip+delta') return [Math.min(step[0] - t.eta, 0), 0];
  return [-Infinity, Infinity];
}

/**
 * One Lagrange multiplier (Moskovitz et al. 2023, constrained RLHF): λ = sigmoid(p) for `atLeast`, tanh(p) for
 * `equal`, p drawn from N(0, 0.01²). After each batch in which episodes ended, the loss λ·(J − θ) (J: the mean
 * episodic value of the component over those episodes) takes one SGD step with momentum on p: J below θ raises λ,
 * above θ lowers it (for `equal`, below 0: the policy is pushed down). The agent mixes advantages as
 * (C − Σλ)·A_task + Σ λᵢ·Aᵢ.
 *
 * Settling (measured in rewards/process/RESULTS.md): with `average` n > 1, J is the mean over the episodes of the
 * last n batches, so one noisy batch moves λ less; with `kp` > 0 the update is PI-style (Stooke et al. 2020):
 * λ = squash(p + kp·(θ − J)), the proportional term reacting at once to the error while p integrates it, which
 * damps the swings an integral-only multiplier makes when it lags the policy. The defaults (1, 0) are the plain
 * SGD step above, unchanged.
 */
export class LagrangeMultiplier {
  private p: number;
  private velocity = 0;
  /** The component's episodic sum so far, per env. */
  private sums: Float64Array;
  /** The mean episodic value of the last batch in which episodes ended. */
  lastMean: number | undefined;
  /** Episodic totals and counts of the last `average` batches in which episodes ended (oldest first). */
  private window: { total: number; count: number }[] = [];
  /** θ − J of the last update (the proportional term's error). */
  private error = 0;

  constructor(
    readonly name: string,
    readonly spec: ConstraintSpec,
    numEnvs: number,
    seed: number,
  ) {
    this.p = 0.01 * new Rng(seed).normal();
    this.sums = new Float64Array(numEnvs);
  }

  /** The squashed multiplier λ. */
  get value(): number {
    const kp = this.spec.kp ?? 0;
    const x = kp > 0 ? this.p + kp * this.error : this.p;
    return this.spec.kind === 'atLeast' ? 1 / (1 + Math.exp(-x)) : Math.tanh(x);
  }

  /** Take in a batch of the component's values; update λ when episodes ended in it. Returns what the agent needs. */
  observe(values: Float32Array, batch: TransitionBatch): ConstraintValues {
    const N = batch.numEnvs;
    let total = 0,
      count = 0;
    for (let k = 0; k < values.length; k++) {
      const i = k % N;
      if (batch.episodeSteps[k] === 0) this.sums[i] = 0;
      this.sums[i]! += values[k]!;
      if (batch.terminations[k] || batch.truncations[k]) {
        total += this.sums[i]!;
        count++;
        this.sums[i] = 0;
      }
    }
    let mean: number | undefined;
    if (count > 0) {
      mean = total / count;
      this.lastMean = mean;
      const J = this.windowMean(total, count);
      const lam = this.value;
      const dSquash = this.spec.kind === 'atLeast' ? lam * (1 - lam) : 1 - lam * lam;
      const grad = dSquash * (J - this.spec.threshold);
      this.error = this.spec.threshold - J;
      this.velocity = this.spec.momentum * this.velocity + grad;
      this.p -= this.spec.lr * this.velocity;
    }
    return {
      name: this.name,
      kind: this.spec.kind,
      threshold: this.spec.threshold,
      rewards: values,
      multiplier: this.value,
      ...(mean !== undefined ? { episodeMean: mean } : {}),
    };
  }

  /** The mean over the episodes of the last `average` batches, this one's `total` / `count` included. */
  private windowMean(total: number, count: number): number {
    const n = this.spec.average ?? 1;
    if (n <= 1) return total / count;
    this.window.push({ total, count });
    if (this.window.length > n) this.window.shift();
    let t = 0,
      c = 0;
    for (const w of this.window) {
      t += w.total;
      c += w.count;
    }
    return t / c;
  }

  state(): {
    p: number;
    velocity: number;
    sums: number[];
    lastMean?: number;
    window: { total: number; count: number }[];
    error: number;
  } {
    const window = this.window.map((w) => ({ ...w }));
    return {
      p: this.p,
      velocity: this.velocity,
      sums: Array.from(this.sums),
      lastMean: this.lastMean,
      window,
      error: this.error,
    };
  }

  restore(s: unknown): void {
    const o = s as
      | { p?: unknown; velocity?: unknown; sums?: unknown; lastMean?: unknown; window?: unknown; error?: unknown }
      | undefined;
    if (!o || typeof o.p !== 'number' || typeof o.velocity !== 'number') return;
    this.p = o.p;
    this.velocity = o.velocity;
    if (Array.isArray(o.sums) && o.sums.length === this.sums.length) this.sums = Float64Array.from(o.sums as number[]);
    this.lastMean = typeof o.lastMean === 'number' ? o.lastMean : undefined;
    this.window = Array.isArray(o.window)
      ? (o.window as { total: number; count: number }[]).map((w) => ({ ...w }))
      : [];
    this.error = typeof o.error === 'number' ? o.error : 0;
  }
}
