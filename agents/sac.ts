import * as tf from '@tensorflow/tfjs';
import { Box, type Space } from '../src/core/spaces.js';
import { Rng } from '../src/core/rng.js';
import type { AnnotatedBatch, ObsBatch } from '../src/stream/batch.js';
import type { TrainStats } from '../src/stream/events.js';
import type { ActOptions, PolicyOutput } from '../src/stream/policy.js';
import { defineAgent, type Agent, type AgentContext } from '../src/core/agent.js';
import { defineParams, type ParamsOf } from '../src/core/params.js';
import { Adam } from '../src/tensor/adam.js';
import { loadWeights, saveWeights } from '../src/tensor/io.js';
import { Mlp, ObsEncoder, resolveNetworkConfig, type NetworkConfig } from '../src/tensor/network.js';
import { NETWORK_PARAMS } from '../src/tensor/network-params.js';
import { ParamStore } from '../src/tensor/params.js';
import { checkIdentity, identity, loadAgentState, saveAgentState } from './checkpoint-io.js';
import { ReplayBuffer, type ReplaySample } from './replay.js';

/** SAC's hyper-parameters (CleanRL's sac_continuous_action.py defaults). */
export const SAC_PARAMS = defineParams({
  numSteps: { kind: 'number', integer: true, positive: true, default: 1, doc: 'steps per env per rollout batch' },
  bufferSize: { kind: 'number', integer: true, positive: true, default: 1_000_000, doc: 'replay capacity' },
  gamma: { kind: 'number', min: 0, max: 1, default: 0.99, doc: 'discount' },
  tau: { kind: 'number', min: 0, max: 1, default: 0.005, doc: 'target smoothing coefficient' },
  batchSize: { kind: 'number', integer: true, positive: true, default: 256, doc: 'minibatch size' },
  learningStarts: {
    kind: 'number',
    integer: true,
    min: 0,
    default: 5000,
    doc: 'env steps of uniform random actions before learning',
  },
  policyLr: { kind: 'number', positive: true, default: 3e-4, doc: 'actor learning rate' },
  qLr: { kind: 'number', positive: true, default: 1e-3, doc: 'critic learning rate' },
  policyFrequency: {
    kind: 'number',
    integer: true,
    positive: true,
    default: 2,
    doc: 'critic updates per round of (this many) actor updates (TD3-style delay)',
  },
  targetNetworkFrequency: {
    kind: 'number',
    integer: true,
    positive: true,
    default: 1,
    doc: 'critic updates between target updates',
  },
  alpha: { kind: 'number', min: 0, default: 0.2, doc: 'entropy coefficient (initial value when autotune)' },
  autotune: { kind: 'boolean', default: true, doc: 'automatic entropy tuning towards -|A| entropy' },
  updatesPerStep: { kind: 'number', positive: true, default: 1, doc: 'critic updates per env step' },
  network: {
    kind: 'object',
    fields: NETWORK_PARAMS,
    default: { hidden: [256, 256], activation: 'relu' },
    doc: 'network config',
  },
});

/** SacAgent's resolved hyper-parameters. */
export type SacHp = ParamsOf<typeof SAC_PARAMS>;

const LOG_STD_MIN = -5;
const LOG_STD_MAX = 2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

class QNet {
  readonly store: ParamStore;
  readonly encoder: ObsEncoder;
  readonly head: Mlp;
  constructor(
    name: string,
    space: Space<unknown>,
    actDim: number,
    cfg: NetworkConfig,
    rng: Rng,
    textKeys: readonly string[],
  ) {
    this.store = new ParamStore(name);
    this.encoder = new ObsEncoder(space, cfg, this.store, rng, textKeys);
    this.head = new Mlp(this.store, 'q', this.encoder.featureDim + actDim, cfg.hidden, 1, 1, cfg.activation, rng);
  }
  q(inputs: tf.Tensor[], actions: tf.Tensor): tf.Tensor1D {
    return tf.reshape(this.head.apply(tf.concat([this.encoder.encode(inputs), actions], 1)), [-1]) as tf.Tensor1D;
  }
}

