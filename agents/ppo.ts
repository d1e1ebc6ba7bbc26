import * as tf from '@tensorflow/tfjs';
import { Box, Discrete, type Space } from '../src/core/spaces.js';
import { Rng } from '../src/core/rng.js';
import { RxgymError } from '../src/core/env.js';
import type { AnnotatedBatch, ObsBatch } from '../src/stream/batch.js';
import type { TrainStats } from '../src/stream/events.js';
import type { ActOptions, PolicyOutput } from '../src/stream/policy.js';
import { defineAgent, type Agent, type AgentContext } from '../src/core/agent.js';
import { defineParams, type ParamsOf } from '../src/core/params.js';
import { Adam } from '../src/tensor/adam.js';
import { loadWeights, saveWeights } from '../src/tensor/io.js';
import { Mlp, ObsEncoder, resolveNetworkConfig, type DirectPart } from '../src/tensor/network.js';
import { NETWORK_PARAMS } from '../src/tensor/network-params.js';
import { ParamStore, type WeightEntry } from '../src/tensor/params.js';
import { checkIdentity, identity, loadAgentState, saveAgentState } from './checkpoint-io.js';
import { gaussianLogProb, sampleCategorical } from './distributions.js';
import { bootRows, gae } from './gae.js';
import { constraintsOf, learnRows, mixAdvantages } from './ppo-process.js';
import { selectRows } from '../src/core/obs-batch.js';
import { WasmKernels } from '../src/tensor/wasm-direct.js';
import { DirectEncoder } from '../src/tensor/direct-encoder.js';
import { PpoDirect } from './ppo-direct.js';
import { AsyncPpoAgent } from './ppo-async.js';
import { allocMinibatch, gatherMinibatch, type Minibatch, type UpdateRows } from './ppo-minibatch.js';
import { ParallelPpoAgent, type GradientPeer } from './ppo-parallel.js';

/** PPO's hyper-parameters (CleanRL's ppo.py defaults). */
export const PPO_PARAMS = defineParams({
  numSteps: { kind: 'number', integer: true, positive: true, default: 128, doc: 'steps per env per rollout' },
  lr: { kind: 'number', positive: true, default: 2.5e-4, doc: 'Adam learning rate' },
  annealLr: { kind: 'boolean', default: true, doc: 'anneal the learning rate linearly to 0 over the budget' },
  gamma: { kind: 'number', min: 0, max: 1, default: 0.99, doc: 'discount' },
  gaeLambda: { kind: 'number', min: 0, max: 1, default: 0.95, doc: 'GAE lambda' },
  numMinibatches: { kind: 'number', integer: true, positive: true, default: 4, doc: 'minibatches per epoch' },
  updateEpochs: { kind: 'number', integer: true, positive: true, default: 4, doc: 'epochs per rollout' },
  normAdv: { kind: 'boolean', default: true, doc: 'normalise advantages per minibatch' },
  clipCoef: { kind: 'number', positive: true, default: 0.2, doc: 'surrogate clipping' },
  clipVloss: { kind: 'boolean', default: true, doc: 'clip the value loss like the surrogate' },
  entCoef: { kind: 'number', min: 0, default: 0.01, doc: 'entropy bonus' },
  vfCoef: { kind: 'number', min: 0, default: 0.5, doc: 'value loss weight' },
  maxGradNorm: { kind: 'number', positive: true, default: 0.5, doc: 'global gradient-norm clip' },
  targetKl: { kind: 'number', min: 0, default: 0, doc: 'stop the epochs when approx KL exceeds this (0: off)' },
  adamEps: { kind: 'number', positive: true, default: 1e-5, doc: 'Adam epsilon' },
  actionBound: {
    kind: 'enum',
    values: ['clip', 'tanh'],
    default: 'clip',
    doc: 'continuous actions: clip samples to the Box, or squash with tanh',
  },
  logStdInit: { kind: 'number', default: 0, doc: 'initial state-independent log-std (continuous)' },
  valueHeads: {
    kind: 'enum',
    values: ['single', 'split'],
    default: 'single',
    doc: "'split': separate extrinsic/intrinsic value heads (RND)",
  },
  intGamma: { kind: 'number', min: 0, max: 1, default: 0.99, doc: 'discount of the intrinsic head (split)' },
  extCoef: { kind: 'number', min: 0, default: 1, doc: 'extrinsic advantage weight (split)' },
  intCoef: { kind: 'number', min: 0, default: 1, doc: 'intrinsic advantage weight (split)' },
  network: {
    kind: 'object',
    fields: NETWORK_PARAMS,
    default: {},
    doc: 'network config: hidden, activation, glyph, message, token',
  },
  kernels: {
    kind: 'enum',
    values: ['auto', 'direct', 'tape'],
    default: 'auto',
    doc:
      "wasm kernels called directly (src/tensor/wasm-direct.ts) or tfjs's tape: 'auto' direct where the weights are " +
      "the tape's bit for bit (discrete actions, flat observations); 'direct' also for glyph-embedding and message " +
      "layers (faster; the weights drift from the tape's after the first update)",
  },
  async: {
    kind: 'boolean',
    default: false,
    doc: 'learn in a worker thread while acting goes on (agents/ppo-async.ts); the policy lags by one update',
  },
  learnerThreads: {
    kind: 'number',
    integer: true,
    min: 1,
    max: 2,
    default: 1,
    doc:
      '2: each minibatch gradient is computed in two halves, one in a worker thread, and averaged before one Adam ' +
      'step (agents/ppo-parallel.ts; same loss, weights within float rounding of 1 thread); 1: one thread',
  },
});

