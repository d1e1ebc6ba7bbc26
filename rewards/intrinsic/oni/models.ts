import * as tf from '@tensorflow/tfjs';
import { Rng, type RngState } from '../../../src/core/rng.js';
import { RunningMeanStd, type RunningStatsState } from '../../../src/core/running-stats.js';
import { Adam, restoreTrained, trainedState, type TrainedState } from '../../../src/tensor/adam.js';
import { Mlp } from '../../../src/tensor/network.js';
import { ParamStore } from '../../../src/tensor/params.js';
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
  /**
   * Per-batch output transform over the values of the transitions that carry a message (ranking: z-score, threshold).
   */
  transform?(values: Float32Array, mask: Uint8Array): void;
  /** Training statistics. */
  stats(): Record<string, number>;
  /** Checkpoint state (labels, weights and optimizer; Float32Arrays go to the binary file), and its restore. */
  saveState(): unknown;
  loadState(s: unknown): void;
  dispose(): void;
}

/** Settings shared by the learned models. */
export interface NetSettings {
  features: number;
  hidden: number[];
  lr: number;
  trainSteps: number;
  batchSize: number;
  seed: number;
}

/**
 * A ReLU MLP on message features with its Adam (src/tensor's layers, orthogonal init, and optimizer), its minibatch
 * RNG and its checkpoint.
 */
class MessageNet {
  private readonly store: ParamStore;
  private readonly net: Mlp;
  private readonly opt: Adam;
  rng: Rng;
  constructor(
    name: string,
    private readonly s: NetSettings,
    outDim: number,
  ) {
    this.store = new ParamStore(name);
    this.net = new Mlp(this.store, 'mlp', s.features, s.hidden, outDim, 1, 'relu', new Rng(s.seed));
    this.opt = new Adam(this.store.list(), { lr: s.lr });
    this.rng = new Rng(s.seed + 1);
  }
  /** Outputs of the network on feature rows. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.net.apply(x);
  }
  /** Features of `messages` as a tensor (the caller disposes it). */
  features(messages: readonly string[]): tf.Tensor2D {
    return tf.tensor2d(featureMatrix(messages, this.s.features), [messages.length, this.s.features]);
  }
  /** One Adam step on `loss`; returns the loss. */
  step(loss: () => tf.Scalar): number {
    return this.opt.step(loss).loss;
  }
  state(): { net: TrainedState; rng: RngState } {
    return { net: trainedState(this.store, this.opt), rng: this.rng.getState() };
  }
  restore(s: { net: TrainedState; rng: RngState }): void {
    restoreTrained(this.store, this.opt, s.net);
    this.rng = Rng.fromState(s.rng);
  }
  dispose(): void {
    this.store.dispose();
  }
}