/**
 * Soft actor-critic for Box actions: twin Q with target smoothing, tanh-squashed Gaussian policy, automatic entropy
 * tuning.
 */
export class SacAgent implements Agent {
  readonly type = 'sac';
  private rng: Rng;
  private readonly actorStore = new ParamStore('sac-actor');
  private readonly actorEnc: ObsEncoder;
  private readonly actor: Mlp;
  private readonly q1: QNet;
  private readonly q2: QNet;
  private readonly q1t: QNet;
  private readonly q2t: QNet;
  private readonly actorAdam: Adam;
  private readonly qAdam: Adam;
  private readonly dim: number;
  private readonly scale: Float32Array;
  private readonly bias: Float32Array;
  private readonly low: Float64Array;
  private readonly high: Float64Array;
  private logAlpha: number;
  private alphaM = 0;
  private alphaV = 0;
  private alphaT = 0;
  private readonly targetEntropy: number;
  private buffer: ReplayBuffer | undefined;
  private bufferDir: string | undefined;
  private sample: ReplaySample | undefined;
  private actSteps = 0;
  private learnSteps = 0;
  private qUpdates = 0;
  private readonly id;

  constructor(
    private readonly hp: SacHp,
    private readonly ctx: AgentContext,
  ) {
    this.rng = new Rng(ctx.seed);
    const initRng = this.rng.fork();
    const cfg = resolveNetworkConfig(hp.network, {
      ...resolveNetworkConfig(undefined),
      hidden: [256, 256],
      activation: 'relu',
    });
    const box = ctx.actionSpace as Box;
    this.dim = box.size;
    this.low = box.low;
    this.high = box.high;
    this.scale = Float32Array.from(box.high, (h, i) => (h - box.low[i]!) / 2);
    this.bias = Float32Array.from(box.high, (h, i) => (h + box.low[i]!) / 2);
    this.actorEnc = new ObsEncoder(ctx.observationSpace, cfg, this.actorStore, initRng, ctx.textKeys ?? []);
    this.actor = new Mlp(
      this.actorStore,
      'pi',
      this.actorEnc.featureDim,
      cfg.hidden,
      2 * this.dim,
      1,
      cfg.activation,
      initRng,
    );
    this.q1 = new QNet('sac-q1', ctx.observationSpace, this.dim, cfg, initRng, ctx.textKeys ?? []);
    this.q2 = new QNet('sac-q2', ctx.observationSpace, this.dim, cfg, initRng, ctx.textKeys ?? []);
    this.q1t = new QNet('sac-q1', ctx.observationSpace, this.dim, cfg, initRng, ctx.textKeys ?? []);
    this.q2t = new QNet('sac-q2', ctx.observationSpace, this.dim, cfg, initRng, ctx.textKeys ?? []);
    this.q1.store.copyTo(this.q1t.store);
    this.q2.store.copyTo(this.q2t.store);
    this.actorAdam = new Adam(this.actorStore.list(), { lr: hp.policyLr });
    this.qAdam = new Adam([...this.q1.store.list(), ...this.q2.store.list()], { lr: hp.qLr });
    this.logAlpha = Math.log(Math.max(hp.alpha, 1e-8));
    this.targetEntropy = -this.dim;
    this.id = identity('sac', ctx.observationSpace, ctx.actionSpace);
  }

  /** Mean and log-std of the pre-squash Gaussian (CleanRL's tanh-rescaled log-std). */
  private dist(inputs: tf.Tensor[]): { mean: tf.Tensor2D; logStd: tf.Tensor2D } {
    const out = this.actor.apply(this.actorEnc.encode(inputs));
    const [mean, raw] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const logStd = tf.add(
      LOG_STD_MIN,
      tf.mul(0.5 * (LOG_STD_MAX - LOG_STD_MIN), tf.add(tf.tanh(raw), 1)),
    ) as tf.Tensor2D;
    return { mean, logStd };
  }