/** PpoAgent's resolved hyper-parameters. */
export type PpoHp = ParamsOf<typeof PPO_PARAMS>;

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** Where the gradient starts in a flat minibatch result: after the loss and the loss's five named parts. */
const AUX_OFFSET = 6;

/** Proximal Policy Optimisation, discrete (with action masks) and continuous (Gaussian, state-independent log-std). */
export class PpoAgent implements Agent {
  readonly type = 'ppo';
  private rng: Rng;
  private readonly store = new ParamStore('ppo');
  private readonly encoder: ObsEncoder;
  private readonly actor: Mlp;
  private readonly critic: Mlp;
  private readonly logStd: tf.Variable | undefined;
  private logStdCache: Float32Array = new Float32Array(0);
  private readonly adam: Adam;
  private readonly discrete: boolean;
  private readonly nActions: number;
  private readonly actionStart: number;
  private readonly low: Float64Array | undefined;
  private readonly high: Float64Array | undefined;
  private readonly heads: number;
  /** Value heads of the task (2 with split heads); one per constraint component follows them. */
  private readonly taskHeads: number;
  private readonly id;
  /** The direct-kernel path (`hp.kernels`: discrete actions, encoders without convolutions, wasm backend). */
  private readonly direct: PpoDirect | undefined;
  /** The direct path's [loss, aux x 5, gradient] (Adam's flat layout after the first 6). */
  private readonly flat: Float32Array;
  /** The gradient peer's minibatch arrays (when this agent is the replica in the worker). */
  private peerMb: Minibatch | undefined;
  /** Two halves' results combined (learnerThreads: 2). */
  private combined = new Float32Array(0);

