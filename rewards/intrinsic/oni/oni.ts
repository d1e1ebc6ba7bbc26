import { Subject, type Observable, type Subscription } from 'rxjs';
import { Rng } from '../../../src/core/rng.js';
import { resolveLlmOptions, type LlmOptions } from '../../../src/llm/index.js';
import { warnOnce } from '../../../src/core/warn.js';
import type { TransitionBatch } from '../../../src/stream/batch.js';
import { RewardConfigError, type RewardComponentConfig, type RewardContext, type RewardSourceInfo } from '../../registry.js';
import type { RewardEvent, RewardSource } from '../../../src/core/reward.js';
import { checkUrl } from '../../stack.js';
import { EpisodeTracker } from '../episode-tracker.js';
import { enumOpt, numOpt, sizesOpt, strOpt } from '../options.js';
import { LlmAnnotator, pairFor, RubricAnnotator, type Annotator, type OniItem } from './annotator.js';
import { ClassificationModel, ONI_MODELS, RankingModel, RetrievalModel, type OniRewardModel } from './models.js';

/**
 * ONI (Zheng, Henaff et al. 2024): an annotator labels the agent's messages in the background and a
 * reward model is distilled from the labels while the agent trains. Reward of a transition with
 * message m: `r(m) / N_ep(m)^beta` (beta = 3, N_ep counts m within the env's episode, including this
 * one); the stack weight is ONI's `llm_reward_coeff` (0.4 in its README recipe). `compute` never waits:
 * unseen messages are submitted and rewarded 0 (retrieval) or by the current model until labelled.
 */
export class OniSource implements RewardSource {
  readonly kind = 'intrinsic' as const;
  readonly annotator: Annotator;
  readonly model: OniRewardModel;
  readonly beta: number;
  private readonly events = new Subject<RewardEvent>();
  readonly events$: Observable<RewardEvent> = this.events.asObservable();
  private readonly sub: Subscription;
  private readonly submitted = new Set<string>();
  private readonly seenList: string[] = [];
  private readonly cache = new Map<string, number>();
  private readonly epCounts: Map<string, number>[];
  private readonly tracker: EpisodeTracker;
  private readonly rng: Rng;
  private warnedNoMessages = false;
  private samples: { message: string; label: string | number; model: string }[] = [];

  constructor(readonly name: string, cfg: RewardComponentConfig, ctx: RewardContext) {
    const type = enumOpt(cfg, 'model', ONI_MODELS, 'retrieval');
    this.beta = numOpt(cfg, 'beta', 3, { min: 0 });
    const seed = numOpt(cfg, 'seed', ctx.seed + 3001, { int: true });
    const net = {
      features: numOpt(cfg, 'features', 512, { int: true, min: 8 }),
      hidden: sizesOpt(cfg, 'hidden', [64]),
      lr: numOpt(cfg, 'lr', 1e-3, { gt: 0 }),
      trainSteps: numOpt(cfg, 'trainSteps', 32, { int: true, min: 1 }),
      batchSize: numOpt(cfg, 'batchSize', 256, { int: true, min: 1 }),
      seed,
    };
    this.model = type === 'retrieval' ? new RetrievalModel()
      : type === 'classification' ? new ClassificationModel(net, numOpt(cfg, 'threshold', 0.5, { min: 0, max: 1 }))
      : new RankingModel(net, numOpt(cfg, 'eps', -0.5));
    const llmCfg = cfg.llm;
    if (llmCfg !== undefined && (typeof llmCfg !== 'object' || llmCfg === null)) throw new RewardConfigError('llm', 'must be an object like { baseUrl: "http://127.0.0.1:8000/v1", model: "..." }');
    const llm: LlmOptions = { ...ctx.llm, ...(llmCfg as LlmOptions | undefined) };
    if (llm.baseUrl !== undefined) checkUrl(llm.baseUrl, 'llm.baseUrl');
    const which = enumOpt(cfg, 'annotator', ['auto', 'rubric', 'llm'] as const, 'auto');
    const useLlm = which === 'llm' || (which === 'auto' && llm.baseUrl !== undefined);
    if (useLlm) {
      try { resolveLlmOptions(llm); } catch (e) { throw new RewardConfigError('llm', (e as Error).message); }
      this.annotator = new LlmAnnotator(llm, {
        maxQueue: numOpt(cfg, 'maxQueue', 10_000, { int: true, min: 1 }),
        concurrency: numOpt(cfg, 'concurrency', llm.concurrency ?? 4, { int: true, min: 1 }),
        parseRetries: numOpt(cfg, 'parseRetries', 2, { int: true, min: 0 }),
        temperature: numOpt(cfg, 'temperature', 0.1, { min: 0 }),
        maxTokens: numOpt(cfg, 'maxTokens', 512, { int: true, min: 1 }),
        goal: strOpt(cfg, 'goal', undefined),
        reasks: numOpt(cfg, 'reasks', 3, { int: true, min: 0 }),
        reaskDelayMs: numOpt(cfg, 'reaskDelayMs', 10_000, { min: 0 }),
        warnAfter: numOpt(cfg, 'warnAfter', 20, { int: true, min: 1 }),
      });
    } else {
      this.annotator = new RubricAnnotator();
    }
    this.epCounts = Array.from({ length: ctx.numEnvs }, () => new Map<string, number>());
    this.tracker = new EpisodeTracker(ctx.numEnvs);
    this.rng = new Rng(seed + 7);
    this.sub = this.annotator.labels$.subscribe((l) => {
      this.model.addLabel(l);
      if (this.samples.length < 8) {
        this.samples.push(l.kind === 'cls' ? { message: l.message, label: l.label, model: this.annotator.name } : { message: `${l.a} | ${l.b}`, label: l.pref, model: this.annotator.name });
      }
    });
  }