  /**
   * Reparameterised sample with noise `eps`: the env-scaled action and its log-probability (tanh correction included).
   */
  private sampleAction(inputs: tf.Tensor[], eps: tf.Tensor2D): { action: tf.Tensor2D; logProb: tf.Tensor1D } {
    const { mean, logStd } = this.dist(inputs);
    const x = tf.add(mean, tf.mul(tf.exp(logStd), eps));
    const y = tf.tanh(x);
    const scale = tf.tensor1d(this.scale);
    const action = tf.add(tf.mul(y, scale), tf.tensor1d(this.bias)) as tf.Tensor2D;
    const gauss = tf.sub(tf.sub(tf.mul(tf.square(eps), -0.5), logStd), HALF_LOG_2PI);
    const corr = tf.log(tf.add(tf.mul(scale, tf.sub(1, tf.square(y))), 1e-6));
    return { action, logProb: tf.sum(tf.sub(gauss, corr), 1) as tf.Tensor1D };
  }

  private noise(n: number, rng = this.rng): tf.Tensor2D {
    const e = new Float32Array(n * this.dim);
    for (let k = 0; k < e.length; k++) e[k] = rng.normal();
    return tf.tensor2d(e, [n, this.dim]);
  }

  act(obs: ObsBatch, count: number, opts: ActOptions = {}): PolicyOutput {
    const actions = new Float32Array(count * this.dim);
    const rng = opts.evalRng ?? this.rng;
    if (!opts.deterministic && this.actSteps < this.hp.learningStarts) {
      for (let r = 0; r < count; r++)
        for (let d = 0; d < this.dim; d++) actions[r * this.dim + d] = rng.uniform(this.low[d]!, this.high[d]!);
    } else {
      const t = tf.tidy(() => {
        const inputs = this.actorEnc.toTensors(obs, count);
        if (opts.deterministic) {
          const { mean } = this.dist(inputs);
          return tf.add(tf.mul(tf.tanh(mean), tf.tensor1d(this.scale)), tf.tensor1d(this.bias));
        }
        return this.sampleAction(inputs, this.noise(count, rng)).action;
      });
      actions.set(t.dataSync() as Float32Array);
      t.dispose();
    }
    if (!opts.deterministic && !opts.evalRng) this.actSteps += count;
    return { actions };
  }

  learn(batch: AnnotatedBatch): TrainStats {
    const B = batch.numSteps * batch.numEnvs;
    if (!this.buffer) {
      this.buffer = new ReplayBuffer(this.hp.bufferSize, batch.obs, this.dim, false);
      if (this.bufferDir) this.buffer.load(this.bufferDir, 'sac-replay');
    }
    for (let k = 0; k < B; k++) {
      // Truncated transitions keep bootstrapping (done = 0); only terminations cut the return.
      this.buffer.add({
        obs: batch.obs,
        obsRow: k,
        nextObs: batch.nextObs,
        nextRow: k,
        action: batch.actions,
        actionOffset: k * this.dim,
        reward: batch.total[k]!,
        done: batch.terminations[k]!,
        discount: this.hp.gamma,
      });
    }
    const before = this.learnSteps;
    this.learnSteps += B;
    const hp = this.hp;
    const from = Math.max(before, hp.learningStarts);
    const n =
      this.learnSteps > hp.learningStarts
        ? Math.floor(this.learnSteps * hp.updatesPerStep) - Math.floor(from * hp.updatesPerStep)
        : 0;
    const sums = { qLoss: 0, actorLoss: 0, alphaLoss: 0, qValue: 0, entropy: 0 };
    let qn = 0;
    let an = 0;
    for (let u = 0; u < n; u++) {
      const s = (this.sample = this.buffer.sample(this.rng, hp.batchSize, this.sample));
      const q = this.updateCritic(s);
      sums.qLoss += q.loss;
      sums.qValue += q.aux[0]!;
      qn++;
      this.qUpdates++;
      if (this.qUpdates % hp.policyFrequency === 0) {
        for (let j = 0; j < hp.policyFrequency; j++) {
          const a = this.updateActor(s);
          sums.actorLoss += a.actorLoss;
          sums.alphaLoss += a.alphaLoss;
          sums.entropy += -a.logProb;
          an++;
        }
      }
      if (this.qUpdates % hp.targetNetworkFrequency === 0) {
        this.q1.store.copyTo(this.q1t.store, hp.tau);
        this.q2.store.copyTo(this.q2t.store, hp.tau);
      }
    }
    const out: TrainStats = { alpha: Math.exp(this.logAlpha), qUpdates: this.qUpdates, bufferSize: this.buffer.size };
    if (qn > 0) {
      out.qLoss = sums.qLoss / qn;
      out.qValue = sums.qValue / qn;
    }
    if (an > 0) {
      out.actorLoss = sums.actorLoss / an;
      out.alphaLoss = sums.alphaLoss / an;
      out.entropy = sums.entropy / an;
    }
    return out;
  }

