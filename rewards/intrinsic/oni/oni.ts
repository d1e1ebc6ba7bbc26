import { Subject, type Observable, type Subscription } from 'rxjs';
import { Rng } from '../../../src/core/rng.js';
import { resolveLlmOptions, type LlmOptions } from '../../../src/llm/index.js';
import { warnOnce } from '../../../src/core/warn.js';
import type { TransitionBatch } from '../../../src/stream/batch.js';
import {
  RewardConfigError,
  type RewardComponentConfig,
  type RewardContext,
  type RewardSourceInfo,
} from '../../registry.js';
import { settleLoop, type RewardEvent, type RewardSource } from '../../../src/core/reward.js';
import { checkUrl } from '../../stack.js';
import { EpisodeTracker } from '../episode-tracker.js';
import { defineParams, resolveParams, type ParamsOf } from '../../../src/core/params.js';
import { REWARD_WORDING, sourceOptions } from '../../options.js';
import { ONI_PROMPT_VERSION } from './prompts.js';
import { LlmAnnotator, pairFor, RubricAnnotator, type Annotator, type OniItem } from './annotator.js';
import { ClassificationModel, ONI_MODELS, RankingModel, RetrievalModel, type OniRewardModel } from './models.js';

const int = (min: number, dflt: number, doc: string) =>
  ({ kind: 'number', integer: true, min, default: dflt, doc }) as const;

/** ONI's options (seed: the run's seed + 3001 when absent). */
const ONI_PARAMS = defineParams({
  model: { kind: 'enum', values: ONI_MODELS, default: 'retrieval', doc: 'the reward model distilled from the labels' },
  annotator: {
    kind: 'enum',
    values: ['auto', 'rubric', 'llm'],
    default: 'auto',
    doc:
      "who labels the messages ('auto': the LLM when a baseUrl is configured, else the rubric); " +
      'or { queue: redis://host:6379 } for the shared annotation service (rxgym annotator)',
  },
  beta: { kind: 'number', min: 0, default: 3, doc: 'exponent of the episodic count: r(m) / N_ep(m)^beta' },
  seed: { kind: 'number', integer: true, optional: true, doc: "seed of the model's networks" },
  features: int(8, 512, 'hashed n-gram features of a message'),
  hidden: { kind: 'numbers', integer: true, positive: true, default: [64], doc: 'hidden layer sizes' },
  lr: { kind: 'number', positive: true, default: 1e-3, doc: "the model's Adam learning rate" },
  trainSteps: int(1, 32, 'gradient steps per update'),
  batchSize: int(1, 256, 'minibatch size'),
});

/** Options of the classification model. */
const CLASSIFICATION_PARAMS = defineParams({
  threshold: { kind: 'number', min: 0, max: 1, default: 0.5, doc: 'probability above which a message is rewarded' },
});

/** Options of the ranking model. */
const RANKING_PARAMS = defineParams({
  eps: { kind: 'number', default: -0.5, doc: 'reward offset of the ranking model' },
});

/** Options of the LLM annotator (concurrency: the llm section's, else 4, when absent). */
const LLM_ANNOTATOR_PARAMS = defineParams({
  maxQueue: int(1, 10_000, 'messages waiting for a label at most'),
  concurrency: { kind: 'number', integer: true, min: 1, optional: true, doc: 'requests in flight' },
  parseRetries: int(0, 2, 'asks again after an off-format answer'),
  temperature: { kind: 'number', min: 0, default: 0.1, doc: 'sampling temperature' },
  maxTokens: int(1, 512, 'tokens per answer'),
  goal: { kind: 'string', optional: true, doc: 'the task goal given to the annotator' },
  reasks: int(0, 3, 'asks again after a failed request'),
  reaskDelayMs: { kind: 'number', min: 0, default: 10_000, doc: 'wait before asking again' },
  warnAfter: int(1, 20, 'requests without a label before a warning'),
});