/** ONI-Retrieval: message -> label table; a message not labelled yet gets 0. */
export class RetrievalModel implements OniRewardModel {
  readonly type = 'retrieval' as const;
  readonly task = 'cls' as const;
  private readonly table = new Map<string, number>();
  private fresh = false;
  addLabel(l: OniLabel): void {
    if (l.kind === 'cls') {
      this.table.set(l.message, l.label);
      this.fresh = true;
    }
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
  private readonly net: MessageNet;
  private readonly msgs: string[] = [];
  private readonly index = new Map<string, number>();
  private ys: number[] = [];
  private fresh = 0;
  private lastLoss = NaN;
  constructor(
    private readonly s: NetSettings,
    private readonly threshold: number,
  ) {
    this.net = new MessageNet('oni-cls', s, 2);
  }
  addLabel(l: OniLabel): void {
    if (l.kind !== 'cls') return;
    const at = this.index.get(l.message);
    if (at !== undefined) this.ys[at] = l.label;
    else {
      this.index.set(l.message, this.msgs.length);
      this.msgs.push(l.message);
      this.ys.push(l.label);
    }
    this.fresh++;
  }
  train(): boolean {
    const n = this.msgs.length;
    if (n === 0) return false;
    const steps = this.fresh > 0 ? (n < 25_000 ? this.s.trainSteps : 1) : 1;
    this.fresh = 0;
    for (let k = 0; k < steps; k++) {
      const b = Math.min(this.s.batchSize, n);
      const pick = Array.from({ length: b }, () => this.net.rng.int(0, n));
      const x = this.net.features(pick.map((i) => this.msgs[i]!));
      const y = tf.tidy(() =>
        tf.oneHot(
          tf.tensor1d(
            Int32Array.from(pick, (i) => this.ys[i]!),
            'int32',
          ),
          2,
        ),
      );
      try {
        this.lastLoss = this.net.step(() => tf.losses.softmaxCrossEntropy(y, this.net.apply(x)) as tf.Scalar);
      } finally {
        x.dispose();
        y.dispose();
      }
    }
    return true;
  }
  /** p(helpful) of each message. */
  probabilities(messages: readonly string[]): Float32Array {
    if (messages.length === 0) return new Float32Array(0);
    return tf
      .tidy(() => {
        const p = tf.softmax(this.net.apply(this.net.features(messages)));
        return tf.slice(p, [0, 1], [-1, 1]).dataSync() as Float32Array;
      })
      .slice();
  }
  predict(messages: readonly string[]): Float32Array {
    if (this.msgs.length === 0) return new Float32Array(messages.length);
    return this.probabilities(messages).map((p) => (p > this.threshold ? 1 : 0));
  }
  stats(): Record<string, number> {
    return { labels: this.msgs.length, loss: this.lastLoss };
  }
  saveState(): ClassificationState {
    return { msgs: this.msgs, ys: this.ys, ...this.net.state() };
  }
  loadState(s: unknown): void {
    const st = s as ClassificationState;
    this.msgs.length = 0;
    this.index.clear();
    st.msgs.forEach((m, i) => {
      this.index.set(m, i);
      this.msgs.push(m);
    });
    this.ys = [...st.ys];
    this.net.restore(st);
  }
  dispose(): void {
    this.net.dispose();
  }
}

/** The checkpoint of a classification model. */
interface ClassificationState {
  msgs: string[];
  ys: number[];
  net: TrainedState;
  rng: RngState;
}

/** The checkpoint of a ranking model. */
interface RankingState {
  pairs: { a: string; b: string; y: number }[];
  net: TrainedState;
  rng: RngState;
  rms: RunningStatsState;
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
  private readonly net: MessageNet;
  private readonly pairs: { a: string; b: string; y: number }[] = [];
  private readonly rms = new RunningMeanStd(1);
  private fresh = 0;
  private lastLoss = NaN;
  constructor(
    private readonly s: NetSettings,
    private readonly eps: number,
  ) {
    this.net = new MessageNet('oni-rank', s, 1);
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
    for (let k = 0; k < steps; k++) {
      const b = Math.min(this.s.batchSize, n);
      const pick = Array.from({ length: b }, () => this.pairs[this.net.rng.int(0, n)]!);
      // a and b rows go through the network as one [2b, F] batch.
      const x = this.net.features([...pick.map((p) => p.a), ...pick.map((p) => p.b)]);
      const y = Float32Array.from(pick, (p) => p.y);
      const target = tf.tidy(() => tf.stack([tf.sub(1, tf.tensor1d(y)), tf.tensor1d(y)], 1));
      try {
        this.lastLoss = this.net.step(() => {
          const r = this.net.apply(x);
          const logits = tf.concat([tf.slice(r, [0, 0], [b, 1]), tf.slice(r, [b, 0], [b, 1])], 1);
          return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar;
        });
      } finally {
        x.dispose();
        target.dispose();
      }
    }
    return true;
  }
  /** Raw Bradley–Terry scores r(msg). */
  scores(messages: readonly string[]): Float32Array {
    if (messages.length === 0) return new Float32Array(0);
    return tf.tidy(() => this.net.apply(this.net.features(messages)).dataSync() as Float32Array).slice();
  }
  predict(messages: readonly string[]): Float32Array {
    if (this.pairs.length === 0) return new Float32Array(messages.length);
    return this.scores(messages);
  }
  transform(values: Float32Array, mask: Uint8Array): void {
    if (this.pairs.length === 0) return;
    const live: number[] = [];
    for (let k = 0; k < values.length; k++) if (mask[k]) live.push(values[k]!);
    this.rms.updateBatch(live);
    const mean = this.rms.mean[0]!,
      std = this.rms.std();
    for (let k = 0; k < values.length; k++) {
      if (!mask[k]) continue;
      const z = (values[k]! - mean) / std;
      values[k] = z > this.eps ? z : 0;
    }
  }
  stats(): Record<string, number> {
    return { pairs: this.pairs.length, loss: this.lastLoss, mean: this.rms.mean[0]!, std: this.rms.std() };
  }
  saveState(): RankingState {
    return { pairs: this.pairs, ...this.net.state(), rms: this.rms.state() };
  }
  loadState(s: unknown): void {
    const st = s as RankingState;
    this.pairs.length = 0;
    this.pairs.push(...st.pairs);
    this.net.restore(st);
    this.rms.restore(st.rms);
  }
  dispose(): void {
    this.net.dispose();
  }
}