  compute(batch: TransitionBatch): Float32Array {
    // labels that arrived since the last batch reach the model now, whether or not this thread yielded in between
    this.annotator.poll?.();
    const n = batch.numSteps * batch.numEnvs;
    const out = new Float32Array(n);
    const msgs = batch.messages;
    if (!msgs) {
      if (!this.warnedNoMessages) {
        this.warnedNoMessages = true;
        this.emit('error', { message: 'the batch carries no messages (the env sets no info.message); ONI rewards are 0' });
      }
      return out;
    }
    const fresh: OniItem[] = [];
    const unknown = new Set<string>();
    const mask = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const m = msgs[k] ?? '';
      if (m === '') continue;
      mask[k] = 1;
      if (!this.submitted.has(m)) {
        this.submitted.add(m);
        if (this.model.task === 'cls') fresh.push({ kind: 'cls', message: m });
        else {
          const p = pairFor(m, this.seenList, this.rng);
          if (p) fresh.push(p);
        }
        this.seenList.push(m);
      }
      if (!this.cache.has(m)) unknown.add(m);
    }
    if (fresh.length > 0) this.annotator.submit(fresh);
    if (unknown.size > 0) {
      const list = [...unknown];
      const r = this.model.predict(list);
      list.forEach((m, j) => this.cache.set(m, r[j]!));
    }
    for (let k = 0; k < n; k++) if (mask[k]) out[k] = this.cache.get(msgs[k]!)!;
    this.model.transform?.(out, mask);
    for (let k = 0; k < n; k++) {
      const counts = this.epCounts[k % batch.numEnvs]!;
      if (this.tracker.enter(batch, k)) counts.clear();
      if (!mask[k]) continue;
      const c = (counts.get(msgs[k]!) ?? 0) + 1;
      counts.set(msgs[k]!, c);
      out[k] = out[k]! / Math.pow(c, this.beta);
    }
    return out;
  }

  update(): void {
    if (this.model.train()) this.cache.clear();
    const s = this.annotator.stats();
    this.emit('annotation', {
      annotator: this.annotator.name, model: this.model.type, ...s, messages: this.seenList.length,
      samples: this.samples, ...this.model.stats(),
    });
    this.samples = [];
    const warning = this.annotator.takeWarning?.();
    if (warning !== undefined) {
      warnOnce(`${this.name}: ${warning}`);
      this.emit('error', { message: warning });
    }
  }

  /** Plain state for checkpoints: the reward model (labels, weights) and the messages already submitted. */
  saveState(): unknown {
    return { model: this.model.saveState(), submitted: this.seenList, epCounts: this.epCounts.map((m) => [...m]), tracker: this.tracker.state() };
  }
  /** Restore `saveState()`; messages submitted before but never labelled are not asked again. */
  loadState(s: unknown): void {
    const st = s as { model: unknown; submitted: string[]; epCounts: [string, number][][]; tracker: number[] };
    this.model.loadState(st.model);
    this.seenList.length = 0;
    this.submitted.clear();
    for (const m of st.submitted) { this.seenList.push(m); this.submitted.add(m); }
    st.epCounts.forEach((e, i) => { const m = this.epCounts[i]; if (m) { m.clear(); for (const [k, v] of e) m.set(k, v); } });
    this.tracker.restore(st.tracker);
    this.cache.clear();
  }

  private emit(kind: RewardEvent['kind'], data: Record<string, unknown>): void {
    this.events.next({ source: this.name, kind, data, time: Date.now() });
  }

  dispose(): void {
    this.sub.unsubscribe();
    this.annotator.dispose();
    this.model.dispose();
    this.events.complete();
  }
}

/** Registry info of `oni`. */
export const oniInfo: RewardSourceInfo = {
  defaults: { weight: 0.4, normalize: 'none', episodic: true },
  options: ['model', 'annotator', 'llm', 'beta', 'threshold', 'eps', 'features', 'hidden', 'lr', 'trainSteps', 'batchSize', 'seed',
    'maxQueue', 'concurrency', 'parseRetries', 'temperature', 'maxTokens', 'goal',
    'reasks', 'reaskDelayMs', 'warnAfter'],
  description: 'ONI: rewards distilled online from (LLM or rubric) labels of the messages, r(m)/N_ep(m)^beta',
};