  constructor(
    private readonly hp: PpoHp,
    private readonly ctx: AgentContext,
  ) {
    this.rng = new Rng(ctx.seed);
    const initRng = this.rng.fork();
    const net = resolveNetworkConfig(hp.network);
    const act = ctx.actionSpace;
    this.discrete = act instanceof Discrete;
    this.nActions = act instanceof Discrete ? act.n : (act as Box).size;
    this.actionStart = act instanceof Discrete ? act.start : 0;
    if (act instanceof Box) {
      this.low = act.low;
      this.high = act.high;
    }
    this.taskHeads = hp.valueHeads === 'split' ? 2 : 1;
    this.heads = this.taskHeads + (ctx.constraints?.length ?? 0);
    this.encoder = new ObsEncoder(ctx.observationSpace, net, this.store, initRng, ctx.textKeys ?? [], ctx.tokenKeys);
    this.actor = new Mlp(
      this.store,
      'actor',
      this.encoder.featureDim,
      net.hidden,
      this.nActions,
      0.01,
      net.activation,
      initRng,
    );
    this.critic = new Mlp(
      this.store,
      'critic',
      this.encoder.featureDim,
      net.hidden,
      this.heads,
      1,
      net.activation,
      initRng,
    );
    if (!this.discrete) {
      this.logStd = this.store.add('logStd', [this.nActions], new Float32Array(this.nActions).fill(hp.logStdInit));
      this.logStdCache = new Float32Array(this.nActions).fill(hp.logStdInit);
    }
    this.adam = new Adam(this.store.list(), { lr: hp.lr, eps: hp.adamEps, maxGradNorm: hp.maxGradNorm });
    this.id = identity('ppo', ctx.observationSpace, ctx.actionSpace);
    const parts = this.directParts();
    const k = parts ? WasmKernels.forActiveBackend() : undefined;
    if (hp.kernels === 'direct' && !k) {
      throw new RxgymError(
        "agent.kernels: 'direct' needs discrete actions, the wasm tensor backend and an encoder without convolutions " +
          "or token keys (network.glyph.channels: []); use kernels: 'auto'",
      );
    }
    const offsets = new Map<object, number>();
    let total = 0;
    for (const v of this.store.list()) {
      offsets.set(v, total);
      total += v.size;
    }
    this.flat = new Float32Array(k ? AUX_OFFSET + total : 0);
    this.direct = k && new PpoDirect(k, new DirectEncoder(k, parts!), this.actor, this.critic, (v) => offsets.get(v)!);
  }

  /** The encoder parts the direct-kernel path runs under `hp.kernels`, or undefined for the tape. */
  private directParts(): DirectPart[] | undefined {
    if (!this.discrete || this.hp.kernels === 'tape') return undefined;
    const parts = this.encoder.directParts();
    if (this.hp.kernels === 'auto' && parts?.some((p) => p.kind !== 'flat')) return undefined;
    return parts;
  }

  /** Actor outputs and values for `count` observations, in one forward pass and one read. */
  private forward(obs: ObsBatch, count: number): Float32Array {
    if (this.direct) return this.direct.forward(obs, count);
    const out = tf.tidy(() => {
      const f = this.encoder.encode(this.encoder.toTensors(obs, count));
      return tf.concat([this.actor.apply(f), this.critic.apply(f)], 1);
    });
    const data = out.dataSync() as Float32Array;
    out.dispose();
    return data;
  }

  act(obs: ObsBatch, count: number, opts: ActOptions = {}): PolicyOutput {
    const data = this.forward(obs, count);
    const A = this.nActions;
    const H = this.heads;
    const stride = A + H;
    const logProb = new Float32Array(count);
    const value = new Float32Array(count * H);
    const greedy = opts.deterministic === true;
    const rng = opts.evalRng ?? this.rng;
    for (let r = 0; r < count; r++) for (let h = 0; h < H; h++) value[r * H + h] = data[r * stride + A + h]!;
    if (this.discrete) {
      const actions = new Int32Array(count);
      for (let r = 0; r < count; r++) {
        const s = sampleCategorical(data, r * stride, A, rng, greedy, opts.actionMask, r * A);
        actions[r] = s.action;
        logProb[r] = s.logProb;
      }
      const envActions = this.actionStart === 0 ? actions : actions.map((a) => a + this.actionStart);
      return { actions, envActions, extras: { logProb, value } };
    }
    const actions = new Float32Array(count * A);
    const envActions = new Float32Array(count * A);
    const ls = this.logStdCache;
    for (let r = 0; r < count; r++) {
      for (let d = 0; d < A; d++) {
        const mean = data[r * stride + d]!;
        const a = greedy ? mean : mean + Math.exp(ls[d]!) * rng.normal();
        actions[r * A + d] = a;
        const lo = this.low![d]!;
        const hi = this.high![d]!;
        envActions[r * A + d] =
          this.hp.actionBound === 'tanh' ? lo + ((Math.tanh(a) + 1) / 2) * (hi - lo) : Math.min(hi, Math.max(lo, a));
      }
      logProb[r] = gaussianLogProb(actions, r * A, data, r * stride, ls, A);
    }
    return { actions, envActions, extras: { logProb, value } };
  }

