import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/rng.js';
import { RunningMeanStd } from '../../normalize-stats.js';
import { Mlp } from '../mlp.js';
import type { OniLabel } from './annotator.js';
import { featureMatrix } from './features.js';

/** The reward model types ONI offers. */
export const ONI_MODELS = ['retrieval', 'classification', 'ranking'] as const;
/** One of ONI_MODELS. */
export type OniModelType = (typeof ONI_MODELS)[number];

/** A reward model distilled from annotator labels. */
export interface OniRewardModel {
  readonly type: OniModelType;
  /** The label kind it learns from. */
  readonly task: 'cls' | 'pair';
  /** Take one label (buffered; learning happens in `train`). */
  addLabel(l: OniLabel): void;
  /** Learn from the labels so far; returns true when predictions may have changed. */
  train(): boolean;
  /** Reward of each message, before the episodic count. */
  predict(messages: readonly string[]): Float32Array;
  /** Per-batch output transform over the values of the transitions that carry a message (ranking: z-score, threshold). */
  transform?(values: Float32Array, mask: Uint8Array): void;
  /** Training statistics. */
  stats(): Record<string, number>;
  /** Plain state for checkpoints (labels and weights), and its restore. */
  saveState(): unknown;
  loadState(s: unknown): void;
  dispose(): void;
}

/** Settings shared by the learned models. */
export interface NetSettings { features: number; hidden: number[]; lr: number; trainSteps: number; batchSize: number; seed: number }

/** ONI-Retrieval: message -> label table; a message not labelled yet gets 0. */
export class RetrievalModel implements OniRewardModel {
  readonly type = 'retrieval' as const;
  readonly task = 'cls' as const;
  private readonly table = new Map<string, number>();
  private fresh = false;
  addLabel(l: OniLabel): void {
    if (l.kind === 'cls') { this.table.set(l.message, l.label); this.fresh = true; }
  }
  train(): boolean {
    const f = this.fresh;
    this.fresh = false;
    return f;
  }
  predict(messages: readonly string[]): Float32Array {
    return Float32Array.from(messages, (m) => this.table.get(m) ?? 0);
  }
  stats(): Record<string, number> {
    return { labels: this.table.size };
  }
  saveState(): unknown {
    return { table: [...this.table] };
  }
  loadState(s: unknown): void {
    this.table.clear();
    for (const [k, v] of (s as { table: [string, number][] }).table) this.table.set(k, v);
  }
  dispose(): void {}
}

/**
 * ONI-Classification: a small network on hashed message text (features.ts) trained online with
 * cross-entropy on the labels; reward `1[p(helpful) > threshold]`. After new labels it takes
 * `trainSteps` Adam steps (ONI: 32 while the dataset is under 25k, then 1 per iteration).
 */
export class ClassificationModel implements OniRewardModel {
  readonly type = 'classification' as const;
  readonly task = 'cls' as const;
  private readonly net: Mlp;
  private readonly opt: tf.Optimizer;
  private readonly rng: Rng;
  private readonly msgs: string[] = [];
  private readonly index = new Map<string, number>();
  private ys: number[] = [];
  private fresh = 0;
  private lastLoss = NaN;
  constructor(private readonly s: NetSettings, private readonly threshold: number) {
    this.net = new Mlp([s.features, ...s.hidden, 2], s.seed);
    this.opt = tf.train.adam(s.lr);
    this.rng = new Rng(s.seed + 1);
  }
  addLabel(l: OniLabel): void {
    if (l.kind !== 'cls') return;
    const at = this.index.get(l.message);
    if (at !== undefined) this.ys[at] = l.label;
    else { this.index.set(l.message, this.msgs.length); this.msgs.push(l.message); this.ys.push(l.label); }
    this.fresh++;
  }
  train(): boolean {
    const n = this.msgs.length;
    if (n === 0) return false;
    const steps = this.fresh > 0 ? (n < 25_000 ? this.s.trainSteps : 1) : 1;
    this.fresh = 0;
    for (let k = 0; k < steps; k++) {
      const b = Math.min(this.s.batchSize, n);
      const pick = Array.from({ length: b }, () => this.rng.int(0, n));
      const x = featureMatrix(pick.map((i) => this.msgs[i]!), this.s.features);
      const y = Int32Array.from(pick, (i) => this.ys[i]!);
      this.lastLoss = tf.tidy(() => {
        const xt = tf.tensor2d(x, [b, this.s.features]);
        const yt = tf.oneHot(tf.tensor1d(y, 'int32'), 2);
        const l = this.opt.minimize(() => tf.losses.softmaxCrossEntropy(yt, this.net.apply(xt)) as tf.Scalar, true, this.net.vars);
        return l!.dataSync()[0]!;
      });
    }
    return true;
  }
  /** p(helpful) of each message. */
  probabilities(messages: readonly string[]): Float32Array {
    if (messages.length === 0) return new Float32Array(0);
    const x = featureMatrix(messages, this.s.features);
    return tf.tidy(() => {
      const p = tf.softmax(this.net.apply(tf.tensor2d(x, [messages.length, this.s.features])));
      return tf.slice(p, [0, 1], [-1, 1]).dataSync() as Float32Array;
    }).slice();
  }
  predict(messages: readonly string[]): Float32Array {
    if (this.msgs.length === 0) return new Float32Array(messages.length);
    return this.probabilities(messages).map((p) => (p > this.threshold ? 1 : 0));
  }
  stats(): Record<string, number> {
    return { labels: this.msgs.length, loss: this.lastLoss };
  }
  saveState(): unknown {
    return { msgs: this.msgs, ys: this.ys, net: this.net.weights() };
  }
  loadState(s: unknown): void {
    const st = s as { msgs: string[]; ys: number[]; net: number[][] };
    this.msgs.length = 0;
    this.index.clear();
    st.msgs.forEach((m, i) => { this.index.set(m, i); this.msgs.push(m); });
    this.ys = [...st.ys];
    this.net.setWeights(st.net);
  }
  dispose(): void {
    this.net.dispose();
    this.opt.dispose();
  }
}

