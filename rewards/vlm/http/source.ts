import { Subject } from 'rxjs';
import type { FrameRequest } from '../../../src/core/capabilities.js';
import { RxgymError } from '../../../src/core/env.js';
import {
  RewardConfigError,
  type RewardComponentConfig,
  type RewardContext,
  type RewardEvent,
  type RewardSource,
  settleLoop,
} from '../../../src/core/reward.js';
import type { LlmOptions } from '../../../src/llm/types.js';
import { annotationServiceOption, type AnnotationServiceRequestSettings } from '../../../src/llm/service/options.js';
import type { TransitionBatch } from '../../../src/stream/batch.js';
import { vlmSettings, type VlmSettings } from '../options.js';
import { ScoredFrameReporter } from '../scored-frame.js';
import { DistilledFrameScorer } from './distilled-scorer.js';
import { FrameRewardModel } from './frame-model.js';
import { FrameJudge } from './judge.js';

/** Keys of a vlm component's `http:` block. */
const HTTP_KEYS = [
  'baseUrl',
  'model',
  'apiKey',
  'timeoutMs',
  'maxRetries',
  'concurrency',
  'perBatch',
  'trainSteps',
  'warnAfter',
];

/** The judge's prompt version: part of its requests' identity and cache key at the shared annotation service. */
export const VLM_JUDGE_PROMPT_VERSION = 'vlm-judge-1';

/** Settings of the judge path. */
interface HttpSettings {
  llm: LlmOptions;
  /** `annotator: { queue }`: the shared annotation service (`rxgym annotator`) asks the judge instead. */
  service?: AnnotationServiceRequestSettings;
  perBatch: number;
  trainSteps: number;
  warnAfter: number;
}

function httpSettings(cfg: RewardComponentConfig, ctx: RewardContext): HttpSettings {
  const h = (cfg.http ?? {}) as Record<string, unknown>;
  if (typeof h !== 'object' || Array.isArray(h))
    throw new RewardConfigError('http', 'must be an object like { baseUrl: "http://127.0.0.1:8000/v1", model: "..." }');
  for (const k of Object.keys(h))
    if (!HTTP_KEYS.includes(k)) throw new RewardConfigError(`http.${k}`, `unknown key; use ${HTTP_KEYS.join(', ')}`);
  const int = (k: string, d: number): number => {
    const v = h[k] ?? d;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw new RewardConfigError(`http.${k}`, `must be an integer >= 0, got ${JSON.stringify(v)}`);
    return v;
  };
  const llm: LlmOptions = { ...ctx.llm };
  for (const k of ['baseUrl', 'model', 'apiKey', 'timeoutMs', 'maxRetries', 'concurrency'] as const) {
    if (h[k] !== undefined) (llm as Record<string, unknown>)[k] = h[k];
  }
  const service = annotationServiceOption(cfg.annotator, VLM_JUDGE_PROMPT_VERSION);
  return {
    llm,
    ...(service ? { service } : {}),
    perBatch: int('perBatch', 16),
    trainSteps: int('trainSteps', 8),
    warnAfter: int('warnAfter', 64),
  };
}

/**
 * `source: vlm` with `encoder: http`: a vision chat model judges frames against the goal in the background (cached by
 * frame hash, through the off-thread transport), and a small frame reward model distilled from its labels scores
 * every frame at once. Training never waits for the server; its failures are counted in `annotation` events.
 */
export class JudgedVlmSource implements RewardSource {
  readonly kind = 'vlm' as const;
  readonly needsFrames: FrameRequest;
  readonly settings: VlmSettings;
  readonly events$ = new Subject<RewardEvent>();
  private readonly http: HttpSettings;
  private readonly judge: FrameJudge;
  private readonly model: FrameRewardModel;
  private warned = false;
  private readonly scored: ScoredFrameReporter;
  private readonly scorer: DistilledFrameScorer;

  constructor(
    readonly name: string,
    cfg: RewardComponentConfig,
    ctx: RewardContext,
  ) {
    this.settings = vlmSettings(cfg, ctx.envId);
    this.http = httpSettings(cfg, ctx);
    this.scored = new ScoredFrameReporter(name);
    const s = this.settings;
    this.needsFrames = {
      width: s.width ?? 64,
      height: s.height ?? 64,
      ...(s.camera !== undefined ? { camera: s.camera } : {}),
    };
    this.model = new FrameRewardModel(ctx.seed);
    this.scorer = new DistilledFrameScorer(this.model, this.scored);
    try {
      const label = (score: number, tag: unknown): void => this.model.add(tag as Float32Array, score);
      this.judge = new FrameJudge(this.http.llm, s.goals.join('; '), label, undefined, this.http.service);
    } catch (e) {
      this.model.dispose();
      throw new RewardConfigError('http', (e as Error).message);
    }
  }

  compute(batch: TransitionBatch): Float32Array {
    const frames = batch.frames;
    if (!frames) throw new RxgymError(`reward source "${this.name}" needs frames but the batch has none`);
    this.judge.poll();
    const perBatch = this.http.perBatch;
    return this.scorer.score(batch, frames, this.settings.every, perBatch, (row, x) => this.judge.ask(frames, row, x));
  }

  update(batch: TransitionBatch): void {
    const frame = this.scored.event(batch);
    if (frame) this.events$.next(frame);
    this.judge.poll();
    const loss = this.model.labels > 0 ? this.model.train(this.http.trainSteps) : NaN;
    this.report(loss);
    const c = this.judge.counters;
    const t = this.judge.transportStats();
    const answered = c.unparsed + c.dropped + Object.values(c.failures).reduce((a, x) => a + x, 0);
    if (!this.warned && c.labelled === 0 && answered >= this.http.warnAfter) {
      this.warned = true;
      const msg =
        `vlm judge: no frame was labelled in ${answered} answers to ${c.requests} requests (failures ` +
        `${JSON.stringify(c.failures)}, unparsed ${c.unparsed}, dropped ${c.dropped}); the reward stays the ` +
        `untrained model's; check the server (${t.lastError ?? 'no error text'})`;
      process.stderr.write(`rxgym: ${msg}\n`);
      this.events$.next({ source: this.name, kind: 'error', time: Date.now(), data: { message: msg } });
    }
  }

  /** Frames still being judged at the end of the budget are taken in and counted. */
  async settle(deadline: number, signal: AbortSignal): Promise<void> {
    const inFlight = (): boolean => {
      this.judge.poll();
      return this.judge.counters.pending > 0;
    };
    if (!inFlight()) return;
    await settleLoop(() => !inFlight(), deadline, signal);
    this.report(NaN);
  }

  /** The judge's counters and the frame model's: one `annotation` event (`loss`: this batch's, NaN if none). */
  private report(loss: number): void {
    const c = this.judge.counters;
    const t = this.judge.transportStats();
    this.events$.next({
      source: this.name,
      kind: 'annotation',
      time: Date.now(),
      data: {
        ...c,
        failures: { ...c.failures },
        labels: this.model.labels,
        loss,
        retries: t.retries,
        statuses: t.statuses,
      },
    });
  }

  dispose(): void {
    this.judge.close();
    this.model.dispose();
    this.events$.complete();
  }
}