  /** Values of selected next observations (bootstrap targets), [rows, heads]. */
  private bootValues(batch: AnnotatedBatch, rows: number[]): Float32Array {
    const sub = selectRows(batch.nextObs, rows);
    const data = this.forward(sub, rows.length);
    const stride = this.nActions + this.heads;
    const out = new Float32Array(rows.length * this.heads);
    for (let r = 0; r < rows.length; r++)
      for (let h = 0; h < this.heads; h++) out[r * this.heads + h] = data[r * stride + this.nActions + h]!;
    return out;
  }

  learn(batch: AnnotatedBatch): TrainStats {
    const it = this.update(batch, undefined);
    const r = it.next();
    if (!r.done) throw new Error('ppo.learn: the one-thread update waited for a gradient peer');
    return r.value;
  }

  /**
   * `learn` with each minibatch's gradient computed in two halves, the second by `peer` (a worker thread with a
   * replica of the networks) while this thread computes the first (`agent.learnerThreads: 2`).
   */
  async learnSplit(batch: AnnotatedBatch, peer: GradientPeer): Promise<TrainStats> {
    const it = this.update(batch, peer);
    try {
      let r = it.next();
      while (!r.done) r = it.next(await peer.result());
      return r.value;
    } finally {
      await peer.endUpdate();
    }
  }