/**
 * ONI-Ranking: a Bradley–Terry reward model r(msg) trained on labelled pairs (soft targets, tie = 0.5,
 * loss `-sum target * log_softmax([r_a, r_b])`); outputs are z-scored with running statistics and
 * zeroed at or below `eps` (ONI's default -0.5). The normalised value is the one used (ONI's released
 * code appears to feed the raw one, a likely typo).
 */
export class RankingModel implements OniRewardModel {
  readonly type = 'ranking' as const;
  readonly task = 'pair' as const;
  private readonly net: Mlp;
  private readonly opt: tf.Optimizer;
  private readonly rng: Rng;
  private readonly pairs: { a: string; b: string; y: number }[] = [];
  private readonly rms = new RunningMeanStd();
  private fresh = 0;
  private lastLoss = NaN;
  constructor(private readonly s: NetSettings, private readonly eps: number) {
    this.net = new Mlp([s.features, ...s.hidden, 1], s.seed);
    this.opt = tf.train.adam(s.lr);
    this.rng = new Rng(s.seed + 1);
  }
  addLabel(l: OniLabel): void {
    if (l.kind !== 'pair') return;
    this.pairs.push({ a: l.a, b: l.b, y: l.pref });
    this.fresh++;
  }
  train(): boolean {
    const n = this.pairs.length;
    if (n === 0) return false;
    const steps = this.fresh > 0 ? this.s.trainSteps : 1;
    this.fresh = 0;
    const F = this.s.features;
    for (let k = 0; k < steps; k++) {
      const b = Math.min(this.s.batchSize, n);
      const pick = Array.from({ length: b }, () => this.pairs[this.rng.int(0, n)]!);
      const xa = featureMatrix(pick.map((p) => p.a), F);
      const xb = featureMatrix(pick.map((p) => p.b), F);
      const y = Float32Array.from(pick, (p) => p.y);
      this.lastLoss = tf.tidy(() => {
        const ta = tf.tensor2d(xa, [b, F]), tb = tf.tensor2d(xb, [b, F]);
        const target = tf.stack([tf.sub(1, tf.tensor1d(y)), tf.tensor1d(y)], 1);
        const l = this.opt.minimize(() => {
          const logits = tf.concat([this.net.apply(ta), this.net.apply(tb)], 1);
          return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar;
        }, true, this.net.vars);
        return l!.dataSync()[0]!;
      });
    }
    return true;
  }
  /** Raw Bradley–Terry scores r(msg). */
  scores(messages: readonly string[]): Float32Array {
    if (messages.length === 0) return new Float32Array(0);
    const x = featureMatrix(messages, this.s.features);
    return tf.tidy(() => this.net.apply(tf.tensor2d(x, [messages.length, this.s.features])).dataSync() as Float32Array).slice();
  }
  predict(messages: readonly string[]): Float32Array {
    if (this.pairs.length === 0) return new Float32Array(messages.length);
    return this.scores(messages);
  }
  transform(values: Float32Array, mask: Uint8Array): void {
    if (this.pairs.length === 0) return;
    const live: number[] = [];
    for (let k = 0; k < values.length; k++) if (mask[k]) live.push(values[k]!);
    this.rms.update(live);
    for (let k = 0; k < values.length; k++) {
      if (!mask[k]) continue;
      const z = (values[k]! - this.rms.mean) / this.rms.std;
      values[k] = z > this.eps ? z : 0;
    }
  }
  stats(): Record<string, number> {
    return { pairs: this.pairs.length, loss: this.lastLoss, mean: this.rms.mean, std: this.rms.std };
  }
  saveState(): unknown {
    return { pairs: this.pairs, net: this.net.weights(), rms: this.rms.state() };
  }
  loadState(s: unknown): void {
    const st = s as { pairs: { a: string; b: string; y: number }[]; net: number[][]; rms: { mean: number; var: number; count: number } };
    this.pairs.length = 0;
    this.pairs.push(...st.pairs);
    this.net.setWeights(st.net);
    this.rms.restore(st.rms);
  }
  dispose(): void {
    this.net.dispose();
    this.opt.dispose();
  }
}