  private updateCritic(s: ReplaySample): { loss: number; aux: Float32Array } {
    const B = this.hp.batchSize;
    const inputs = this.q1.encoder.toTensors(s.obs, B);
    const nextInputs = this.q1.encoder.toTensors(s.nextObs, B);
    const alpha = Math.exp(this.logAlpha);
    const y = tf.tidy(() => {
      const { action, logProb } = this.sampleAction(nextInputs, this.noise(B));
      const minQ = tf.minimum(this.q1t.q(nextInputs, action), this.q2t.q(nextInputs, action));
      const soft = tf.sub(minQ, tf.mul(logProb, alpha));
      return tf.add(
        tf.tensor1d(s.rewards),
        tf.mul(tf.mul(tf.tensor1d(s.discounts), tf.sub(1, tf.tensor1d(s.dones))), soft),
      );
    });
    const acts = tf.tensor2d(s.actions as Float32Array, [B, this.dim]);
    const aux: tf.Scalar[] = [];
    try {
      return this.qAdam.step(() => {
        const a = this.q1.q(inputs, acts);
        const b = this.q2.q(inputs, acts);
        aux.push(tf.keep(tf.mean(a) as tf.Scalar));
        return tf.add(tf.mean(tf.square(tf.sub(a, y))), tf.mean(tf.square(tf.sub(b, y)))) as tf.Scalar;
      }, aux);
    } finally {
      tf.dispose([...inputs, ...nextInputs, y, acts]);
    }
  }