  /**
   * One update. With a `peer`, each minibatch's second half goes to the peer and the generator yields after
   * computing the first half's gradient: the driver resumes it with the peer's flat result.
   */
  private *update(batch: AnnotatedBatch, peer: GradientPeer | undefined): Generator<void, TrainStats, Float32Array> {
    const hp = this.hp;
    const T = batch.numSteps;
    const N = batch.numEnvs;
    const B = T * N;
    const H = this.heads;
    const oldLogp = batch.extras?.logProb;
    const oldV = batch.extras?.value;
    if (!oldLogp || !oldV)
      throw new Error('ppo.learn: the batch lacks logProb/value extras; collect it with this agent as the policy');
    // Advantages: one GAE per value head; truncated episodes bootstrap from V(final observation).
    const groups =
      this.taskHeads === 2
        ? [
            { r: batch.groups.extrinsic, gamma: hp.gamma, episodic: batch.episodic.extrinsic, coef: hp.extCoef },
            { r: batch.groups.intrinsic, gamma: hp.intGamma, episodic: batch.episodic.intrinsic, coef: hp.intCoef },
          ]
        : [{ r: batch.total, gamma: hp.gamma, episodic: true, coef: 1 }];
    const rows = bootRows(
      T,
      N,
      batch.truncations,
      batch.terminations,
      groups.some((g) => g.episodic),
    );
    const bootSparse = this.bootValues(batch, rows);
    const advantages = new Float32Array(B);
    const returns = new Float32Array(B * H);
    // Constrained PPO: a value head and an advantage per constraint, mixed with the task's by the multipliers.
    const cons = constraintsOf(batch, this.ctx.constraints ?? []);
    const consAdv: Float32Array[] = [];
    const heads = [...groups, ...cons.map((c) => ({ r: c.rewards, gamma: hp.gamma, episodic: true, coef: 0 }))];
    heads.forEach((g, h) => {
      const values = new Float32Array(B);
      const boot = new Float32Array(B);
      for (let k = 0; k < B; k++) values[k] = oldV[k * H + h]!;
      rows.forEach((k, j) => {
        boot[k] = bootSparse[j * H + h]!;
      });
      const res = gae({
        numSteps: T,
        numEnvs: N,
        rewards: g.r,
        values,
        bootValues: boot,
        terminations: batch.terminations,
        truncations: batch.truncations,
        gamma: g.gamma,
        lambda: hp.gaeLambda,
        episodic: g.episodic,
      });
      for (let k = 0; k < B; k++) {
        advantages[k]! += g.coef * res.advantages[k]!;
        returns[k * H + h] = res.returns[k]!;
      }
      if (h >= groups.length) consAdv.push(res.advantages);
    });
    if (cons.length > 0)
      advantages.set(
        mixAdvantages(
          advantages,
          consAdv,
          cons.map((c) => c.multiplier),
        ),
      );

    // Learning-rate annealing: linear from lr to 0 over the step budget (CleanRL's frac).
    const frac = hp.annealLr ? Math.max(0, 1 - batch.globalStep / this.ctx.totalSteps) : 1;
    this.adam.lr = frac * hp.lr;

    // PF-PPO: only the rows of the episodes the reward stack's filter kept (all rows without a filter).
    const kept = learnRows(batch);
    const perm = kept.rows;
    const mbSize = Math.floor(perm.length / hp.numMinibatches);
    const src: UpdateRows = {
      obs: batch.obs,
      actions: batch.actions,
      actionMasks: batch.actionMasks,
      logProb: oldLogp,
      value: oldV,
      returns,
    };
    // the peer gathers its half itself: it gets the rollout once per update, then row indices per minibatch
    peer?.setRows(src, this.adam.size);
    const A = this.nActions;
    const masked = this.discrete && batch.actionMasks !== undefined;
    const mb = allocMinibatch(mbSize, this.discrete, A, H, masked);
    // with a peer: this thread's half (the first `own` rows of each minibatch)
    const own = mbSize - (mbSize >> 1);
    const half = peer ? allocMinibatch(own, this.discrete, A, H, masked) : mb;
    // Each statistic of the update, summed over minibatch steps (reported as means).
    const sums = { loss: 0, gradNorm: 0, policyLoss: 0, valueLoss: 0, entropy: 0, approxKl: 0, clipFrac: 0 };
    let steps = 0;
    let epochs = 0;
    for (let epoch = 0; epoch < hp.updateEpochs && mbSize > 0; epoch++) {
      epochs++;
      this.rng.shuffle(perm);
      let klSum = 0;
      let klCount = 0;
      for (let start = 0; start + mbSize <= perm.length; start += mbSize) {
        const rowsIdx = perm.slice(start, start + mbSize);
        const mbAdv = mb.adv;
        let am = 0;
        for (let r = 0; r < mbSize; r++) {
          mbAdv[r] = advantages[rowsIdx[r]!]!;
          am += advantages[rowsIdx[r]!]!;
        }
        // normalised over the whole minibatch, before any split
        if (hp.normAdv) {
          am /= mbSize;
          let v = 0;
          for (let r = 0; r < mbSize; r++) v += (mbAdv[r]! - am) ** 2;
          const sd = Math.sqrt(v / Math.max(1, mbSize - 1));
          for (let r = 0; r < mbSize; r++) mbAdv[r] = (mbAdv[r]! - am) / (sd + 1e-8);
        }
        let res: { loss: number; gradNorm: number; aux: Float32Array };
        if (!peer) {
          gatherMinibatch(src, rowsIdx, mb, this.discrete, A, H);
          const g = this.gradientOf(mb, mbSize);
          res = { loss: g[0]!, gradNorm: this.adam.stepWithGradients(g.subarray(AUX_OFFSET)), aux: g.subarray(1) };
        } else {
          this.adam.weightsInto(peer.weights());
          peer.request(rowsIdx.slice(own), mbAdv.subarray(own));
          gatherMinibatch(src, rowsIdx.slice(0, own), half, this.discrete, A, H);
          half.adv.set(mbAdv.subarray(0, own));
          const g = this.gradientOf(half, own);
          const other: Float32Array = yield;
          res = this.combine(g, own, other, mbSize - own);
        }
        steps++;
        // the loss's named parts, in the order `loss()` keeps them
        const [policyLoss, valueLoss, entropy, approxKl, clipFrac] = [
          res.aux[0]!,
          res.aux[1]!,
          res.aux[2]!,
          res.aux[3]!,
          res.aux[4]!,
        ];
        sums.loss += res.loss;
        sums.gradNorm += res.gradNorm;
        sums.policyLoss += policyLoss;
        sums.valueLoss += valueLoss;
        sums.entropy += entropy;
        sums.approxKl += approxKl;
        sums.clipFrac += clipFrac;
        klSum += approxKl;
        klCount++;
      }
      if (hp.targetKl > 0 && klCount > 0 && klSum / klCount > hp.targetKl) break;
    }
    if (this.logStd) this.logStdCache = this.logStd.dataSync() as Float32Array;
    const mean = (sum: number): number => sum / Math.max(1, steps);
    return {
      loss: mean(sums.loss),
      gradNorm: mean(sums.gradNorm),
      policyLoss: mean(sums.policyLoss),
      valueLoss: mean(sums.valueLoss),
      entropy: mean(sums.entropy),
      approxKl: mean(sums.approxKl),
      clipFrac: mean(sums.clipFrac),
      lr: this.adam.lr,
      epochs,
      explainedVariance: explainedVariance(oldV, returns, H),
      ...kept.stats,
    };
  }

