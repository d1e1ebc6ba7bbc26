import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Subject, tap, type Observable, type Subscription } from 'rxjs';
import { RxgymError } from '../core/env.js';
import type { Space } from '../core/spaces.js';
import { makeVec } from '../core/vector/sync.js';
import type { VectorEnv } from '../core/vector/types.js';
import type { AnnotatedBatch, BatchAnnotator } from '../stream/batch.js';
import type { PhaseTagged, RunEvent, RunPhase, TrainStats } from '../stream/events.js';
import { extrinsicAnnotator } from '../stream/extrinsic.js';
import { annotate, learn, logTo, type LearnedBatch } from '../stream/operators.js';
import { Rollout, type CollectRequest } from '../stream/rollout.js';
import { initBackend } from '../tensor/backend.js';
import { writeFileAtomic } from '../tensor/io.js';
import { agentDefinition, type Agent } from '../core/agent.js';
import { latestCheckpoint, writeCheckpoint, type CheckpointMeta } from './checkpoint.js';
import { evaluate, type EvalResult } from './evaluate.js';
import { definedMetrics, explorationFactory, type ExplorationFactory, type RunExplorationTracker } from './exploration.js';
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
  /** Overrides the installed exploration tracker factory (envs/explore installs one); false: no `explore` events. */
  exploration?: ExplorationFactory | false;
}

/** What the reward-free pre-training phase of a run with `pretrain:` did. */
export interface PretrainSummary {
  /** Pre-training env steps taken (the section's `steps` when complete). */
  steps: number;
  complete: boolean;
  /** Names of the pre-training reward components. */
  rewards: string[];
  wallSeconds: number;
  stepsPerSecond: number;
  episodes: number;
  /** Mean extrinsic return of the last 100 pre-training episodes (the agent never saw it). */
  returnMean?: number;
  /** The pre-training checkpoint the fine-tuning phase starts from. */
  checkpoint?: string;
  /** Exploration metrics of the pre-training phase. */
  explore?: Record<string, number>;
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
  /** Exploration metrics at the end (unique cells, coverage, max depth, distinct messages ...), for envs that report them. */
  explore?: Record<string, number>;
  /** Runs with `pretrain:`: the pre-training phase (`steps` above and everything else count the fine-tuning phase). */
  pretrain?: PretrainSummary;
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
  return { env: s.env, agent: s.agent, rewards: s.rewards ?? null, seed, ...(s.pretrain ? { pretrain: s.pretrain } : {}) };
}

/** The env seed of the pre-training phase: its own stream, so fine-tuning sees the same envs as a run from scratch. */
function pretrainSeed(seed: number): number {
  return (seed + 777_767_777) % 2_000_000_000;
}

/** Component names of a reward list (`name`, else `source`). */
function componentNames(rewards: Record<string, unknown>[] | undefined): string[] {
  return rewards ? rewards.map((c) => String(c.name ?? c.source)) : ['extrinsic'];
}

/**
 * Load only the network weights saved in `from` into a fresh `agent` (URLB fine-tuning): the fresh agent's own save
 * provides its optimizer moments, RNG, counters and empty replay buffer, and the saved weight files (the `<name>.json` +
 * `<name>.bin` pairs of saveWeights, target networks included) replace its weights. Optimizer (`*-optim.*`), agent
 * state (`*-state.json`) and replay (`*-replay*`) files are left behind.
 */