  private updateActor(s: ReplaySample): { actorLoss: number; alphaLoss: number; logProb: number } {
    const B = this.hp.batchSize;
    const inputs = this.actorEnc.toTensors(s.obs, B);
    const eps = this.noise(B);
    const alpha = Math.exp(this.logAlpha);
    const aux: tf.Scalar[] = [];
    let res;
    try {
      res = this.actorAdam.step(() => {
        const { action, logProb } = this.sampleAction(inputs, eps);
        const minQ = tf.minimum(this.q1.q(inputs, action), this.q2.q(inputs, action));
        aux.push(tf.keep(tf.mean(logProb) as tf.Scalar));
        return tf.mean(tf.sub(tf.mul(logProb, alpha), minQ)) as tf.Scalar;
      }, aux);
    } finally {
      tf.dispose([...inputs, eps]);
    }
    const logProb = res.aux[0]!;
    let alphaLoss = 0;
    if (this.hp.autotune) {
      // d/d(logAlpha) of -exp(logAlpha) * (logProb + targetEntropy), one Adam step on the host (lr = qLr, as CleanRL).
      alphaLoss = -alpha * (logProb + this.targetEntropy);
      const g = alphaLoss;
      this.alphaT++;
      this.alphaM = 0.9 * this.alphaM + 0.1 * g;
      this.alphaV = 0.999 * this.alphaV + 0.001 * g * g;
      const mHat = this.alphaM / (1 - 0.9 ** this.alphaT);
      const vHat = this.alphaV / (1 - 0.999 ** this.alphaT);
      this.logAlpha -= (this.hp.qLr * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
    return { actorLoss: res.loss, alphaLoss, logProb };
  }

  save(dir: string): void {
    saveWeights(dir, 'sac-actor', this.actorStore.snapshot(), { ...this.id, hp: this.hp });
    saveWeights(dir, 'sac-q', [...this.q1.store.snapshot(), ...this.q2.store.snapshot()], {});
    saveWeights(dir, 'sac-qt', [...this.q1t.store.snapshot(), ...this.q2t.store.snapshot()], {});
    const a = this.actorAdam.snapshot('actor');
    const q = this.qAdam.snapshot('q');
    saveWeights(dir, 'sac-optim', [...a.entries, ...q.entries], { actorT: a.t, qT: q.t });
    this.buffer?.save(dir, 'sac-replay');
    saveAgentState(dir, 'sac', {
      rng: this.rng.getState(),
      actSteps: this.actSteps,
      learnSteps: this.learnSteps,
      qUpdates: this.qUpdates,
      hasBuffer: this.buffer !== undefined,
      logAlpha: this.logAlpha,
      alphaM: this.alphaM,
      alphaV: this.alphaV,
      alphaT: this.alphaT,
    });
  }

  loadWeights(dir: string): void {
    const w = loadWeights(dir, 'sac-actor');
    checkIdentity(dir, w.meta, this.id);
    this.actorStore.restore(w.entries);
    const q = loadWeights(dir, 'sac-q').entries;
    this.q1.store.restore(q);
    this.q2.store.restore(q);
    const qt = loadWeights(dir, 'sac-qt').entries;
    this.q1t.store.restore(qt);
    this.q2t.store.restore(qt);
    // the optimizers' host copies of the weights
    this.actorAdam.pull();
    this.qAdam.pull();
  }

  load(dir: string): void {
    this.loadWeights(dir);
    const o = loadWeights(dir, 'sac-optim');
    this.actorAdam.restore('actor', o.meta.actorT as number, o.entries);
    this.qAdam.restore('q', o.meta.qT as number, o.entries);
    const st = loadAgentState(dir, 'sac');
    this.rng = st.rng;
    const n = (k: string): number => st.state[k] as number;
    this.actSteps = n('actSteps');
    this.learnSteps = n('learnSteps');
    this.qUpdates = n('qUpdates');
    this.logAlpha = n('logAlpha');
    this.alphaM = n('alphaM');
    this.alphaV = n('alphaV');
    this.alphaT = n('alphaT');
    this.bufferDir = st.state.hasBuffer ? dir : undefined;
  }

  dispose(): void {
    for (const s of [this.actorStore, this.q1.store, this.q2.store, this.q1t.store, this.q2t.store]) s.dispose();
  }
}

/** Registration record of SAC. */
export const sacDefinition = defineAgent({
  type: 'sac',
  description: 'SAC: twin Q, target smoothing, tanh-Gaussian policy, automatic entropy tuning (Box actions)',
  params: SAC_PARAMS,
  rolloutSteps: (hp) => hp.numSteps,
  unsupported(_o: Space<unknown>, a: Space<unknown>) {
    if (a instanceof Box && (a.dtype === 'float32' || a.dtype === 'float64')) {
      for (let i = 0; i < a.size; i++)
        if (!Number.isFinite(a.low[i]!) || !Number.isFinite(a.high[i]!))
          return 'sac needs a bounded Box action space (finite low/high); wrap the env with ClipAction/RescaleAction';
      return undefined;
    }
    return `sac needs a continuous (Box) action space, got ${a.constructor.name}; use ppo or dqn for discrete actions`;
  },
  create: (hp, ctx) => new SacAgent(hp, ctx),
});
