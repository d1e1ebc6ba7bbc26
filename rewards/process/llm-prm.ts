import { Subject, type Observable } from 'rxjs';
import { Rng } from '../../src/core/rng.js';
import { settleLoop, type RewardEvent, type RewardSource } from '../../src/core/reward.js';
import {
  OffThreadChat,
  type AnnotationServiceSettings,
  type ChatJobResult,
  type LlmOptions,
} from '../../src/llm/index.js';
import type { TransitionBatch } from '../../src/stream/batch.js';
import { isJudgedState, judgePrompt, parseVerdict } from './judge-prompt.js';
import type { RingSlot } from './obs-ring.js';
import { labelsOf } from './labels.js';
import type { Scorer } from './scorer.js';

/** Settings of the LLM judge. */
export interface JudgeSettings {
  maxQueue: number;
  concurrency: number;
  temperature: number;
  maxTokens: number;
  /** New steps sent to the judge per batch (steps whose question is cached are labelled at once, uncounted). */
  labelsPerBatch: number;
  seed: number;
}

/** The judge's prompt version: part of its requests' identity and cache key at the shared annotation service. */
export const PRM_JUDGE_PROMPT_VERSION = 'prm-judge-1';

/** Verdicts remembered by question; the oldest go first when full. */
const CACHE_SIZE = 50_000;

/**
 * `prm` with `model: llm`: an OpenAI-compatible judge scores steps from their text (the problem, the steps before,
 * the new step), and its verdicts are distilled into a step scorer, which gives every step its reward (ONI's design).
 * The judge runs in a worker thread (OffThreadChat): `compute` only reads the scorer and never waits; each `update`
 * sends a few new steps and takes in the verdicts that arrived. Verdicts are cached by question. An answer that is
 * neither correct nor incorrect is counted (`unparsed`) and dropped, a failed request is counted (`failures`); both
 * show in the run's annotation events, and training goes on.
 */
export class LlmPrm implements RewardSource {
  readonly kind = 'process' as const;
  readonly stepRange = [0, 1] as const;
  readonly episodeRange = [0, Infinity] as const;
  readonly needsStates = true;
  readonly events$: Observable<RewardEvent>;
  private readonly events = new Subject<RewardEvent>();
  private readonly chat: OffThreadChat;
  private readonly cache = new Map<string, number>();
  private readonly jobs = new Map<number, { key: string; slot: RingSlot; step: string }>();
  private readonly rng: Rng;
  private nextId = 1;
  private readonly counts = { labelled: 0, cacheHits: 0, failures: 0, unparsed: 0, dropped: 0 };
  private samples: { message: string; label: number; model: string }[] = [];
  private closed = false;

  constructor(
    readonly name: string,
    readonly scorer: Scorer,
    llm: LlmOptions,
    private readonly s: JudgeSettings,
    /** `annotator: { queue }`: the shared annotation service (`rxgym annotator`) asks the judge instead. */
    service?: AnnotationServiceSettings,
  ) {
    this.events$ = this.events.asObservable();
    this.rng = new Rng(s.seed);
    const queue = service ? { queue: service } : {};
    this.chat = new OffThreadChat({ llm, maxQueue: s.maxQueue, concurrency: s.concurrency, ...queue }, (r) =>
      this.onResult(r),
    );
  }

  compute(batch: TransitionBatch): Float32Array {
    labelsOf(batch, this.name);
    return this.scorer.score(batch.nextObs, batch.numSteps * batch.numEnvs);
  }

  update(batch: TransitionBatch): void {
    this.chat.poll();
    const n = batch.numSteps * batch.numEnvs;
    const states = batch.nextStates ?? [];
    let sent = 0;
    const order = this.rng.shuffle(Array.from({ length: n }, (_, k) => k));
    const jobs = [];
    for (const k of order) {
      if (sent >= this.s.labelsPerBatch) break;
      const st = states[k];
      if (!isJudgedState(st)) continue;
      const messages = judgePrompt(st);
      const key = messages.map((m) => m.content).join('\n');
      const known = this.cache.get(key);
      if (known !== undefined) {
        this.scorer.ring.push(batch.nextObs, k, known);
        this.counts.cacheHits++;
        continue;
      }
      const id = this.nextId++;
      this.jobs.set(id, { key, slot: this.scorer.ring.push(batch.nextObs, k), step: st.steps[st.steps.length - 1]! });
      jobs.push({ id, messages, options: { temperature: this.s.temperature, maxTokens: this.s.maxTokens } });
      sent++;
    }
    this.chat.submit(jobs);
    this.scorer.train();
    this.report();
  }

  private onResult(r: ChatJobResult): void {
    const job = this.jobs.get(r.id);
    if (!job || this.closed) return;
    this.jobs.delete(r.id);
    if ('error' in r) {
      if (r.error.kind === 'dropped') this.counts.dropped++;
      else if (r.error.kind !== 'cancelled') this.counts.failures++;
      return;
    }
    const verdict = parseVerdict(r.texts[0] ?? '');
    if (verdict === undefined) {
      this.counts.unparsed++;
      return;
    }
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(job.key, verdict);
    this.scorer.ring.label(job.slot, verdict);
    this.counts.labelled++;
    if (this.samples.length < 3) this.samples.push({ message: job.step, label: verdict, model: 'llm' });
  }

  /** One `annotation` event per batch: the judge's counters and a few recent verdicts. */
  private report(): void {
    const st = this.chat.stats();
    const samples = this.samples;
    this.samples = [];
    this.events.next({
      source: this.name,
      kind: 'annotation',
      time: Date.now(),
      data: { ...this.counts, pending: st.running, queued: this.jobs.size, errors: { ...st.errors }, samples },
    });
  }

  /** Verdicts still in flight at the end of the budget are taken in and counted. */
  async settle(deadline: number, signal: AbortSignal): Promise<void> {
    const inFlight = (): boolean => {
      this.chat.poll();
      return this.jobs.size > 0;
    };
    if (!inFlight()) return;
    await settleLoop(() => !inFlight(), deadline, signal);
    this.report();
  }

  /** The judge's counters so far. */
  stats(): Readonly<typeof this.counts> & { waiting: number } {
    this.chat.poll();
    return { ...this.counts, waiting: this.jobs.size };
  }

  /** Resolves when no question is waiting for its answer (tests). */
  async idle(timeoutMs = 10_000): Promise<void> {
    const t0 = Date.now();
    while (this.jobs.size > 0 && Date.now() - t0 < timeoutMs) {
      this.chat.poll();
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  saveState(): unknown {
    return this.scorer.saveState();
  }

  loadState(s: unknown): void {
    this.scorer.loadState(s);
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.chat.close();
    this.events.complete();
    this.scorer.dispose();
  }
}
