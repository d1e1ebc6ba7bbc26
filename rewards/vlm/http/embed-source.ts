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
import type { FrameBatch, TransitionBatch } from '../../../src/stream/batch.js';
import { GoalBaselineReward } from '../goal-baseline.js';
import { vlmSettings, type VlmSettings } from '../options.js';
import { ScoredFrameReporter } from '../scored-frame.js';
import { EmbeddingsClient, EmbeddingsError } from './embeddings.js';
import type { HttpEncoderSpec } from './encoder-spec.js';
import { DistilledFrameScorer } from './distilled-scorer.js';
import { FrameRewardModel } from './frame-model.js';
import { frameHash, pngDataUrl } from './judge.js';

/** Counters of the embeddings labeller, reported in `annotation` events like the judge's. */
interface Counters {
  requests: number;
  labelled: number;
  cacheHits: number;
  dropped: number;
  errors: Record<string, number>;
}

/**
 * `source: vlm` with `encoder: { type: http, mode: embeddings }`: the VLM-RM reward of a frame is computed from its
 * embedding by an image+text embeddings endpoint, asked in the background (at most `concurrency` requests in flight,
 * cached by frame hash; frames asked while it is full are dropped and counted). Those rewards are distilled online
 * into a small frame reward model that scores every frame at once, so training never waits for the server. The goal
 * and baseline sentences are embedded once, asked again after each failure; until then no frame is asked.
 */
export class EmbeddedVlmSource implements RewardSource {
  readonly kind = 'vlm' as const;
  readonly needsFrames: FrameRequest;
  readonly settings: VlmSettings;
  readonly events$ = new Subject<RewardEvent>();
  private readonly client: EmbeddingsClient;
  private readonly model: FrameRewardModel;
  private readonly scored: ScoredFrameReporter;
  private readonly scorer: DistilledFrameScorer;
  private readonly concurrency: number;
  private reward: GoalBaselineReward | undefined;
  private textsAsked = false;
  private readonly cache = new Map<number, number>();
  private readonly inFlight = new Set<number>();
  private readonly done: { score: number; tag: Float32Array; hash: number }[] = [];
  private readonly counters: Counters = { requests: 0, labelled: 0, cacheHits: 0, dropped: 0, errors: {} };
  private lastError: string | undefined;
  private warned = false;
  private closed = false;

  constructor(
    readonly name: string,
    cfg: RewardComponentConfig,
    ctx: RewardContext,
    private readonly spec: HttpEncoderSpec,
  ) {
    this.settings = vlmSettings(cfg, ctx.envId);
    if (cfg.annotator !== undefined)
      throw new RewardConfigError(
        'annotator',
        'the embeddings endpoint is asked directly; only the judge (encoder: http, mode: judge) asks an annotation ' +
          'service',
      );
    const s = this.settings;
    this.client = new EmbeddingsClient({ ...ctx.llm, ...spec.llm });
    this.concurrency = spec.llm.concurrency ?? 4;
    this.scored = new ScoredFrameReporter(name);
    this.needsFrames = {
      width: s.width ?? 64,
      height: s.height ?? 64,
      ...(s.camera !== undefined ? { camera: s.camera } : {}),
    };
    this.model = new FrameRewardModel(ctx.seed);
    this.scorer = new DistilledFrameScorer(this.model, this.scored);
    this.askTexts();
  }

  private fail(e: unknown): void {
    const kind = e instanceof EmbeddingsError ? e.kind : 'other';
    this.counters.errors[kind] = (this.counters.errors[kind] ?? 0) + 1;
    this.lastError = (e as Error).message;
  }

