import * as tf from '@tensorflow/tfjs';
import type { EnvCapabilities } from '../../src/core/capabilities.js';
import type { ObsBatch } from '../../src/core/obs-batch.js';
import { Rng, type RngState } from '../../src/core/rng.js';
import type { Space } from '../../src/core/spaces.js';
import { Adam, restoreTrained, trainedState, type TrainedState } from '../../src/tensor/adam.js';
import { Mlp, ObsEncoder, resolveNetworkConfig } from '../../src/tensor/network.js';
import { ParamStore } from '../../src/tensor/params.js';
import { ObsRing } from './obs-ring.js';

/** Settings of a scorer. */
export interface ScorerSettings {
  /** Hidden layer sizes after the observation encoder. */
  hidden: number[];
  lr: number;
  /** Rows per Adam step. */
  batchSize: number;
  /** Adam steps per `train` call. */
  updates: number;
  /** Labelled rows kept (the oldest are written over). */
  capacity: number;
  seed: number;
}

/** What a scorer checkpoints: its weights, Adam and minibatch generator. */
interface ScorerState {
  net: TrainedState;
  rng: RngState;
}

/**
 * A small classifier on src/tensor: the env's observation (token keys embedded, as the agents read them) -> one
 * logit -> sigmoid, trained with binary cross-entropy on labels in [0, 1] (hard 0/1 step labels, or soft targets
 * such as the fraction of tests passed) drawn from a ring of labelled rows. The learned PRM, the LLM PRM's
 * distillation and the learned outcome reward model are each one of these.
 */
export class Scorer {
  readonly ring: ObsRing;
  private readonly store: ParamStore;
  private readonly encoder: ObsEncoder;
  private readonly head: Mlp;
  private readonly adam: Adam;
  private rng: Rng;
  /** Mean loss of the last `train` call (NaN before the first). */
  lastLoss = NaN;
  private mb: ObsBatch = {};

  constructor(
    name: string,
    space: Space<unknown>,
    caps: EnvCapabilities,
    readonly s: ScorerSettings,
  ) {
    const init = new Rng(s.seed);
    this.rng = init.fork();
    this.store = new ParamStore(name);
    const net = resolveNetworkConfig({ token: { embedDim: 8, features: 64 } });
    this.encoder = new ObsEncoder(space, net, this.store, init, caps.textKeys ?? [], caps.tokenKeys);
    this.head = new Mlp(this.store, 'head', this.encoder.featureDim, s.hidden, 1, 1, 'relu', init);
    this.adam = new Adam(this.store.list(), { lr: s.lr, maxGradNorm: 1 });
    this.ring = new ObsRing(s.capacity);
  }

  /** Probabilities of `count` rows of `obs` (from row `start`). */
  score(obs: ObsBatch, count: number, start = 0): Float32Array {
    if (count === 0) return new Float32Array(0);
    const out = tf.tidy(() =>
      tf.sigmoid(this.head.apply(this.encoder.encode(this.encoder.toTensors(obs, count, start)))),
    );
    const data = out.dataSync() as Float32Array;
    out.dispose();
    return data.slice();
  }

  /** `updates` Adam steps on rows drawn from the ring, once it holds a batch's worth; returns the mean loss. */
  train(): number {
    if (this.ring.size < Math.min(this.s.batchSize, 32)) return NaN;
    let sum = 0,
      steps = 0;
    for (let u = 0; u < this.s.updates; u++) {
      const got = this.ring.sample(this.s.batchSize, this.rng, this.mb);
      if (!got) break;
      this.mb = got.obs;
      const n = got.labels.length;
      const inputs = this.encoder.toTensors(got.obs, n);
      const y = tf.tensor2d(got.labels, [n, 1]);
      try {
        const res = this.adam.step(() => {
          const x = this.head.apply(this.encoder.encode(inputs));
          // BCE with logits, stable form: max(x, 0) - x y + log(1 + exp(-|x|))
          const l = tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
          return tf.mean(l) as tf.Scalar;
        });
        sum += res.loss;
        steps++;
      } finally {
        tf.dispose([...inputs, y]);
      }
    }
    this.lastLoss = steps > 0 ? sum / steps : NaN;
    return this.lastLoss;
  }

  saveState(): ScorerState {
    return { net: trainedState(this.store, this.adam), rng: this.rng.getState() };
  }

  loadState(s: unknown): void {
    const st = s as ScorerState;
    restoreTrained(this.store, this.adam, st.net);
    this.rng = Rng.fromState(st.rng);
  }

  dispose(): void {
    this.adam.dispose();
    this.store.dispose();
  }
}
