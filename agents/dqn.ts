import * as tf from '@tensorflow/tfjs';
import { Discrete, type Space } from '../src/core/spaces.js';
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
import { selectRows } from '../src/core/obs-batch.js';
import { ReplayBuffer, type ReplaySample } from './replay.js';

/** DQN's hyper-parameters (CleanRL's dqn.py defaults for CartPole). */
export const DQN_PARAMS = defineParams({
  numSteps: {
    kind: 'number',
    integer: true,
    positive: true,
    default: 10,
    doc: 'steps per env per rollout batch (the policy is fixed within one)',
  },
  lr: { kind: 'number', positive: true, default: 2.5e-4, doc: 'Adam learning rate' },
  bufferSize: { kind: 'number', integer: true, positive: true, default: 10_000, doc: 'replay capacity' },
  gamma: { kind: 'number', min: 0, max: 1, default: 0.99, doc: 'discount' },
  tau: { kind: 'number', min: 0, max: 1, default: 1, doc: 'target update rate (1: hard copy)' },
  targetNetworkFrequency: {
    kind: 'number',
    integer: true,
    positive: true,
    default: 500,
    doc: 'env steps between target updates',
  },
  batchSize: { kind: 'number', integer: true, positive: true, default: 128, doc: 'minibatch size' },
  startE: { kind: 'number', min: 0, max: 1, default: 1, doc: 'initial epsilon' },
  endE: { kind: 'number', min: 0, max: 1, default: 0.05, doc: 'final epsilon' },
  explorationFraction: {
    kind: 'number',
    min: 0,
    max: 1,
    default: 0.5,
    doc: 'fraction of the budget over which epsilon decays',
  },
  learningStarts: { kind: 'number', integer: true, min: 0, default: 10_000, doc: 'env steps before learning starts' },
  trainFrequency: { kind: 'number', integer: true, positive: true, default: 10, doc: 'env steps per gradient step' },
  double: {
    kind: 'boolean',
    default: true,
    doc: 'double DQN: the online net picks the next action, the target net values it',
  },
  nStep: { kind: 'number', integer: true, positive: true, default: 1, doc: 'n-step returns' },
  maxGradNorm: { kind: 'number', min: 0, default: 0, doc: 'global gradient-norm clip (0: off)' },
  network: {
    kind: 'object',
    fields: NETWORK_PARAMS,
    default: { hidden: [120, 84], activation: 'relu' },
    doc: 'network config',
  },
});

/** DqnAgent's resolved hyper-parameters. */
export type DqnHp = ParamsOf<typeof DQN_PARAMS>;

class QNet {
  readonly store: ParamStore;
  readonly encoder: ObsEncoder;
  readonly head: Mlp;
  constructor(
    name: string,
    space: Space<unknown>,
    n: number,
    cfg: NetworkConfig,
    rng: Rng,
    textKeys: readonly string[],
    tokenKeys?: readonly string[],
  ) {
    this.store = new ParamStore(name);
    this.encoder = new ObsEncoder(space, cfg, this.store, rng, textKeys, tokenKeys);
    this.head = new Mlp(this.store, 'q', this.encoder.featureDim, cfg.hidden, n, 1, cfg.activation, rng);
  }
  q(inputs: tf.Tensor[]): tf.Tensor2D {
    return this.head.apply(this.encoder.encode(inputs));
  }
}

interface Pending {
  obs: ObsBatch;
  action: number;
  reward: number;
}

/** Deep Q-learning: replay, target network, double DQN, linear epsilon schedule, optional n-step returns. */
export class DqnAgent implements Agent {
  readonly type = 'dqn';
  private rng: Rng;
  private readonly online: QNet;
  private readonly target: QNet;
  private readonly adam: Adam;
  private readonly n: number;
  private readonly actionStart: number;
  private buffer: ReplayBuffer | undefined;
  private readonly pending: Pending[][];
  private actSteps = 0;
  private learnSteps = 0;
  private updates = 0;
  private sample: ReplaySample | undefined;
  private bufferDir: string | undefined;
  private readonly id;