  /**
   * Two halves' flat results (`gradientOf` of `na` and `nb` rows) as the whole minibatch's: each mean (loss, its
   * parts, gradient) weighted by its rows, this thread's half first, then one Adam step.
   */
  private combine(
    a: Float32Array,
    na: number,
    b: Float32Array,
    nb: number,
  ): { loss: number; gradNorm: number; aux: Float32Array } {
    if (b.length !== a.length) throw new RxgymError(`ppo: the gradient peer sent ${b.length} values, not ${a.length}`);
    const wa = na / (na + nb);
    const wb = nb / (na + nb);
    if (this.combined.length !== a.length) this.combined = new Float32Array(a.length);
    const g = this.combined;
    for (let k = 0; k < a.length; k++) g[k] = wa * a[k]! + wb * b[k]!;
    return { loss: g[0]!, gradNorm: this.adam.stepWithGradients(g.subarray(AUX_OFFSET)), aux: g.subarray(1) };
  }

  /**
   * The loss, its five named parts and the gradient (Adam's flat layout) of one minibatch of `n` rows, as one flat
   * array: the direct kernels' or the tape's.
   */
  private gradientOf(mb: Minibatch, n: number): Float32Array {
    const hp = this.hp;
    if (this.direct) {
      const flat = this.flat;
      const m = { ...mb, actions: mb.actions as Int32Array };
      const g = this.direct.gradients(m, n, hp, flat.subarray(AUX_OFFSET));
      flat[0] = g.loss;
      flat.set(g.aux, 1);
      return flat;
    }
    const A = this.nActions;
    const H = this.heads;
    const aux: tf.Scalar[] = [];
    const inputs = this.encoder.toTensors(mb.obs, n);
    const acts = this.discrete
      ? tf.tensor1d(mb.actions as Int32Array, 'int32')
      : tf.tensor2d(mb.actions as Float32Array, [n, A]);
    const mask = mb.mask ? tf.tensor2d(mb.mask, [n, A], 'bool') : undefined;
    const t = {
      inputs,
      acts,
      mask,
      oldLogp: tf.tensor1d(mb.oldLogp),
      adv: tf.tensor1d(mb.adv),
      ret: tf.tensor2d(mb.ret, [n, H]),
      oldV: tf.tensor2d(mb.oldV, [n, H]),
    };
    try {
      return this.adam.gradient(() => this.loss(t, aux), aux);
    } finally {
      tf.dispose([...inputs, acts, t.oldLogp, t.adv, t.ret, t.oldV]);
      mask?.dispose();
    }
  }

