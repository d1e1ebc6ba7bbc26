import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Subject, tap, type Observable, type Subscription } from 'rxjs';
import { RxgymError } from '../core/env.js';
import type { Space } from '../core/spaces.js';
import { makeVec } from '../core/vector.js';
import type { VectorEnv } from '../core/vector-types.js';
import type { AnnotatedBatch, BatchAnnotator } from '../stream/batch.js';
import type { RunEvent, TrainStats } from '../stream/events.js';
import { extrinsicAnnotator } from '../stream/extrinsic.js';
import { annotate, learn, logTo, type LearnedBatch } from '../stream/operators.js';
import { Rollout, type CollectRequest } from '../stream/rollout.js';
import { initBackend } from '../tensor/backend.js';
import { writeFileAtomic } from '../tensor/io.js';
import { agentDefinition, type Agent } from './agent.js';
import { latestCheckpoint, writeCheckpoint } from './checkpoint.js';
import { evaluate, type EvalResult } from './evaluate.js';
import { CsvWriter, JsonlWriter } from './metrics.js';
import { Progress } from './progress.js';
import type { Scenario } from './scenario.js';

/** A reward-source side-channel event (rewards/source.ts `RewardEvent`, structurally). */
export interface StackEvent { source: string; kind: string; data: Record<string, unknown>; time: number }

/** What a run needs of a reward stack (rewards/stack.ts builds one). */
export interface RunRewardStack extends BatchAnnotator {
  readonly events$?: Observable<StackEvent>;
  dispose?(): void;
  /** Optional: save/load learned reward-model state with the checkpoint. */
  save?(dir: string): void;
  load?(dir: string): void;
}

/** What the run hands a reward stack factory (rewards/registry.ts `RewardContext`). */
export interface RunRewardContext { envId: string; observationSpace: Space<unknown>; actionSpace: Space<unknown>; numEnvs: number; seed: number; runDir?: string; llm?: Record<string, unknown> }

/** Builds the reward stack of a scenario's `rewards:` list (the CLI wires rewards/stack.ts `buildRewardStack`). */
export type RewardStackFactory = (configs: Record<string, unknown>[] | undefined, ctx: RunRewardContext) => RunRewardStack;

let defaultStackFactory: RewardStackFactory | undefined;
/** Install the reward stack factory used when `startRun` is not given one (wiring points call this). */
export function setRewardStackFactory(f: RewardStackFactory): void {
  defaultStackFactory = f;
}

/** Options of `startRun`. */
export interface StartRunOptions {
  runDir: string;
  /** Continue from the run directory's latest checkpoint. */
  resume?: boolean;
  /** No progress output. */
  quiet?: boolean;
  /** Which of the scenario's seeds (default the first). */
  seed?: number;
  /** Overrides the installed reward stack factory. */
  rewardStack?: RewardStackFactory;
}

/** What a finished run reports. */
export interface RunSummary {
  runId: string;
  runDir: string;
  envId: string;
  agent: string;
  seed: number;
  steps: number;
  reason: 'budget' | 'stopped' | 'error';
  wallSeconds: number;
  stepsPerSecond: number;
  episodes: number;
  /** Mean extrinsic return of the last 100 training episodes. */
  returnMean?: number;
  successRate?: number;
  lastEval?: { step: number; meanReturn: number; stdReturn: number; successRate?: number };
  bestEvalReturn?: number;
  targetMet?: boolean;
  /** Milliseconds spent collecting rollouts, annotating, learning and evaluating in this process. */
  profile: { rolloutMs: number; annotateMs: number; learnMs: number; evalMs: number };
}

/** A running training run. */
export interface RunHandle {
  readonly runId: string;
  readonly runDir: string;
  /** Hot: replays nothing. Completes after the `end` event. */
  readonly events$: Observable<RunEvent>;
  readonly done: Promise<RunSummary>;
  pause(): void;
  resume(): void;
  /** One rollout batch (and its update) while paused. */
  stepOnce(): void;
  /** Finish the current batch, write a checkpoint, emit `end`, complete the stream. */
  stop(): Promise<void>;
  /** Emit `frame` events of one env (its `render()` output), at most one per `everyMs`; null stops them. */
  requestFrames(opts: { envIndex: number; everyMs: number } | null): void;
}