function loadWeightsOnly(agent: Agent, from: string, scratch: string): void {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    agent.save(scratch);
    for (const f of readdirSync(from)) {
      if (/-optim\.|-state\.json$|-replay/.test(f)) continue;
      copyFileSync(join(from, f), join(scratch, f));
    }
    agent.load(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
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

  const limit = scenario.env.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: scenario.env.maxEpisodeSteps };
  const vec: VectorEnv = makeVec(scenario.env.id, { numEnvs: scenario.env.numEnvs, vectorization: scenario.env.vectorization, autoresetMode: 'same-step', kwargs: scenario.env.kwargs, ...limit });
  let stack: RunRewardStack;
  let pretrainStack: RunRewardStack | undefined;
  try {
    const why = def.unsupported(vec.singleObservationSpace, vec.singleActionSpace);
    if (why) throw new RxgymError(`agent.type: ${why} (env ${scenario.env.id} has action space ${JSON.stringify(vec.singleActionSpace.toJSON())}); pick an agent for this env`);
    const factory = opts.rewardStack ?? defaultStackFactory;
    if (!factory && scenario.rewards) throw new RxgymError('rewards: this build has no reward stack wired; run through the rxgym CLI or pass opts.rewardStack');
    const ctx: RunRewardContext = { envId: scenario.env.id, observationSpace: vec.singleObservationSpace, actionSpace: vec.singleActionSpace, numEnvs: vec.numEnvs, seed, runDir, llm: scenario.llm };
    stack = factory ? factory(scenario.rewards as Record<string, unknown>[] | undefined, ctx) : extrinsicAnnotator();
    if (scenario.pretrain) {
      if (!factory) {
        stack.dispose?.();
        throw new RxgymError('pretrain.rewards: this build has no reward stack wired; run through the rxgym CLI or pass opts.rewardStack');
      }
      // Built (and so validated) before anything is written; errors name the key path under pretrain.rewards.
      try {
        pretrainStack = factory(scenario.pretrain.rewards, ctx);
      } catch (e) {
        stack.dispose?.();
        if (e instanceof Error && /^rewards\[/.test(e.message)) throw new RxgymError(`pretrain.${e.message}`);
        throw e;
      }
    }
  } catch (e) {
    vec.close();
    throw e;
  }
  mkdirSync(runDir, { recursive: true });
  if (!existsSync(runJsonPath)) {
    writeFileAtomic(runJsonPath, JSON.stringify({ runId, name: scenario.name, fingerprint: fp, scenario, created: new Date().toISOString() }, null, 1));
  }
  return new Run(scenario, opts, runDir, runId, seed, vec, stack, pretrainStack);
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
  private csv: CsvWriter;
  private progress: Progress;
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
  private stackSub: Subscription | undefined;
  /** The reward stack of the current phase (the pre-training stack while pre-training, else the scenario's). */
  private stack: RunRewardStack;
  private readonly disposed = new Set<RunRewardStack>();
  /** Runs with `pretrain:` only: the current phase (every event is tagged with it). */
  private phase: RunPhase | undefined;
  /** Step budget of the current phase. */
  private budget: number;
  private started = false;
  private tracker: RunExplorationTracker | undefined;
  private pretrainInfo: PretrainSummary | undefined;

  constructor(private readonly s: Scenario, private readonly opts: StartRunOptions, readonly runDir: string, readonly runId: string, private readonly seed: number, private readonly vec: VectorEnv, private readonly finetuneStack: RunRewardStack, private readonly pretrainStack?: RunRewardStack) {
    this.stack = finetuneStack;
    this.budget = s.budget.steps;
    this.events$ = this.subject.asObservable();
    this.done = new Promise<RunSummary>((res, rej) => { this.resolveDone = res; this.rejectDone = rej; });
    this.done.catch(() => undefined);
    this.jsonl = new JsonlWriter(runDir);
    this.csv = new CsvWriter(runDir);
    this.progress = new Progress(`${s.name} seed ${seed}`, opts.quiet === true);
    this.subject.pipe(logTo(this.jsonl)).subscribe();
    void this.main();
  }

  private emit(e: RunEvent): void {
    if (this.finished) return;
    if (this.phase) (e as PhaseTagged).phase = this.phase;
    this.subject.next(e);
  }

  private onStackEvent(e: StackEvent): void {
    const now = Date.now();
    if (e.kind === 'error') {
      this.emit({ type: 'error', source: e.source, message: String(e.data.message ?? JSON.stringify(e.data)), fatal: false, time: now });
    } else if (e.kind === 'annotation') {
      const n = (k: string): number => (typeof e.data[k] === 'number' ? (e.data[k] as number) : 0);
      const samples = Array.isArray(e.data.samples) ? (e.data.samples as { message: string; label: string | number; model: string }[]) : undefined;
      this.emit({ type: 'annotation', source: e.source, labelled: n('labelled'), queued: n('queued'), cacheHits: n('cacheHits'), failures: n('failures'), pending: n('pending'), ...(samples ? { samples } : {}), time: now });
    } else if (e.kind === 'info' && e.data.parts !== null && typeof e.data.parts === 'object') {
      // A source's reward split into named parts (the code source's `components`): kept for this batch's `rewards`
      // event and metrics.csv row as `<source>/<part>`. Parts are raw (the stack scales only the source's total).
      for (const [part, st] of Object.entries(e.data.parts as Record<string, { count?: number; mean?: number; std?: number; min?: number; max?: number }>)) {
        if (!st || !st.count || typeof st.mean !== 'number') continue;
        const mean = st.mean;
        this.rewardParts[`${e.source}/${part}`] = { rawMean: mean, scaledMean: mean, rawStd: st.std ?? 0, min: st.min ?? mean, max: st.max ?? mean };
      }
    }
  }

  /** Parts of reward sources reported while the current batch was annotated (`onStackEvent`), until its `rewards` event. */
  private rewardParts: Record<string, { rawMean: number; scaledMean: number; rawStd: number; min: number; max: number }> = {};

  private async main(): Promise<void> {
    try {
      await initBackend();
      const s = this.s;
      const ck = this.opts.resume ? latestCheckpoint(this.runDir) : undefined;
      if (this.opts.resume && !ck && !s.pretrain) throw new RxgymError(`nothing to resume in ${this.runDir}: no checkpoint yet; delete the directory to start over`);
      if (ck && (ck.meta.envId !== s.env.id || ck.meta.agentType !== s.agent.type)) {
        throw new RxgymError(`the checkpoint in ${ck.dir} is for ${ck.meta.agentType} on ${ck.meta.envId}, this run is ${s.agent.type} on ${s.env.id}`);
      }
      if (!s.pretrain) {
        await this.beginPhase(undefined, ck ? { resume: ck } : {});
        return;
      }
      // URLB: reward-free pre-training, then fine-tuning from its weights. A resumed run continues the fine-tuning phase
      // from its checkpoint, or starts it from a finished pre-training; an unfinished pre-training starts over.
      const done = this.readPretrain();
      if (ck || done) {
        this.pretrainInfo = done;
        await this.beginPhase('finetune', ck ? { resume: ck } : { weights: join(done!.checkpoint!, 'agent') });
      } else {
        await this.beginPhase('pretrain', {});
      }
    } catch (e) {
      this.fail(e);
    }
  }

  /** The finished pre-training of this run directory (its summary and checkpoint), if any. */
  private readPretrain(): PretrainSummary | undefined {
    const p = join(this.runDir, 'pretrain', 'summary.json');
    if (!existsSync(p)) return undefined;
    const info = JSON.parse(readFileSync(p, 'utf8')) as PretrainSummary;
    return info.complete && info.checkpoint && existsSync(join(info.checkpoint, 'agent')) ? info : undefined;
  }

  /**
   * Build the agent, rollout, reward stack subscription and pipeline of a phase (`undefined`: a run without pre-training)
   * and ask for its first batch. `from.resume`: continue a checkpoint; `from.weights`: a fresh agent with these weights.
   */
  private async beginPhase(phase: RunPhase | undefined, from: { resume?: { dir: string; meta: CheckpointMeta }; weights?: string }): Promise<void> {
    const s = this.s;
    const pre = phase === 'pretrain';
    this.phase = phase;
    this.stack = pre ? this.pretrainStack! : this.finetuneStack;
    this.budget = pre ? s.pretrain!.steps : s.budget.steps;
    if (pre) {
      const dir = join(this.runDir, 'pretrain');
      mkdirSync(dir, { recursive: true });
      rmSync(join(dir, 'metrics.csv'), { force: true });
      this.csv = new CsvWriter(dir);
      this.progress = new Progress(`${s.name} seed ${this.seed} pretrain`, this.opts.quiet === true);
    } else if (phase === 'finetune') {
      this.csv = new CsvWriter(this.runDir);
      this.progress = new Progress(`${s.name} seed ${this.seed}`, this.opts.quiet === true);
    }
    const def = agentDefinition(s.agent.type);
    const T = def.rolloutSteps(s.agent.params);
    this.agent = def.create(s.agent.params, {
      observationSpace: this.vec.singleObservationSpace, actionSpace: this.vec.singleActionSpace,
      numEnvs: this.vec.numEnvs, seed: this.seed, totalSteps: this.budget,
    });
    if (from.weights) {
      loadWeightsOnly(this.agent, from.weights, join(this.runDir, 'pretrain', '.finetune-init'));
      // the summary's profile counts the fine-tuning phase, like its steps and wall time
      for (const k of Object.keys(this.profile) as (keyof typeof this.profile)[]) this.profile[k] = 0;
    }
    this.rollout = new Rollout(this.vec, this.agent, T, {
      seed: pre ? pretrainSeed(this.seed) : segmentSeed(this.seed, 0),
      needsStates: this.stack.needsStates === true,
      onStep: (t) => {
        this.tracker?.afterStep?.(this.rollout!.batch, t);
        this.maybeFrame(t);
      },
    });
    const ck = from.resume;
    if (ck) {
      this.agent.load(join(ck.dir, 'agent'));
      if (this.stack.load && existsSync(join(ck.dir, 'rewards'))) this.stack.load(join(ck.dir, 'rewards'));
      this.segment = ck.meta.segment;
      this.rollout.reset(segmentSeed(this.seed, this.segment));
      this.rollout.setState({ globalStep: ck.meta.step, episodeIds: ck.meta.episodeIds });
      this.episodes = ck.meta.counters.episodes ?? 0;
      this.lastCheckpointStep = ck.meta.step;
    }
    const factory = this.opts.exploration === false ? undefined : (this.opts.exploration ?? explorationFactory());
    this.tracker = factory?.(s.env.id, this.vec);
    this.stackSub = this.stack.events$?.subscribe((e) => this.onStackEvent(e));
    this.startStep = this.rollout.globalStep;
    this.t0 = performance.now();
    if (!this.started) {
      this.started = true;
      this.emit({ type: 'start', runId: this.runId, env: s.env.id, agent: s.agent.type, numEnvs: this.vec.numEnvs, seed: this.seed, config: s, time: Date.now() });
    }
    if (phase) {
      const names = componentNames(pre ? s.pretrain!.rewards : s.rewards);
      this.emit({ type: 'phase', phase, step: this.rollout.globalStep, budget: this.budget, rewards: names, ...(from.weights ? { from: from.weights } : {}), time: Date.now() });
    }
    this.pipeline = this.rollout.batches(this.tick$).pipe(
      tap(() => { this.profile.rolloutMs += performance.now() - this.batchT0; this.batchT0 = performance.now(); }),
      annotate(this.stack),
      tap(() => { this.profile.annotateMs += performance.now() - this.batchT0; }),
      learn(this.agent),
    ).subscribe({ next: (lb) => this.afterBatch(lb), error: (e) => this.fail(e) });
    if (this.budgetSpent()) {
      if (pre) this.endPretrain();
      else await this.finish('budget');
    } else this.next();
  }

  /**
   * End the pre-training phase: write its checkpoint (`<runDir>/pretrain/checkpoints/step-N`) and summary, drop its
   * agent, optimizer and reward stack, and start fine-tuning from the checkpoint's weights.
   */
  private endPretrain(): void {
    const step = this.rollout!.globalStep;
    const dir = writeCheckpoint(join(this.runDir, 'pretrain'), {
      format: 'rxgym-checkpoint/1', runId: this.runId, envId: this.s.env.id, agentType: this.s.agent.type, step,
      segment: 0, seed: this.seed, time: Date.now(), counters: { episodes: this.episodes }, episodeIds: this.rollout!.getState().episodeIds,
    }, (d) => {
      this.agent!.save(d);
      if (this.stack.save) { mkdirSync(join(d, '..', 'rewards'), { recursive: true }); this.stack.save(join(d, '..', 'rewards')); }
    });
    this.emit({ type: 'checkpoint', step, dir, time: Date.now() });
    const info = this.pretrainSummary(true, dir);
    if (info.explore) this.emit({ type: 'explore', step, metrics: info.explore, time: Date.now() });
    writeFileAtomic(join(this.runDir, 'pretrain', 'summary.json'), JSON.stringify(info, null, 1));
    this.pretrainInfo = info;
    this.progress.finish({ step, total: this.budget, sps: info.stepsPerSecond, returnMean: info.returnMean });
    this.pipeline?.unsubscribe();
    this.stackSub?.unsubscribe();
    this.agent?.dispose();
    this.agent = undefined;
    this.disposeStack(this.stack);
    this.episodes = 0;
    this.recent.length = 0;
    this.recentSuccess.length = 0;
    this.segment = 0;
    this.lastCheckpointStep = -1;
    setImmediate(() => {
      if (this.finished) return;
      this.beginPhase('finetune', { weights: join(dir, 'agent') }).catch((e) => this.fail(e));
    });
  }

  private pretrainSummary(complete: boolean, checkpoint?: string): PretrainSummary {
    const step = this.rollout?.globalStep ?? 0;
    const wall = (performance.now() - this.t0) / 1000;
    const explore = this.tracker ? definedMetrics(this.tracker.metrics()) : undefined;
    return {
      steps: step, complete, rewards: componentNames(this.s.pretrain?.rewards), wallSeconds: wall, stepsPerSecond: step / Math.max(1e-9, wall),
      episodes: this.episodes, returnMean: mean(this.recent), ...(checkpoint ? { checkpoint } : {}), ...(explore ? { explore } : {}),
    };
  }

  private disposeStack(st: RunRewardStack | undefined): void {
    if (!st || this.disposed.has(st)) return;
    this.disposed.add(st);
    st.dispose?.();
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
      if (this.phase !== 'pretrain' && every > 0 && Math.floor(after / every) > Math.floor(step / every) && after + ro.steps * ro.numEnvs <= this.budget) {
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
    Object.assign(components, this.rewardParts);
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
    for (const k in this.rewardParts) stats[`reward.${k}`] = this.rewardParts[k]!.rawMean;
    this.rewardParts = {};
    this.emit({ type: 'train', step, stats: lb.stats, time: now });
    if (this.tracker) {
      const metrics = definedMetrics(this.tracker.observe(lb.batch));
      this.emit({ type: 'explore', step, metrics, time: now });
      for (const k in metrics) stats[`explore.${k}`] = metrics[k]!;
    }
    const pre = this.phase === 'pretrain';
    const ev = this.s.eval.every;
    if (!pre && ev > 0 && Math.floor(step / ev) > Math.floor(before / ev) && !this.budgetSpent()) this.runEval(step);
    const ck = this.s.checkpoint.every;
    if (!pre && ck > 0 && Math.floor(step / ck) > Math.floor(before / ck) && !this.budgetSpent()) {
      this.segment += 1;
      this.checkpoint(step);
    }
    const successRate = mean(this.recentSuccess);
    this.csv.row({ step, time: elapsed, sps, episodes: this.episodes, returnMean: mean(this.recent), lengthMean: undefined, successRate, evalReturn: this.lastEval?.meanReturn, evalSuccess: this.lastEval?.successRate }, stats);
    this.progress.update({ step, total: this.budget, sps, returnMean: mean(this.recent), successRate, evalReturn: this.lastEval?.meanReturn });
    this.inFlight = false;
    if (this.budgetSpent()) {
      if (pre && !this.stopping) this.endPretrain();
      else void this.finish(pre ? 'stopped' : 'budget');
    } else this.next();
  }

  /** True when another whole batch would exceed the budget (a run never takes more steps than its budget). */
  private budgetSpent(): boolean {
    const ro = this.rollout!;
    return ro.globalStep + ro.steps * ro.numEnvs > this.budget;
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
    const pre = this.phase === 'pretrain';
    const step = pre ? 0 : this.rollout?.globalStep ?? 0;
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
      ...(targetMet !== undefined ? { targetMet } : {}),
      ...(this.tracker && !pre ? { explore: definedMetrics(this.tracker.metrics()) } : {}),
      ...(this.pretrainInfo ? { pretrain: this.pretrainInfo } : pre ? { pretrain: this.pretrainSummary(false) } : {}),
      profile: { ...this.profile },
    };
  }

  private async finish(reason: 'budget' | 'stopped'): Promise<void> {
    if (this.finished) return;
    try {
      const pre = this.phase === 'pretrain';
      const step = this.rollout!.globalStep;
      if (reason === 'budget' && !pre) this.runEval(step);
      // A stopped pre-training writes no checkpoint: a resumed run starts it over.
      if (!pre) this.checkpoint(step);
      if (this.tracker) this.emit({ type: 'explore', step, metrics: definedMetrics(this.tracker.metrics()), time: Date.now() });
      const sum = this.summary(reason);
      writeFileAtomic(join(this.runDir, 'summary.json'), JSON.stringify(sum, null, 1));
      this.progress.finish({ step, total: this.budget, sps: sum.stepsPerSecond, returnMean: sum.returnMean, successRate: sum.successRate, evalReturn: sum.lastEval?.meanReturn });
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
    this.disposeStack(this.pretrainStack);
    this.disposeStack(this.finetuneStack);
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