  /**
   * The peer's side of `learnSplit`: with the weights `weights` (Adam's flat layout), the flat result of
   * `gradientOf` for rows `idx` of `src` with (already normalised) advantages `adv`, written into `out`.
   */
  peerGradient(src: UpdateRows, idx: Int32Array, adv: Float32Array, weights: Float32Array, out: Float32Array): void {
    this.adam.setWeights(weights);
    let mb = this.peerMb;
    if (mb?.oldLogp.length !== idx.length) {
      mb = allocMinibatch(idx.length, this.discrete, this.nActions, this.heads, src.actionMasks !== undefined);
      this.peerMb = mb;
    }
    gatherMinibatch(src, idx, mb, this.discrete, this.nActions, this.heads);
    mb.adv.set(adv);
    const g = this.gradientOf(mb, idx.length);
    if (g.length !== out.length) throw new Error(`ppo: a gradient of ${g.length} values for ${out.length}`);
    out.set(g);
  }

  private loss(
    t: {
      inputs: tf.Tensor[];
      acts: tf.Tensor;
      mask: tf.Tensor | undefined;
      oldLogp: tf.Tensor1D;
      adv: tf.Tensor1D;
      ret: tf.Tensor2D;
      oldV: tf.Tensor2D;
    },
    aux: tf.Scalar[],
  ): tf.Scalar {
    const hp = this.hp;
    const f = this.encoder.encode(t.inputs);
    const out = this.actor.apply(f);
    const newV = this.critic.apply(f);
    let newLogp: tf.Tensor1D;
    let entropy: tf.Scalar;
    if (this.discrete) {
      const logits = t.mask ? tf.where(t.mask as tf.Tensor2D, out, tf.fill(out.shape, -1e9)) : out;
      const logSm = tf.logSoftmax(logits);
      newLogp = tf.sum(tf.mul(logSm, tf.oneHot(t.acts as tf.Tensor1D, this.nActions)), 1) as tf.Tensor1D;
      entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logSm), logSm), 1)));
    } else {
      const ls = this.logStd!;
      const z = tf.div(tf.sub(t.acts, out), tf.exp(ls));
      newLogp = tf.sum(tf.sub(tf.sub(tf.mul(tf.square(z), -0.5), ls), HALF_LOG_2PI), 1) as tf.Tensor1D;
      entropy = tf.sum(tf.add(ls, 0.5 + HALF_LOG_2PI)) as tf.Scalar;
    }
    const logRatio = tf.sub(newLogp, t.oldLogp);
    const ratio = tf.exp(logRatio);
    const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)) as tf.Scalar;
    const clipFrac = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), hp.clipCoef), 'float32')) as tf.Scalar;
    const negAdv = tf.neg(t.adv);
    const pg: tf.Scalar = tf.mean(
      tf.maximum(tf.mul(negAdv, ratio), tf.mul(negAdv, tf.clipByValue(ratio, 1 - hp.clipCoef, 1 + hp.clipCoef))),
    );
    let vLoss: tf.Scalar;
    if (hp.clipVloss) {
      const vClipped = tf.add(t.oldV, tf.clipByValue(tf.sub(newV, t.oldV), -hp.clipCoef, hp.clipCoef));
      vLoss = tf.mul(
        tf.mean(tf.maximum(tf.square(tf.sub(newV, t.ret)), tf.square(tf.sub(vClipped, t.ret)))),
        0.5 * this.heads,
      );
    } else {
      vLoss = tf.mul(tf.mean(tf.square(tf.sub(newV, t.ret))), 0.5 * this.heads);
    }
    aux.push(tf.keep(pg), tf.keep(vLoss), tf.keep(entropy), tf.keep(approxKl), tf.keep(clipFrac));
    return tf.add(tf.sub(pg, tf.mul(entropy, hp.entCoef)), tf.mul(vLoss, hp.vfCoef)) as tf.Scalar;
  }

  save(dir: string): void {
    saveWeights(dir, 'ppo', this.store.snapshot(), { ...this.id, hp: this.hp });
    const opt = this.adam.snapshot('adam');
    saveWeights(dir, 'ppo-optim', opt.entries, { t: opt.t });
    saveAgentState(dir, 'ppo', { rng: this.rng.getState() });
  }

  loadWeights(dir: string): void {
    const w = loadWeights(dir, 'ppo');
    checkIdentity(dir, w.meta, this.id);
    this.setWeights(w.entries);
    // the optimizer keeps a host copy of the weights: without this its first step would put the old ones back
    this.adam.pull();
  }

  /** A copy of the network weights, for a policy that follows this agent's learning (asynchronous PPO). */
  weights(): WeightEntry[] {
    return this.store.snapshot();
  }

  /** Set the network weights from `weights()` of an agent with the same settings. */
  setWeights(entries: WeightEntry[]): void {
    this.store.restore(entries);
    if (this.logStd) this.logStdCache = this.logStd.dataSync() as Float32Array;
  }

  load(dir: string): void {
    this.loadWeights(dir);
    const o = loadWeights(dir, 'ppo-optim');
    this.adam.restore('adam', o.meta.t as number, o.entries);
    this.rng = loadAgentState(dir, 'ppo').rng;
  }

  dispose(): void {
    this.direct?.dispose();
    this.adam.dispose();
    this.store.dispose();
  }
}