  constructor(
    private readonly hp: DqnHp,
    private readonly ctx: AgentContext,
  ) {
    this.rng = new Rng(ctx.seed);
    const initRng = this.rng.fork();
    const cfg = resolveNetworkConfig(hp.network, {
      ...resolveNetworkConfig(undefined),
      hidden: [120, 84],
      activation: 'relu',
    });
    const act = ctx.actionSpace as Discrete;
    this.n = act.n;
    this.actionStart = act.start;
    this.online = new QNet('dqn', ctx.observationSpace, this.n, cfg, initRng, ctx.textKeys ?? [], ctx.tokenKeys);
    this.target = new QNet('dqn', ctx.observationSpace, this.n, cfg, initRng, ctx.textKeys ?? [], ctx.tokenKeys);
    this.online.store.copyTo(this.target.store);
    this.adam = new Adam(this.online.store.list(), {
      lr: hp.lr,
      ...(hp.maxGradNorm > 0 ? { maxGradNorm: hp.maxGradNorm } : {}),
    });
    this.pending = Array.from({ length: ctx.numEnvs }, () => []);
    this.id = identity('dqn', ctx.observationSpace, ctx.actionSpace);
  }

  /** Linear epsilon schedule over `explorationFraction` of the budget. */
  epsilon(step = this.actSteps): number {
    const dur = this.hp.explorationFraction * this.ctx.totalSteps;
    const slope = (this.hp.endE - this.hp.startE) / Math.max(1, dur);
    return Math.max(this.hp.endE, this.hp.startE + slope * step);
  }

  act(obs: ObsBatch, count: number, opts: ActOptions = {}): PolicyOutput {
    const q = tf.tidy(() => this.online.q(this.online.encoder.toTensors(obs, count)));
    const data = q.dataSync() as Float32Array;
    q.dispose();
    const eps = opts.deterministic ? 0 : this.epsilon();
    const rng = opts.evalRng ?? this.rng;
    const actions = new Int32Array(count);
    const mask = opts.actionMask;
    for (let r = 0; r < count; r++) {
      if (eps > 0 && rng.random() < eps) {
        let a = rng.int(0, this.n);
        if (mask) {
          const allowed = [];
          for (let j = 0; j < this.n; j++) if (mask[r * this.n + j]) allowed.push(j);
          if (allowed.length) a = allowed[rng.int(0, allowed.length)]!;
        }
        actions[r] = a;
      } else {
        let best = -Infinity;
        for (let j = 0; j < this.n; j++) {
          if (mask && !mask[r * this.n + j]) continue;
          if (data[r * this.n + j]! > best) {
            best = data[r * this.n + j]!;
            actions[r] = j;
          }
        }
      }
    }
    if (!opts.deterministic && !opts.evalRng) this.actSteps += count;
    return { actions, envActions: this.actionStart === 0 ? actions : actions.map((a) => a + this.actionStart) };
  }

  /** Move the batch into replay (as n-step transitions). */
  private store(batch: AnnotatedBatch): void {
    const N = batch.numEnvs;
    const B = batch.numSteps * N;
    if (!this.buffer) {
      this.buffer = new ReplayBuffer(this.hp.bufferSize, batch.obs, 1, true);
      if (this.bufferDir) this.buffer.load(this.bufferDir, 'dqn-replay');
    }
    const buf = this.buffer;
    const g = this.hp.gamma;
    const r = batch.total;
    if (this.hp.nStep === 1) {
      for (let k = 0; k < B; k++) {
        buf.add({
          obs: batch.obs,
          obsRow: k,
          nextObs: batch.nextObs,
          nextRow: k,
          action: batch.actions,
          actionOffset: k,
          reward: r[k]!,
          done: batch.terminations[k]!,
          discount: g,
        });
      }
      return;
    }
    for (let k = 0; k < B; k++) {
      const i = k % N;
      const q = this.pending[i]!;
      q.push({ obs: selectRows(batch.obs, [k]), action: batch.actions[k]!, reward: r[k]! });
      const ended = batch.terminations[k]! || batch.truncations[k]!;
      const next = selectRows(batch.nextObs, [k]);
      // Emit the oldest entry once it has n rewards; at an episode end flush all (shorter returns).
      while (q.length > 0 && (q.length >= this.hp.nStep || ended)) {
        let ret = 0;
        for (let j = q.length - 1; j >= 0; j--) ret = q[j]!.reward + g * ret;
        buf.add({
          obs: q[0]!.obs,
          obsRow: 0,
          nextObs: next,
          nextRow: 0,
          action: [q[0]!.action],
          actionOffset: 0,
          reward: ret,
          done: batch.terminations[k]!,
          discount: g ** q.length,
        });
        q.shift();
      }
    }
  }

