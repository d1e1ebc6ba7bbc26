import { RewardConfigError } from '../../src/core/reward.js';
import type { TransitionBatch } from '../../src/stream/batch.js';

/** The bounded transforms of a step-wise component (Gao et al. 2024; potential-based shaping, Ng et al. 1999). */
export const TRANSFORMS = ['clip', 'delta', 'clip+delta', 'shaping'] as const;

/** A transform's name. */
export type TransformName = (typeof TRANSFORMS)[number];

/** A component's transform as the stack applies it. */
export interface TransformSpec {
  kind: TransformName;
  eta: number;
  gamma: number;
}

/**
 * Read a component's `transform` (and `eta`, needed by the clipping ones) at key path `at`. `gamma` is the
 * component's discount (shaping's γ). Undefined when the component has no transform.
 */
export function parseTransform(cfg: Record<string, unknown>, at: string, gamma: number): TransformSpec | undefined {
  const t = cfg.transform;
  if (t === undefined) {
    if (cfg.eta !== undefined)
      throw new RewardConfigError(
        `${at}.eta`,
        'is the threshold of transform clip; add transform: clip (or clip+delta) or drop eta',
      );
    return undefined;
  }
  if (typeof t !== 'string' || !(TRANSFORMS as readonly string[]).includes(t)) {
    throw new RewardConfigError(
      `${at}.transform`,
      `unknown transform ${JSON.stringify(t)}; use one of ${TRANSFORMS.join(', ')}`,
    );
  }
  const kind = t as TransformName;
  const clips = kind === 'clip' || kind === 'clip+delta';
  if (!clips && cfg.eta !== undefined) {
    throw new RewardConfigError(`${at}.eta`, `transform ${kind} takes no eta (only clip and clip+delta do)`);
  }
  const eta = cfg.eta ?? (clips ? undefined : 0);
  if (typeof eta !== 'number' || !Number.isFinite(eta)) {
    throw new RewardConfigError(
      `${at}.eta`,
      `transform ${kind} needs eta, a finite number (r - eta is clipped at 0), got ${JSON.stringify(eta)}`,
    );
  }
  return { kind, eta, gamma };
}

/**
 * Applies a transform to a component's per-transition values, batch after batch (T x N, time-major), per episode.
 * - `clip`: r̃ = min(r − η, 0).
 * - `delta`: r̃ₖ = rₖ − rₖ₊₁, the last step of an episode keeping rₖ, so an episode's values sum to its first step's.
 *   An episode that goes on past the batch: its last step in the batch keeps its own value and its first step in the
 *   next batch gives it back (− rₖ₊₁ one step late), so the sum over the episode stays exactly that of the formula.
 * - `clip+delta`: delta of the clipped values.
 * - `shaping`: Φ(sₖ₊₁) is the score of step k; Fₖ = γ·Φ(sₖ₊₁) − Φ(sₖ), Φ = 0 before the first step and after a
 *   terminal one (truncated episodes keep theirs).
 * Episode boundaries are read from terminations, truncations and `episodeSteps`; the only state is one value per env.
 */
export class BatchStepTransform {
  /** Shaping: Φ of each env's current state (the score of its last step, 0 at an episode's start). */
  private prev: Float32Array;

  constructor(
    readonly spec: TransformSpec,
    numEnvs: number,
  ) {
    this.prev = new Float32Array(numEnvs);
  }

  /** The transformed values of `raw` (a new array). */
  apply(raw: Float32Array, batch: TransitionBatch): Float32Array {
    const { kind, eta } = this.spec;
    const n = raw.length;
    const clipped = kind === 'clip' || kind === 'clip+delta' ? new Float32Array(n) : raw;
    if (clipped !== raw) for (let k = 0; k < n; k++) clipped[k] = Math.min(raw[k]! - eta, 0);
    if (kind === 'clip') return clipped;
    return kind === 'shaping' ? this.shape(raw, batch) : delta(clipped, batch);
  }

  private shape(raw: Float32Array, b: TransitionBatch): Float32Array {
    const N = b.numEnvs,
      T = b.numSteps,
      g = this.spec.gamma;
    const out = new Float32Array(raw.length);
    for (let i = 0; i < N; i++) {
      let prev = this.prev[i]!;
      for (let t = 0; t < T; t++) {
        const k = t * N + i;
        if (b.episodeSteps[k] === 0) prev = 0;
        const next = b.terminations[k] ? 0 : raw[k]!;
        out[k] = g * next - prev;
        prev = b.terminations[k] || b.truncations[k] ? 0 : raw[k]!;
      }
      this.prev[i] = prev;
    }
    return out;
  }

  /** Per-env carry of shaping (delta needs none: `episodeSteps` tells where an episode went on). */
  state(): number[] {
    return Array.from(this.prev);
  }

  restore(s: unknown): void {
    if (Array.isArray(s) && s.length === this.prev.length) this.prev = Float32Array.from(s as number[]);
  }
}

function delta(v: Float32Array, b: TransitionBatch): Float32Array {
  const N = b.numEnvs,
    T = b.numSteps;
  const out = new Float32Array(v.length);
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < T; t++) {
      const k = t * N + i;
      const last = b.terminations[k] || b.truncations[k] || t === T - 1;
      out[k] = last ? v[k]! : v[k]! - v[k + N]!;
      // the episode went on from the previous batch, whose last step kept its own value: take this step's back
      if (t === 0 && b.episodeSteps[k]! > 0) out[k]! -= v[k]!;
    }
  }
  return out;
}