/** 1 - Var(returns - values) / Var(returns), over the first value head. */
function explainedVariance(values: Float32Array, returns: Float32Array, H: number): number {
  const n = values.length / H;
  let my = 0;
  let md = 0;
  for (let k = 0; k < n; k++) {
    my += returns[k * H]!;
    md += returns[k * H]! - values[k * H]!;
  }
  my /= n;
  md /= n;
  let vy = 0;
  let vd = 0;
  for (let k = 0; k < n; k++) {
    vy += (returns[k * H]! - my) ** 2;
    vd += (returns[k * H]! - values[k * H]! - md) ** 2;
  }
  return vy === 0 ? 0 : 1 - vd / vy;
}

/** Registration record of PPO. */
export const ppoDefinition = defineAgent({
  type: 'ppo',
  description: 'PPO (clipped surrogate, GAE, minibatch epochs), discrete with action masks or continuous Gaussian',
  params: PPO_PARAMS,
  rolloutSteps: (hp) => hp.numSteps,
  unsupported(_obs: Space<unknown>, act: Space<unknown>) {
    if (act instanceof Discrete) return undefined;
    if (act instanceof Box && (act.dtype === 'float32' || act.dtype === 'float64')) return undefined;
    return `ppo handles Discrete or float Box action spaces, not ${act.constructor.name}`;
  },
  create: (hp, ctx) => {
    if (hp.async && hp.learnerThreads > 1) {
      throw new RxgymError(
        'agent.async and agent.learnerThreads: 2 both use the second core and cannot be combined; choose one',
      );
    }
    if (hp.async) return new AsyncPpoAgent(new PpoAgent(hp, ctx), hp, ctx);
    return hp.learnerThreads > 1 ? new ParallelPpoAgent(new PpoAgent(hp, ctx), hp, ctx) : new PpoAgent(hp, ctx);
  },
  constraints: true,
  filters: true,
});
