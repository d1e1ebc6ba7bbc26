import type { TransitionBatch } from '../src/stream/batch.js';
import type { NormalizeMode } from './registry.js';
import { RunningMeanStd, type RunningStatsState } from '../src/core/running-stats.js';

/** Turns a component's raw values into normalised ones, learning its statistics batch by batch. */
export interface RewardNormalizer {
  /** Update the statistics with `raw` and write the normalised values into `out`. */
  apply(raw: Float32Array, batch: TransitionBatch, out: Float32Array): Float32Array;
  /** Current statistics, for events. */
  stats(): Record<string, number>;
  /** Plain state for checkpoints, and its restore. */
  state(): unknown;
  restore(s: unknown): void;
}

/** No normalisation. */
class IdentityNormalizer implements RewardNormalizer {
  apply(raw: Float32Array, _b: TransitionBatch, out: Float32Array): Float32Array {
    out.set(raw);
    return out;
  }
  stats(): Record<string, number> {
    return {};
  }
  state(): unknown {
    return {};
  }
  restore(): void {}
}

/**
 * RND's reward scaling: divide by the running std of a per-env discounted return
 * `R <- gamma * R + r` (no mean subtraction). Iterates over time, per env (the bug of
 * CleanRL #360 iterated over envs). When `episodic`, R restarts after each episode end.
 */
export class RmsNormalizer implements RewardNormalizer {
  private readonly ret: Float64Array;
  private readonly rms = new RunningMeanStd(1);
  private buf = new Float64Array(0);
  constructor(
    numEnvs: number,
    private readonly gamma: number,
    private readonly episodic: boolean,
  ) {
    this.ret = new Float64Array(numEnvs);
  }
  apply(raw: Float32Array, b: TransitionBatch, out: Float32Array): Float32Array {
    const n = b.numEnvs,
      T = b.numSteps;
    if (this.buf.length < raw.length) this.buf = new Float64Array(raw.length);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < n; i++) {
        const k = t * n + i;
        this.ret[i] = this.gamma * this.ret[i]! + raw[k]!;
        this.buf[k] = this.ret[i]!;
        if (this.episodic && (b.terminations[k] || b.truncations[k])) this.ret[i] = 0;
      }
    }
    this.rms.updateBatch(this.buf, T * n);
    const s = this.rms.std();
    for (let k = 0; k < raw.length; k++) out[k] = raw[k]! / s;
    return out;
  }
  stats(): Record<string, number> {
    return { returnStd: this.rms.std(), returnMean: this.rms.mean[0]! };
  }
  state(): unknown {
    return { ret: Array.from(this.ret), rms: this.rms.state() };
  }
  restore(s: unknown): void {
    const st = s as { ret: number[]; rms: RunningStatsState };
    this.ret.set(st.ret);
    this.rms.restore(st.rms);
  }
}

/** `(r - min) / (max - min)` with the running min and max of all raw values seen (0 while max = min). */
export class MinMaxNormalizer implements RewardNormalizer {
  private min = Infinity;
  private max = -Infinity;
  apply(raw: Float32Array, _b: TransitionBatch, out: Float32Array): Float32Array {
    for (let k = 0; k < raw.length; k++) {
      const v = raw[k]!;
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
    const span = this.max - this.min;
    for (let k = 0; k < raw.length; k++) out[k] = span > 0 ? (raw[k]! - this.min) / span : 0;
    return out;
  }
  stats(): Record<string, number> {
    return { min: this.min, max: this.max };
  }
  state(): unknown {
    return { min: Number.isFinite(this.min) ? this.min : null, max: Number.isFinite(this.max) ? this.max : null };
  }
  restore(s: unknown): void {
    const st = s as { min: number | null; max: number | null };
    this.min = st.min ?? Infinity;
    this.max = st.max ?? -Infinity;
  }
}

/** The normaliser for `mode`; `gamma` is the discount of the rms return (0.99 as RND). */
export function makeNormalizer(
  mode: NormalizeMode,
  numEnvs: number,
  episodic: boolean,
  gamma = 0.99,
): RewardNormalizer {
  if (mode === 'rms') return new RmsNormalizer(numEnvs, gamma, episodic);
  if (mode === 'minmax') return new MinMaxNormalizer();
  return new IdentityNormalizer();
}