/** Options of `annotator: { queue: ... }`: the shared annotation service (`rxgym annotator --queue`). */
const ANNOTATION_SERVICE_PARAMS = defineParams({
  queue: { kind: 'string', nonEmpty: true, required: true, doc: 'the Redis URL: redis://host:6379 or rediss://' },
  promptVersion: { kind: 'string', nonEmpty: true, default: ONI_PROMPT_VERSION, doc: 'names the prompts (cache keys)' },
  attempts: int(1, 5, "tries of a request at the service (the service's retries, with backoff)"),
  backoffMs: { kind: 'number', min: 0, default: 1000, doc: 'delay before the first retry, doubled for each further' },
  maxInFlight: int(1, 256, "this trainer's requests in Redis at once"),
});

/** The annotation service a component's `annotator: { queue }` names, checked; undefined for the string forms. */
function annotationService(cfg: RewardComponentConfig): ParamsOf<typeof ANNOTATION_SERVICE_PARAMS> | undefined {
  const a = cfg.annotator;
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return undefined;
  const s = resolveParams('annotator', a, ANNOTATION_SERVICE_PARAMS, REWARD_WORDING);
  if (!/^rediss?:\/\//.test(s.queue)) {
    throw new RewardConfigError('annotator.queue', `must be a redis:// or rediss:// URL, got "${s.queue}"`);
  }
  return s;
}