  private askTexts(): void {
    if (this.textsAsked || this.reward) return;
    this.textsAsked = true;
    const { goals, baselines, alpha } = this.settings;
    this.counters.requests++;
    this.client.embedTexts([...goals, ...baselines]).then(
      (emb) => {
        if (this.closed) return;
        const d = this.client.dim;
        this.reward = new GoalBaselineReward(
          emb.subarray(0, goals.length * d),
          emb.subarray(goals.length * d),
          d,
          alpha,
        );
      },
      (e) => {
        this.textsAsked = false; // asked again at the next batch
        this.fail(e);
      },
    );
  }

  private askFrame(frames: FrameBatch, row: number, tag: Float32Array): void {
    const hash = frameHash(frames, row);
    const known = this.cache.get(hash);
    if (known !== undefined) {
      this.counters.cacheHits++;
      this.done.push({ score: known, tag, hash });
      return;
    }
    if (this.inFlight.has(hash)) return;
    if (this.inFlight.size >= this.concurrency) {
      this.counters.dropped++;
      return;
    }
    this.inFlight.add(hash);
    this.counters.requests++;
    this.client.embedImage(pngDataUrl(frames, row)).then(
      (emb) => {
        this.inFlight.delete(hash);
        if (this.closed || !this.reward) return;
        const score = this.reward.score(emb, 0);
        this.cache.set(hash, score);
        this.done.push({ score, tag, hash });
      },
      (e) => {
        this.inFlight.delete(hash);
        this.fail(e);
      },
    );
  }

  /** Hand the rewards that arrived to the frame model. */
  private poll(): void {
    for (const d of this.done.splice(0)) {
      this.model.add(d.tag, d.score);
      this.counters.labelled++;
    }
  }

  compute(batch: TransitionBatch): Float32Array {
    const frames = batch.frames;
    if (!frames) throw new RxgymError(`reward source "${this.name}" needs frames but the batch has none`);
    this.poll();
    this.askTexts();
    const ask = this.reward ? this.spec.perBatch : 0;
    return this.scorer.score(batch, frames, this.settings.every, ask, (row, x) => this.askFrame(frames, row, x));
  }

  update(batch: TransitionBatch): void {
    const frame = this.scored.event(batch);
    if (frame) this.events$.next(frame);
    this.poll();
    const loss = this.model.labels > 0 ? this.model.train(this.spec.trainSteps) : NaN;
    this.report(loss);
    const c = this.counters;
    const failures = Object.values(c.errors).reduce((a, x) => a + x, 0);
    if (!this.warned && c.labelled === 0 && failures >= this.spec.warnAfter) {
      this.warned = true;
      const msg =
        `vlm embeddings: no frame was scored after ${failures} failed requests to ${this.client.baseUrl} ` +
        `(${JSON.stringify(c.errors)}); the reward stays the untrained model's; ${this.lastError ?? ''}`;
      process.stderr.write(`rxgym: ${msg}\n`);
      this.events$.next({ source: this.name, kind: 'error', time: Date.now(), data: { message: msg } });
    }
  }

  /** Frames still being scored at the end of the budget are taken in and counted. */
  async settle(deadline: number, signal: AbortSignal): Promise<void> {
    const inFlight = (): boolean => {
      this.poll();
      return this.inFlight.size > 0;
    };
    if (!inFlight()) return;
    await settleLoop(() => !inFlight(), deadline, signal);
    this.report(NaN);
  }

  /** The client's counters and the frame model's: one `annotation` event (`loss`: this batch's, NaN if none). */
  private report(loss: number): void {
    const c = this.counters;
    const failures = Object.values(c.errors).reduce((a, x) => a + x, 0);
    this.events$.next({
      source: this.name,
      kind: 'annotation',
      time: Date.now(),
      data: {
        requests: c.requests,
        labelled: c.labelled,
        queued: this.inFlight.size,
        pending: this.inFlight.size,
        cacheHits: c.cacheHits,
        dropped: c.dropped,
        failures,
        errors: { ...c.errors },
        labels: this.model.labels,
        loss,
      },
    });
  }

  dispose(): void {
    this.closed = true;
    this.model.dispose();
    this.events$.complete();
  }
}
