import * as tf from '@tensorflow/tfjs';
import { defineAgent, type Agent, type AgentContext } from '../src/core/agent.js';
import { defineParams, type ParamsOf } from '../src/core/params.js';
import { Rng } from '../src/core/rng.js';
import { Discrete, type Space } from '../src/core/spaces.js';
import { selectRows } from '../src/core/obs-batch.js';
import type { AnnotatedBatch, ObsBatch } from '../src/stream/batch.js';
import type { TrainStats } from '../src/stream/events.js';
import type { ActOptions, PolicyOutput } from '../src/stream/policy.js';
import { Adam } from '../src/tensor/adam.js';
import { loadWeights, saveWeights } from '../src/tensor/io.js';
import { Mlp, ObsEncoder, resolveNetworkConfig } from '../src/tensor/network.js';
import { NETWORK_PARAMS } from '../src/tensor/network-params.js';
import { ParamStore } from '../src/tensor/params.js';
import { checkIdentity, identity, loadAgentState, saveAgentState } from './checkpoint-io.js';
import { sampleCategorical } from './distributions.js';
import { endedEpisodes, groupByProblem, selectEpisodes } from '../src/stream/episodes.js';

/** RAFT's hyper-parameters. */
export const RAFT_PARAMS = defineParams({
  numSteps: { kind: 'number', integer: true, positive: true, default: 128, doc: 'steps per env per round' },
  lr: { kind: 'number', positive: true, default: 1e-3, doc: 'Adam learning rate' },
  epochs: { kind: 'number', integer: true, positive: true, default: 4, doc: 'passes over the kept episodes' },
  batchSize: { kind: 'number', integer: true, positive: true, default: 128, doc: 'rows per Adam step' },
  keep: { kind: 'number', integer: true, positive: true, default: 1, doc: 'episodes kept per problem (the best)' },
  minReturn: {
    kind: 'number',
    optional: true,
    doc: 'keep only episodes whose reward reaches this (default: the best whatever it is)',
  },
  maxGradNorm: { kind: 'number', positive: true, default: 0.5, doc: 'global gradient-norm clip' },
  network: { kind: 'object', fields: NETWORK_PARAMS, default: {}, doc: 'network config (the policy MLP and encoders)' },
});

/** RaftAgent's resolved hyper-parameters. */
export type RaftHp = ParamsOf<typeof RAFT_PARAMS>;

/**
 * RAFT (Dong et al. 2023, reward-ranked fine-tuning): each round samples episodes with the current policy, ranks
 * the episodes of each problem by the reward the agent is given (`repeat` K on a Reason env gives K samples a
 * problem), keeps the best `keep`, and fine-tunes the policy on their steps by maximum likelihood (cross-entropy of
 * the taken actions, impossible actions masked out). No critic, no advantage: the ranking is the only signal.
 */
export class RaftAgent implements Agent {
  readonly type = 'raft';
  private rng: Rng;
  private readonly store = new ParamStore('raft');
  private readonly encoder: ObsEncoder;
  private readonly actor: Mlp;
  private readonly adam: Adam;
  private readonly nActions: number;
  private readonly actionStart: number;
  private readonly id;
  private mbObs: ObsBatch = {};

  constructor(
    private readonly hp: RaftHp,
    ctx: AgentContext,
  ) {
    this.rng = new Rng(ctx.seed);
    const init = this.rng.fork();
    const net = resolveNetworkConfig(hp.network);
    this.nActions = (ctx.actionSpace as Discrete).n;
    this.actionStart = (ctx.actionSpace as Discrete).start;
    this.encoder = new ObsEncoder(ctx.observationSpace, net, this.store, init, ctx.textKeys ?? [], ctx.tokenKeys);
    this.actor = new Mlp(
      this.store,
      'actor',
      this.encoder.featureDim,
      net.hidden,
      this.nActions,
      0.01,
      net.activation,
      init,
    );
    this.adam = new Adam(this.store.list(), { lr: hp.lr, maxGradNorm: hp.maxGradNorm });
    this.id = identity('raft', ctx.observationSpace, ctx.actionSpace);
  }