/** The identity of a run: what must match for `--resume` (budget, eval and output may change). */
function fingerprint(s: Scenario, seed: number): Record<string, unknown> {
  return { env: s.env, agent: s.agent, rewards: s.rewards ?? null, seed };
}

function segmentSeed(seed: number, k: number): number {
  return k === 0 ? seed : (seed + 1_000_003 * k) % 2_000_000_000;
}

function mean(xs: number[]): number | undefined {
  return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Start training a scenario in `opts.runDir`: a stream of rollout batches -> reward stack -> agent updates, with
 * `RunEvent`s for everything, metrics in events.jsonl/metrics.csv, periodic evaluation and atomic checkpoints.
 * Bad input (unknown env, agent/space mismatch, a run directory holding another run) throws here, before anything is written.
 */
export function startRun(scenario: Scenario, opts: StartRunOptions): RunHandle {
  const runDir = resolve(opts.runDir);
  const seed = opts.seed ?? scenario.seeds[0]!;
  const def = agentDefinition(scenario.agent.type);
  const runJsonPath = join(runDir, 'run.json');
  const fp = fingerprint(scenario, seed);
  let runId: string;
  if (existsSync(runJsonPath)) {
    const prev = JSON.parse(readFileSync(runJsonPath, 'utf8')) as { runId: string; fingerprint: unknown };
    if (!opts.resume) {
      throw new RxgymError(`${runDir} already holds run ${prev.runId}; pass --resume to continue it, or choose another output directory (--out); nothing was overwritten`);
    }
    if (JSON.stringify(prev.fingerprint) !== JSON.stringify(fp)) {
      throw new RxgymError(`${runDir} holds a different run (${JSON.stringify(prev.fingerprint).slice(0, 200)}); --resume needs the same env, agent, hyper-parameters, rewards and seed; nothing was overwritten`);
    }
    runId = prev.runId;
  } else {
    if (opts.resume) throw new RxgymError(`nothing to resume in ${runDir} (no run.json); drop --resume to start a new run there`);
    if (existsSync(runDir) && existsSync(join(runDir, 'checkpoints'))) throw new RxgymError(`${runDir} holds checkpoints but no run.json; choose another output directory`);
    runId = `${scenario.name}-s${seed}-${Date.now().toString(36)}`;
  }

  if (scenario.env.vectorization === 'worker' && scenario.env.maxEpisodeSteps !== undefined) {
    throw new RxgymError("env.maxEpisodeSteps: not supported with env.vectorization 'worker' yet; use vectorization 'sync' (the default) or drop maxEpisodeSteps");
  }
  const limit = scenario.env.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: scenario.env.maxEpisodeSteps };
  const vec: VectorEnv = makeVec(scenario.env.id, { numEnvs: scenario.env.numEnvs, vectorization: scenario.env.vectorization, autoresetMode: 'same-step', kwargs: scenario.env.kwargs, ...limit });
  let stack: RunRewardStack;
  try {
    const why = def.unsupported(vec.singleObservationSpace, vec.singleActionSpace);
    if (why) throw new RxgymError(`agent.type: ${why} (env ${scenario.env.id} has action space ${JSON.stringify(vec.singleActionSpace.toJSON())}); pick an agent for this env`);
    const factory = opts.rewardStack ?? defaultStackFactory;
    if (!factory && scenario.rewards) throw new RxgymError('rewards: this build has no reward stack wired; run through the rxgym CLI or pass opts.rewardStack');
    const ctx: RunRewardContext = { envId: scenario.env.id, observationSpace: vec.singleObservationSpace, actionSpace: vec.singleActionSpace, numEnvs: vec.numEnvs, seed, runDir, llm: scenario.llm };
    stack = factory ? factory(scenario.rewards as Record<string, unknown>[] | undefined, ctx) : extrinsicAnnotator();
  } catch (e) {
    vec.close();
    throw e;
  }
  mkdirSync(runDir, { recursive: true });
  if (!existsSync(runJsonPath)) {
    writeFileAtomic(runJsonPath, JSON.stringify({ runId, name: scenario.name, fingerprint: fp, scenario, created: new Date().toISOString() }, null, 1));
  }
  return new Run(scenario, opts, runDir, runId, seed, vec, stack);
}