/** The request settings of the service options (all but its URL). */
function serviceRequests(s: ParamsOf<typeof ANNOTATION_SERVICE_PARAMS>) {
  return { promptVersion: s.promptVersion, attempts: s.attempts, backoffMs: s.backoffMs, maxInFlight: s.maxInFlight };
}

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

  constructor(
    readonly name: string,
    cfg: RewardComponentConfig,
    ctx: RewardContext,
  ) {
    const service = annotationService(cfg);
    const o = sourceOptions(service ? { ...cfg, annotator: 'llm' } : cfg, ONI_PARAMS);
    this.beta = o.beta;
    const { features, hidden, lr, trainSteps, batchSize } = o;
    const seed = o.seed ?? ctx.seed + 3001;
    const net = { features, hidden, lr, trainSteps, batchSize, seed };
    // a model's own options are read (and checked) only when that model is chosen
    this.model =
      o.model === 'retrieval'
        ? new RetrievalModel()
        : o.model === 'classification'
          ? new ClassificationModel(net, sourceOptions(cfg, CLASSIFICATION_PARAMS).threshold)
          : new RankingModel(net, sourceOptions(cfg, RANKING_PARAMS).eps);
    const llmCfg = cfg.llm;
    if (llmCfg !== undefined && (typeof llmCfg !== 'object' || llmCfg === null))
      throw new RewardConfigError(
        'llm',
        'must be an object like { baseUrl: "http://127.0.0.1:8000/v1", model: "..." }',
      );
    const llm: LlmOptions = { ...ctx.llm, ...(llmCfg as LlmOptions | undefined) };
    if (llm.baseUrl !== undefined) checkUrl(llm.baseUrl, 'llm.baseUrl');
    const useLlm = o.annotator === 'llm' || (o.annotator === 'auto' && llm.baseUrl !== undefined);
    if (useLlm) {
      // with the service, its LLM server is the service's business
      if (!service) {
        try {
          resolveLlmOptions(llm);
        } catch (e) {
          throw new RewardConfigError('llm', (e as Error).message);
        }
      }
      const a = sourceOptions(cfg, LLM_ANNOTATOR_PARAMS);
      this.annotator = new LlmAnnotator(llm, {
        ...(service ? { service: { url: service.queue, ...serviceRequests(service) } } : {}),
        maxQueue: a.maxQueue,
        concurrency: a.concurrency ?? llm.concurrency ?? 4,
        parseRetries: a.parseRetries,
        temperature: a.temperature,
        maxTokens: a.maxTokens,
        goal: a.goal,
        reasks: a.reasks,
        reaskDelayMs: a.reaskDelayMs,
        warnAfter: a.warnAfter,
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
        this.samples.push(
          l.kind === 'cls'
            ? { message: l.message, label: l.label, model: this.annotator.name }
            : { message: `${l.a} | ${l.b}`, label: l.pref, model: this.annotator.name },
        );
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
        const message = 'the batch carries no messages (the env sets no info.message); ONI rewards are 0';
        // on the console too: events.jsonl alone left a run on such an env training on a silent 0
        warnOnce(`${this.name}: ${message}; use ONI on an env with messages (e.g. Dungeon-*)`);
        this.emit('error', { message });
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
      out[k] = out[k]! / c ** this.beta;
    }
    return out;
  }

  update(): void {
    if (this.model.train()) this.cache.clear();
    this.report();
    const warning = this.annotator.takeWarning?.();
    if (warning !== undefined) {
      warnOnce(`${this.name}: ${warning}`);
      this.emit('error', { message: warning });
    }
  }

  /** Labels still in flight at the end of the budget are taken in (the model learns them at its next update). */
  async settle(deadline: number, signal: AbortSignal): Promise<void> {
    const inFlight = (): boolean => {
      const s = this.annotator.stats();
      return s.queued + s.pending > 0;
    };
    if (!inFlight()) return;
    await settleLoop(() => !inFlight(), deadline, signal);
    this.report();
  }

  /** The annotator's and the reward model's counters, and a few recent labels: one `annotation` event. */
  private report(): void {
    const s = this.annotator.stats();
    this.emit('annotation', {
      annotator: this.annotator.name,
      model: this.model.type,
      ...s,
      messages: this.seenList.length,
      samples: this.samples,
      ...this.model.stats(),
    });
    this.samples = [];
  }

  /** Plain state for checkpoints: the reward model (labels, weights) and the messages already submitted. */
  saveState(): unknown {
    return {
      model: this.model.saveState(),
      submitted: this.seenList,
      epCounts: this.epCounts.map((m) => [...m]),
      tracker: this.tracker.state(),
    };
  }
  /** Restore `saveState()`; messages submitted before but never labelled are not asked again. */
  loadState(s: unknown): void {
    const st = s as { model: unknown; submitted: string[]; epCounts: [string, number][][]; tracker: number[] };
    this.model.loadState(st.model);
    this.seenList.length = 0;
    this.submitted.clear();
    for (const m of st.submitted) {
      this.seenList.push(m);
      this.submitted.add(m);
    }
    st.epCounts.forEach((e, i) => {
      const m = this.epCounts[i];
      if (m) {
        m.clear();
        for (const [k, v] of e) m.set(k, v);
      }
    });
    this.tracker.restore(st.tracker);
    this.cache.clear();
  }

  private emit(kind: RewardEvent['kind'], data: Record<string, unknown>): void {
    this.events.next({ source: this.name, kind, data, time: Date.now() });
  }

  dispose(): void {
    // the last word on a server that never answered: a stderr line (the run's event stream has ended by now)
    const warning = this.annotator.takeWarning?.(true);
    if (warning !== undefined) warnOnce(`${this.name}: ${warning}`);
    this.sub.unsubscribe();
    this.annotator.dispose();
    this.model.dispose();
    this.events.complete();
  }
}

/** Registry info of `oni`. */
export const oniInfo: RewardSourceInfo = {
  defaults: { weight: 0.4, normalize: 'none', episodic: true },
  options: [
    'llm',
    ...[ONI_PARAMS, CLASSIFICATION_PARAMS, RANKING_PARAMS, LLM_ANNOTATOR_PARAMS].flatMap((p) => Object.keys(p)),
  ],
  description: 'ONI: rewards distilled online from (LLM or rubric) labels of the messages, r(m)/N_ep(m)^beta',
};