  learn(batch: AnnotatedBatch): TrainStats {
    this.store(batch);
    const before = this.learnSteps;
    const after = before + batch.numSteps * batch.numEnvs;
    this.learnSteps = after;
    const hp = this.hp;
    let loss = 0;
    let qMean = 0;
    let done = 0;
    const from = Math.max(before, hp.learningStarts);
    const steps =
      after > hp.learningStarts ? Math.floor(after / hp.trainFrequency) - Math.floor(from / hp.trainFrequency) : 0;
    for (let s = 0; s < steps; s++) {
      const r = this.update();
      loss += r.loss;
      qMean += r.aux[0]!;
      done++;
      this.updates++;
    }
    if (
      after > hp.learningStarts &&
      Math.floor(after / hp.targetNetworkFrequency) > Math.floor(from / hp.targetNetworkFrequency)
    ) {
      this.online.store.copyTo(this.target.store, hp.tau);
    }
    return {
      ...(done > 0 ? { loss: loss / done, qMean: qMean / done } : {}),
      epsilon: this.epsilon(),
      updates: this.updates,
      bufferSize: this.buffer?.size ?? 0,
    };
  }

  private update(): { loss: number; aux: Float32Array } {
    const hp = this.hp;
    const s = (this.sample = this.buffer!.sample(this.rng, hp.batchSize, this.sample));
    const B = hp.batchSize;
    const inputs = this.online.encoder.toTensors(s.obs, B);
    const nextInputs = this.online.encoder.toTensors(s.nextObs, B);
    const y = tf.tidy(() => {
      const qNextT = this.target.q(nextInputs);
      let next: tf.Tensor1D;
      if (hp.double) {
        const aStar = tf.argMax(this.online.q(nextInputs), 1);
        next = tf.sum(tf.mul(qNextT, tf.oneHot(aStar, this.n)), 1) as tf.Tensor1D;
      } else {
        next = tf.max(qNextT, 1) as tf.Tensor1D;
      }
      const notDone = tf.sub(1, tf.tensor1d(s.dones));
      return tf.add(tf.tensor1d(s.rewards), tf.mul(tf.mul(tf.tensor1d(s.discounts), notDone), next));
    });
    const acts = tf.tensor1d(s.actions as Int32Array, 'int32');
    const aux: tf.Scalar[] = [];
    try {
      const res = this.adam.step(() => {
        const q = tf.sum(tf.mul(this.online.q(inputs), tf.oneHot(acts, this.n)), 1);
        aux.push(tf.keep(tf.mean(q) as tf.Scalar));
        return tf.mean(tf.square(tf.sub(q, y))) as tf.Scalar;
      }, aux);
      return res;
    } finally {
      tf.dispose([...inputs, ...nextInputs, y, acts]);
    }
  }

  save(dir: string): void {
    saveWeights(dir, 'dqn', this.online.store.snapshot(), { ...this.id, hp: this.hp });
    saveWeights(dir, 'dqn-target', this.target.store.snapshot(), {});
    const opt = this.adam.snapshot('adam');
    saveWeights(dir, 'dqn-optim', opt.entries, { t: opt.t });
    this.buffer?.save(dir, 'dqn-replay');
    // n-step queues need no saving: checkpoints fall on episode cuts, where the queues are flushed.
    saveAgentState(dir, 'dqn', {
      rng: this.rng.getState(),
      actSteps: this.actSteps,
      learnSteps: this.learnSteps,
      updates: this.updates,
      hasBuffer: this.buffer !== undefined,
    });
  }

  loadWeights(dir: string): void {
    const w = loadWeights(dir, 'dqn');
    checkIdentity(dir, w.meta, this.id);
    this.online.store.restore(w.entries);
    this.target.store.restore(loadWeights(dir, 'dqn-target').entries);
    this.adam.pull(); // the optimizer's host copy of the weights
  }

  load(dir: string): void {
    this.loadWeights(dir);
    const o = loadWeights(dir, 'dqn-optim');
    this.adam.restore('adam', o.meta.t as number, o.entries);
    const st = loadAgentState(dir, 'dqn');
    this.rng = st.rng;
    this.actSteps = st.state.actSteps as number;
    this.learnSteps = st.state.learnSteps as number;
    this.updates = st.state.updates as number;
    // The buffer is allocated from the first batch's observation layout; the saved one is read in then.
    this.bufferDir = st.state.hasBuffer ? dir : undefined;
  }

  dispose(): void {
    this.online.store.dispose();
    this.target.store.dispose();
  }
}

/** Registration record of DQN. */
export const dqnDefinition = defineAgent({
  type: 'dqn',
  description: 'DQN with replay, target network, double DQN, epsilon schedule, n-step returns',
  params: DQN_PARAMS,
  rolloutSteps: (hp) => hp.numSteps,
  unsupported: (_o: Space<unknown>, a: Space<unknown>) =>
    a instanceof Discrete
      ? undefined
      : `dqn needs a Discrete action space, got ${a.constructor.name}; use ppo or sac for continuous actions`,
  create: (hp, ctx) => new DqnAgent(hp, ctx),
});