class Run implements RunHandle {
  readonly events$: Observable<RunEvent>;
  readonly done: Promise<RunSummary>;
  private readonly subject = new Subject<RunEvent>();
  private readonly tick$ = new Subject<CollectRequest>();
  private paused = false;
  private inFlight = false;
  private stopping = false;
  private finished = false;
  private frameReq: { envIndex: number; everyMs: number } | null = null;
  private lastFrame = 0;
  private resolveDone!: (s: RunSummary) => void;
  private rejectDone!: (e: unknown) => void;
  private stopWaiters: (() => void)[] = [];
  private agent: Agent | undefined;
  private rollout: Rollout | undefined;
  private pipeline: Subscription | undefined;
  private readonly jsonl: JsonlWriter;
  private readonly csv: CsvWriter;
  private readonly progress: Progress;
  private readonly recent: number[] = [];
  private readonly recentSuccess: number[] = [];
  private episodes = 0;
  private segment = 0;
  private lastCheckpointStep = -1;
  private lastEval: RunSummary['lastEval'];
  private bestEval: number | undefined;
  private startStep = 0;
  private t0 = 0;
  private batchT0 = 0;
  private readonly profile = { rolloutMs: 0, annotateMs: 0, learnMs: 0, evalMs: 0 };
  private readonly stackSub: Subscription | undefined;

  constructor(private readonly s: Scenario, private readonly opts: StartRunOptions, readonly runDir: string, readonly runId: string, private readonly seed: number, private readonly vec: VectorEnv, private readonly stack: RunRewardStack) {
    this.events$ = this.subject.asObservable();
    this.done = new Promise<RunSummary>((res, rej) => { this.resolveDone = res; this.rejectDone = rej; });
    this.done.catch(() => undefined);
    this.jsonl = new JsonlWriter(runDir);
    this.csv = new CsvWriter(runDir);
    this.progress = new Progress(`${s.name} seed ${seed}`, opts.quiet === true);
    this.subject.pipe(logTo(this.jsonl)).subscribe();
    this.stackSub = stack.events$?.subscribe((e) => this.onStackEvent(e));
    void this.main();
  }

  private emit(e: RunEvent): void {
    if (!this.finished) this.subject.next(e);
  }

  private onStackEvent(e: StackEvent): void {
    const now = Date.now();
    if (e.kind === 'error') {
      this.emit({ type: 'error', source: e.source, message: String(e.data.message ?? JSON.stringify(e.data)), fatal: false, time: now });
    } else if (e.kind === 'annotation') {
      const n = (k: string): number => (typeof e.data[k] === 'number' ? (e.data[k] as number) : 0);
      const samples = Array.isArray(e.data.samples) ? (e.data.samples as { message: string; label: string | number; model: string }[]) : undefined;
      this.emit({ type: 'annotation', source: e.source, labelled: n('labelled'), queued: n('queued'), cacheHits: n('cacheHits'), failures: n('failures'), pending: n('pending'), ...(samples ? { samples } : {}), time: now });
    }
  }