  act(obs: ObsBatch, count: number, opts: ActOptions = {}): PolicyOutput {
    const out = tf.tidy(() => this.actor.apply(this.encoder.encode(this.encoder.toTensors(obs, count))));
    const logits = out.dataSync() as Float32Array;
    out.dispose();
    const A = this.nActions;
    const actions = new Int32Array(count);
    for (let r = 0; r < count; r++) {
      actions[r] = sampleCategorical(
        logits,
        r * A,
        A,
        opts.evalRng ?? this.rng,
        opts.deterministic === true,
        opts.actionMask,
        r * A,
      ).action;
    }
    return this.actionStart === 0 ? { actions } : { actions, envActions: actions.map((a) => a + this.actionStart) };
  }

  learn(batch: AnnotatedBatch): TrainStats {
    const all = endedEpisodes(batch, batch.total);
    const min = this.hp.minReturn ?? -Infinity;
    const kept = groupByProblem(all)
      .flatMap((g) => selectEpisodes(g, 'top', this.hp.keep, this.rng))
      .filter((e) => e.score >= min);
    const rows = kept.flatMap((e) => e.rows);
    const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    const stats: TrainStats = {
      episodes: all.length,
      keptEpisodes: kept.length,
      keptRows: rows.length,
      meanScore: mean(all.map((e) => e.score)),
      keptScore: mean(kept.map((e) => e.score)),
      nll: 0,
      epochs: 0,
    };
    if (rows.length === 0) return stats;
    const A = this.nActions;
    const bs = Math.min(this.hp.batchSize, rows.length);
    let nll = 0,
      steps = 0;
    for (let epoch = 0; epoch < this.hp.epochs; epoch++) {
      this.rng.shuffle(rows);
      for (let start = 0; start + bs <= rows.length; start += bs) {
        const mb = rows.slice(start, start + bs);
        this.mbObs = selectRows(batch.obs, mb, this.mbObs);
        const acts = Int32Array.from(mb, (k) => batch.actions[k]!);
        const mask = batch.actionMasks ? new Uint8Array(bs * A) : undefined;
        if (mask) mb.forEach((k, r) => mask.set(batch.actionMasks!.subarray(k * A, (k + 1) * A), r * A));
        const inputs = this.encoder.toTensors(this.mbObs, bs);
        const a = tf.tensor1d(acts, 'int32');
        const m = mask ? tf.tensor2d(mask, [bs, A], 'bool') : undefined;
        try {
          const res = this.adam.step(() => {
            const out = this.actor.apply(this.encoder.encode(inputs));
            const logits = m ? tf.where(m, out, tf.fill(out.shape, -1e9)) : out;
            const logp = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(a, A)), 1);
            return tf.neg(tf.mean(logp)) as tf.Scalar;
          });
          nll += res.loss;
          steps++;
        } finally {
          tf.dispose([...inputs, a]);
          m?.dispose();
        }
      }
    }
    stats.nll = steps > 0 ? nll / steps : 0;
    stats.epochs = this.hp.epochs;
    return stats;
  }

  save(dir: string): void {
    saveWeights(dir, 'raft', this.store.snapshot(), { ...this.id, hp: this.hp });
    const opt = this.adam.snapshot('adam');
    saveWeights(dir, 'raft-optim', opt.entries, { t: opt.t });
    saveAgentState(dir, 'raft', { rng: this.rng.getState() });
  }

  loadWeights(dir: string): void {
    const w = loadWeights(dir, 'raft');
    checkIdentity(dir, w.meta, this.id);
    this.store.restore(w.entries);
    this.adam.pull();
  }

  load(dir: string): void {
    this.loadWeights(dir);
    const o = loadWeights(dir, 'raft-optim');
    this.adam.restore('adam', o.meta.t as number, o.entries);
    this.rng = loadAgentState(dir, 'raft').rng;
  }

  dispose(): void {
    this.adam.dispose();
    this.store.dispose();
  }
}

/** Registration record of RAFT. */
export const raftDefinition = defineAgent({
  type: 'raft',
  description: 'RAFT: sample K episodes per problem, keep the best by reward, fine-tune by maximum likelihood',
  params: RAFT_PARAMS,
  rolloutSteps: (hp) => hp.numSteps,
  unsupported(_obs: Space<unknown>, act: Space<unknown>) {
    return act instanceof Discrete ? undefined : `raft handles Discrete action spaces, not ${act.constructor.name}`;
  },
  create: (hp, ctx) => new RaftAgent(hp, ctx),
});