  private async main(): Promise<void> {
    try {
      await initBackend();
      const s = this.s;
      const def = agentDefinition(s.agent.type);
      const T = def.rolloutSteps(s.agent.params);
      this.agent = def.create(s.agent.params, {
        observationSpace: this.vec.singleObservationSpace, actionSpace: this.vec.singleActionSpace,
        numEnvs: this.vec.numEnvs, seed: this.seed, totalSteps: s.budget.steps,
      });
      this.rollout = new Rollout(this.vec, this.agent, T, {
        seed: segmentSeed(this.seed, 0),
        needsStates: this.stack.needsStates === true,
        onStep: (t) => this.maybeFrame(t),
      });
      if (this.opts.resume) {
        const ck = latestCheckpoint(this.runDir);
        if (!ck) throw new RxgymError(`nothing to resume in ${this.runDir}: no checkpoint yet; delete the directory to start over`);
        if (ck.meta.envId !== s.env.id || ck.meta.agentType !== s.agent.type) {
          throw new RxgymError(`the checkpoint in ${ck.dir} is for ${ck.meta.agentType} on ${ck.meta.envId}, this run is ${s.agent.type} on ${s.env.id}`);
        }
        this.agent.load(join(ck.dir, 'agent'));
        if (this.stack.load && existsSync(join(ck.dir, 'rewards'))) this.stack.load(join(ck.dir, 'rewards'));
        this.segment = ck.meta.segment;
        this.rollout.reset(segmentSeed(this.seed, this.segment));
        this.rollout.setState({ globalStep: ck.meta.step, episodeIds: ck.meta.episodeIds });
        this.episodes = ck.meta.counters.episodes ?? 0;
        this.lastCheckpointStep = ck.meta.step;
      }
      this.startStep = this.rollout.globalStep;
      this.t0 = performance.now();
      this.emit({ type: 'start', runId: this.runId, env: s.env.id, agent: s.agent.type, numEnvs: this.vec.numEnvs, seed: this.seed, config: s, time: Date.now() });
      this.pipeline = this.rollout.batches(this.tick$).pipe(
        tap(() => { this.profile.rolloutMs += performance.now() - this.batchT0; this.batchT0 = performance.now(); }),
        annotate(this.stack),
        tap(() => { this.profile.annotateMs += performance.now() - this.batchT0; }),
        learn(this.agent),
      ).subscribe({ next: (lb) => this.afterBatch(lb), error: (e) => this.fail(e) });
      if (this.budgetSpent()) await this.finish('budget');
      else this.next();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Ask for the next batch (asynchronously, so that pause/stop and other callbacks get a turn). */
  private next(): void {
    if (this.finished || this.inFlight) return;
    if (this.stopping) { void this.finish('stopped'); return; }
    if (this.paused) return;
    this.launch();
  }

  private launch(): void {
    this.inFlight = true;
    setImmediate(() => {
      const ro = this.rollout!;
      const every = this.s.checkpoint.every;
      const step = ro.globalStep;
      const after = step + ro.steps * ro.numEnvs;
      const req: CollectRequest = {};
      // At a checkpoint boundary the episodes are cut and the envs reseeded, so a resumed run sees the same stream.
      if (every > 0 && Math.floor(after / every) > Math.floor(step / every) && after + ro.steps * ro.numEnvs <= this.s.budget.steps) {
        req.cutAndReseed = segmentSeed(this.seed, this.segment + 1);
      }
      this.batchT0 = performance.now();
      this.tick$.next(req);
    });
  }

  private maybeFrame(t: number): void {
    const req = this.frameReq;
    if (!req) return;
    const now = Date.now();
    if (now - this.lastFrame < req.everyMs) return;
    this.lastFrame = now;
    const frame = this.vec.render(req.envIndex);
    if (frame === undefined) return;
    const b = this.rollout!.batch;
    const msg = b.messages?.[t * b.numEnvs + req.envIndex];
    this.emit({ type: 'frame', step: this.rollout!.globalStep, envIndex: req.envIndex, frame, ...(msg ? { messages: [msg] } : {}), time: now });
  }

  private rewardSummary(b: AnnotatedBatch): RunEvent {
    const components: Record<string, { rawMean: number; scaledMean: number; rawStd: number; min: number; max: number }> = {};
    for (const [name, c] of Object.entries(b.components)) {
      let sr = 0, ss = 0, sq = 0, mn = Infinity, mx = -Infinity;
      const n = c.raw.length;
      for (let k = 0; k < n; k++) {
        const r = c.raw[k]!;
        sr += r; sq += r * r; ss += c.scaled[k]!;
        if (r < mn) mn = r;
        if (r > mx) mx = r;
      }
      const m = sr / n;
      components[name] = { rawMean: m, scaledMean: ss / n, rawStd: Math.sqrt(Math.max(0, sq / n - m * m)), min: mn, max: mx };
    }
    return { type: 'rewards', step: this.rollout!.globalStep, components, time: Date.now() };
  }

  private runEval(step: number): EvalResult | undefined {
    const ev = this.s.eval;
    if (ev.episodes === 0) return undefined;
    const t = performance.now();
    const r = evaluate(this.s.env.id, this.s.env.kwargs, this.agent!, ev.seeds, ev.deterministic, undefined, this.s.env.maxEpisodeSteps);
    this.profile.evalMs += performance.now() - t;
    this.lastEval = { step, meanReturn: r.meanReturn, stdReturn: r.stdReturn, ...(r.successRate !== undefined ? { successRate: r.successRate } : {}) };
    this.bestEval = Math.max(this.bestEval ?? -Infinity, r.meanReturn);
    this.emit({ type: 'eval', step, meanReturn: r.meanReturn, stdReturn: r.stdReturn, ...(r.successRate !== undefined ? { successRate: r.successRate } : {}), episodes: ev.episodes, time: Date.now() });
    return r;
  }

  private afterBatch(lb: LearnedBatch): void {
    this.profile.learnMs += lb.learnMs;
    const ro = this.rollout!;
    const step = ro.globalStep;
    const before = lb.batch.globalStep;
    const now = Date.now();
    for (const ep of lb.batch.episodes ?? []) {
      this.episodes++;
      this.recent.push(ep.return);
      if (this.recent.length > 100) this.recent.shift();
      if (ep.success !== undefined) {
        this.recentSuccess.push(ep.success ? 1 : 0);
        if (this.recentSuccess.length > 100) this.recentSuccess.shift();
      }
      this.emit({ type: 'episode', step, envIndex: ep.envIndex, return: ep.return, length: ep.length, ...(ep.success !== undefined ? { success: ep.success } : {}), time: now });
    }
    const elapsed = (performance.now() - this.t0) / 1000;
    const sps = (step - this.startStep) / Math.max(1e-9, elapsed);
    this.emit({ type: 'batch', step, steps: step - before, sps, time: now });
    this.emit(this.rewardSummary(lb.batch));
    const stats: TrainStats = { ...lb.stats, rolloutMs: this.profile.rolloutMs, learnMs: this.profile.learnMs };
    this.emit({ type: 'train', step, stats: lb.stats, time: now });
    const ev = this.s.eval.every;
    if (ev > 0 && Math.floor(step / ev) > Math.floor(before / ev) && !this.budgetSpent()) this.runEval(step);
    const ck = this.s.checkpoint.every;
    if (ck > 0 && Math.floor(step / ck) > Math.floor(before / ck) && !this.budgetSpent()) {
      this.segment += 1;
      this.checkpoint(step);
    }
    const successRate = mean(this.recentSuccess);
    this.csv.row({ step, time: elapsed, sps, episodes: this.episodes, returnMean: mean(this.recent), lengthMean: undefined, successRate, evalReturn: this.lastEval?.meanReturn, evalSuccess: this.lastEval?.successRate }, stats);
    this.progress.update({ step, total: this.s.budget.steps, sps, returnMean: mean(this.recent), successRate, evalReturn: this.lastEval?.meanReturn });
    this.inFlight = false;
    if (this.budgetSpent()) void this.finish('budget');
    else this.next();
  }

  /** True when another whole batch would exceed the budget (a run never takes more steps than its budget). */
  private budgetSpent(): boolean {
    const ro = this.rollout!;
    return ro.globalStep + ro.steps * ro.numEnvs > this.s.budget.steps;
  }

  private checkpoint(step: number): void {
    if (step === this.lastCheckpointStep) return;
    const dir = writeCheckpoint(this.runDir, {
      format: 'rxgym-checkpoint/1', runId: this.runId, envId: this.s.env.id, agentType: this.s.agent.type, step,
      segment: this.segment, seed: this.seed, time: Date.now(),
      counters: { episodes: this.episodes }, episodeIds: this.rollout!.getState().episodeIds,
    }, (d) => {
      this.agent!.save(d);
      if (this.stack.save) { mkdirSync(join(d, '..', 'rewards'), { recursive: true }); this.stack.save(join(d, '..', 'rewards')); }
    });
    this.lastCheckpointStep = step;
    this.emit({ type: 'checkpoint', step, dir, time: Date.now() });
  }

  private summary(reason: RunSummary['reason']): RunSummary {
    const step = this.rollout?.globalStep ?? 0;
    const wall = (performance.now() - this.t0) / 1000;
    const target = this.s.target;
    let targetMet: boolean | undefined;
    if (target && this.lastEval) {
      const v = target.metric === 'evalReturn' ? this.lastEval.meanReturn : this.lastEval.successRate;
      targetMet = v !== undefined && v >= target.atLeast;
    }
    return {
      runId: this.runId, runDir: this.runDir, envId: this.s.env.id, agent: this.s.agent.type, seed: this.seed, steps: step, reason,
      wallSeconds: wall, stepsPerSecond: (step - this.startStep) / Math.max(1e-9, wall), episodes: this.episodes,
      returnMean: mean(this.recent), successRate: mean(this.recentSuccess), lastEval: this.lastEval, bestEvalReturn: this.bestEval,
      ...(targetMet !== undefined ? { targetMet } : {}), profile: { ...this.profile },
    };
  }

  private async finish(reason: 'budget' | 'stopped'): Promise<void> {
    if (this.finished) return;
    try {
      const step = this.rollout!.globalStep;
      if (reason === 'budget') this.runEval(step);
      this.checkpoint(step);
      const sum = this.summary(reason);
      writeFileAtomic(join(this.runDir, 'summary.json'), JSON.stringify(sum, null, 1));
      this.progress.finish({ step, total: this.s.budget.steps, sps: sum.stepsPerSecond, returnMean: sum.returnMean, successRate: sum.successRate, evalReturn: sum.lastEval?.meanReturn });
      this.emit({ type: 'end', step, reason, summary: { steps: step, wallSeconds: sum.wallSeconds, stepsPerSecond: sum.stepsPerSecond, ...(sum.lastEval ? { evalReturn: sum.lastEval.meanReturn } : {}) }, time: Date.now() });
      this.close();
      this.resolveDone(sum);
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    if (this.finished) return;
    const message = e instanceof Error ? e.message : String(e);
    this.emit({ type: 'error', source: 'run', message, fatal: true, time: Date.now() });
    this.emit({ type: 'end', step: this.rollout?.globalStep ?? 0, reason: 'error', time: Date.now() });
    this.close();
    this.rejectDone(e);
  }

  private close(): void {
    this.finished = true;
    this.jsonl.flush();
    this.pipeline?.unsubscribe();
    this.stackSub?.unsubscribe();
    this.subject.complete();
    this.tick$.complete();
    this.agent?.dispose();
    this.stack.dispose?.();
    this.vec.close();
    for (const w of this.stopWaiters) w();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.next();
  }

  stepOnce(): void {
    if (this.paused && !this.inFlight && !this.finished && this.rollout) this.launch();
  }

  stop(): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.stopping = true;
    const p = new Promise<void>((res) => this.stopWaiters.push(res));
    if (!this.inFlight && this.rollout) void this.finish('stopped');
    return p;
  }

  requestFrames(opts: { envIndex: number; everyMs: number } | null): void {
    if (opts && (!Number.isInteger(opts.envIndex) || opts.envIndex < 0 || opts.envIndex >= this.vec.numEnvs)) {
      throw new RxgymError(`requestFrames: envIndex must be in [0, ${this.vec.numEnvs}), got ${opts.envIndex}`);
    }
    this.frameReq = opts;
    this.lastFrame = 0;
  }
}
