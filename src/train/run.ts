import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { Agent, AgentDefinition } from '../core/agent.js';
import { writeFileAtomic } from '../core/atomic.js';
import { RxgymError } from '../core/env.js';
import { warn } from '../core/warn.js';
import { envRegistry, type Registry } from '../core/registry.js';
import type { RewardEvent } from '../core/reward.js';
import { makeVec } from '../core/vector/sync.js';
import type { VectorEnv } from '../core/vector/types.js';
import type { PhaseTagged, RunEvent, RunEventOf, RunPhase, TrainStats, ZeroedRewards } from '../stream/events.js';
import { definedMetrics, explorationFor, type ExplorationState } from '../stream/exploration.js';
import { logTo, type LearnedBatch } from '../stream/operators.js';
import { Rollout } from '../stream/rollout.js';
import { initBackend } from '../tensor/backend.js';
import { loadWeights } from '../tensor/io.js';
import { buildRewardStack, type RewardStack } from '../../rewards/stack.js';
import { tensorboardLogger, type TensorboardLogger } from '../report/tensorboard.js';
import { builtinRegistry } from './builtins.js';
import { latestCheckpoint, writeCheckpoint, type CheckpointMeta } from './checkpoint.js';
import { evaluate } from './evaluate.js';
import { CsvWriter, JsonlWriter } from './metrics.js';
import { Pacer } from './pacer.js';
import {
  budgetSpent,
  nextRequest,
  phasePipeline,
  rewardSummary,
  type Phase,
  type PhaseStep,
  type RunProfile,
} from './phase.js';
import { Progress } from './progress.js';
import { API_OPTION_NAMES, checkRunDir, createRunDir, type RunOptionNames } from './run-dir.js';
import type { Scenario } from './scenario.js';
import { emptyTally, recentMeans, resumedTally, tally, tallyCounters, type RunTally } from './summary.js';

/** Options of `startRun`. */
export interface StartRunOptions {
  runDir: string;
  /** Continue from the run directory's latest checkpoint. */
  resume?: boolean;
  /** No progress output. */
  quiet?: boolean;
  /** Which of the scenario's seeds (default the first). */
  seed?: number;
  /** The envs, agents and reward sources the scenario may name (default: `builtinRegistry()`). */
  registry?: Registry;
  /** false: no exploration tracking (`explore` events) even when the env declares an exploration cell. */
  exploration?: boolean;
  /** How errors name the resume and run-directory options (default: these options; the CLI passes its flags). */
  optionNames?: RunOptionNames;
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
  /** `budget`: the run took its whole budget; `stopped`: it was stopped first (resume it); `error`: it failed. */
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
  /**
   * Exploration metrics at the end (unique cells, coverage, max depth, distinct messages ...), for envs that report
   * them.
   */
  explore?: Record<string, number>;
  /** The last counters of each annotator (labels, failures by kind), for runs with LLM-labelled rewards. */
  annotators?: RunTally['annotators'];
  /**
   * Per reward component, the transitions whose reward was replaced by 0 and why (non-finite values; reward-code
   * errors under `onError: zero` or `skip`); present when any was. A resumed run includes the counts from before its
   * interruption (its checkpoint carries them; checkpoints written before 2026-12-06 carry none).
   */
  zeroedRewards?: RunTally['zeroedRewards'];
  /** The last Lagrange multipliers of the constraint components, for runs that have some. */
  multipliers?: RunTally['multipliers'];
  /** Runs with `pretrain:`: the pre-training phase (`steps` above and everything else count the fine-tuning phase). */
  pretrain?: PretrainSummary;
  /** Milliseconds spent collecting rollouts, annotating, learning and evaluating in this process. */
  profile: RunProfile;
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

/** The env seed of the pre-training phase: its own stream, so fine-tuning sees the same envs as a run from scratch. */
/**
 * How long the end of a budget waits, at most, for the answers still in flight of LLM-labelled sources (ONI labels,
 * judged frames and steps), so that the last checkpoint and the summary hold them. A stop does not wait.
 */
const SETTLE_MS = 5000;

function pretrainSeed(seed: number): number {
  return (seed + 777_767_777) % 2_000_000_000;
}

/** The env seed of segment `k` (envs are reseeded at every checkpoint boundary). */
function segmentSeed(seed: number, k: number): number {
  return k === 0 ? seed : (seed + 1_000_003 * k) % 2_000_000_000;
}

/** Component names of a reward list (`name`, else `source`). */
function componentNames(rewards: Record<string, unknown>[] | undefined): string[] {
  return rewards ? rewards.map((c) => String(c.name ?? c.source)) : ['extrinsic'];
}

/**
 * Refuse to checkpoint weights that are not finite (a diverged update): every weights file the agent saved is read
 * back.
 */
function checkWeights(dir: string, step: number): void {
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json') || !existsSync(join(dir, f.replace(/\.json$/, '.bin')))) continue;
    // only weights files (saveWeights' format); replay buffers and other state have their own
    if (!readFileSync(join(dir, f), 'utf8').includes('"rxgym-weights/1"')) continue;
    try {
      loadWeights(dir, f.replace(/\.json$/, ''));
    } catch (e) {
      throw new RxgymError(
        `training diverged by step ${step}; no checkpoint was written for it: ` +
          `${(e as Error).message.replace(/; resume.*$/, '')}`,
      );
    }
  }
}

/** The reward stacks of a run: the scenario's, and the pre-training one of a run with `pretrain:`. */
interface Stacks {
  main: RewardStack;
  pretrain?: RewardStack;
}

function buildStacks(s: Scenario, vec: VectorEnv, seed: number, runDir: string, registry: Registry): Stacks {
  const ctx = {
    envId: s.env.id,
    observationSpace: vec.singleObservationSpace,
    actionSpace: vec.singleActionSpace,
    numEnvs: vec.numEnvs,
    seed,
    runDir,
    llm: s.llm,
    capabilities: vec.capabilities,
  };
  const main = buildRewardStack(s.rewards as never, ctx, registry.rewards);
  if (!s.pretrain) return { main };
  try {
    return { main, pretrain: buildRewardStack(s.pretrain.rewards as never, ctx, registry.rewards) };
  } catch (e) {
    main.dispose();
    // errors name the key path under pretrain.rewards
    if (e instanceof Error && /^rewards\[/.test(e.message)) throw new RxgymError(`pretrain.${e.message}`);
    throw e;
  }
}

/**
 * Start training a scenario in `opts.runDir`: a stream of rollout batches -> reward stack -> agent updates, with
 * `RunEvent`s for everything, metrics in events.jsonl/metrics.csv, periodic evaluation and atomic checkpoints.
 * Bad input (unknown env, agent/space mismatch, a run directory holding another run) throws here, before anything is
 * written.
 */
export function startRun(scenario: Scenario, opts: StartRunOptions): RunHandle {
  const registry = opts.registry ?? builtinRegistry();
  const seed = opts.seed ?? scenario.seeds[0]!;
  const def = registry.agents.get(scenario.agent.type);
  const dir = checkRunDir(opts.runDir, scenario, seed, opts.resume === true, opts.optionNames);
  const limit = scenario.env.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: scenario.env.maxEpisodeSteps };
  const vec = makeVec(scenario.env.id, {
    numEnvs: scenario.env.numEnvs,
    vectorization: scenario.env.vectorization,
    autoresetMode: 'same-step',
    kwargs: scenario.env.kwargs,
    envs: registry.envs,
    ...limit,
  });
  let stacks: Stacks;
  try {
    const why = def.unsupported(vec.singleObservationSpace, vec.singleActionSpace);
    if (why)
      throw new RxgymError(
        `agent.type: ${why} (env ${scenario.env.id} has action space ` +
          `${JSON.stringify(vec.singleActionSpace.toJSON())}); pick an agent for this env`,
      );
    const min = def.rolloutSteps(scenario.agent.params) * vec.numEnvs;
    if (scenario.budget.steps < min) {
      throw new RxgymError(
        `budget.steps: ${scenario.budget.steps} is less than one rollout (${min} = ${min / vec.numEnvs} steps x ` +
          `${vec.numEnvs} envs), so nothing would be trained; give at least ${min}`,
      );
    }
    stacks = buildStacks(scenario, vec, seed, dir.path, registry);
    if (stacks.main.constraintNames.length > 0 && !def.constraints) {
      for (const st of [stacks.main, stacks.pretrain]) st?.dispose();
      const names = stacks.main.constraintNames;
      const what = `${names.join(', ')} ${names.length > 1 ? 'are constraints' : 'is a constraint'}`;
      throw new RxgymError(
        `rewards: ${what}, which agent ${scenario.agent.type} cannot mix into its advantages; ` +
          'use agent.type ppo or make it a weighted component',
      );
    }
    if (stacks.main.filtered && !def.filters) {
      for (const st of [stacks.main, stacks.pretrain]) st?.dispose();
      throw new RxgymError(
        `rewards: a component filters the batch's episodes (filter:), which agent ` +
          `${scenario.agent.type} cannot learn from; use agent.type ppo or drop the filter`,
      );
    }
  } catch (e) {
    vec.close();
    throw e;
  }
  createRunDir(dir, scenario, seed);
  return new Run(scenario, opts, dir.path, dir.runId, seed, vec, stacks, def, opts.exploration !== false);
}

/** A run: builds each phase's pipeline, turns its batches into events and files, and ends with a summary. */
class Run implements RunHandle {
  readonly events$: Observable<RunEvent>;
  readonly done: Promise<RunSummary>;
  private readonly subject = new Subject<RunEvent>();
  private resolveDone!: (s: RunSummary) => void;
  private rejectDone!: (e: unknown) => void;
  private readonly stopWaiters: (() => void)[] = [];
  private readonly jsonl: JsonlWriter;
  /** The run's scalars as TensorBoard event files beside events.jsonl (`tensorboard --logdir runs/`). */
  private readonly tensorboard: TensorboardLogger;
  private csv: CsvWriter;
  private progress: Progress;
  private readonly profile: RunProfile = { rolloutMs: 0, annotateMs: 0, learnMs: 0, evalMs: 0 };
  private readonly clock = { t: 0 };
  /** Everything the events of the current phase add up to (the summary and the metrics rows read it). */
  private tally: RunTally = emptyTally();
  /** The components and reasons whose zeroed rewards were warned about on stderr (once each). */
  private readonly warnedZeroed = new Set<string>();
  private phase: Phase | undefined;
  private pipeline: Subscription | undefined;
  private stackEvents: Subscription | undefined;
  private readonly disposed = new Set<RewardStack>();
  private segment = 0;
  private lastCheckpointStep = -1;
  private startStep = 0;
  private t0 = 0;
  private started = false;
  private stopping = false;
  /** Aborted by a stop: the end of a budget waits no longer for answers in flight. */
  private readonly stopSettle = new AbortController();
  private finished = false;
  private pendingPause = false;
  private frameReq: { envIndex: number; everyMs: number } | null = null;
  private lastFrame = 0;
  private pretrainInfo: PretrainSummary | undefined;

  constructor(
    private readonly s: Scenario,
    private readonly opts: StartRunOptions,
    readonly runDir: string,
    readonly runId: string,
    private readonly seed: number,
    private readonly vec: VectorEnv,
    private readonly stacks: Stacks,
    private readonly def: AgentDefinition,
    private readonly exploration: boolean,
  ) {
    this.events$ = this.subject.asObservable();
    this.done = new Promise<RunSummary>((res, rej) => {
      this.resolveDone = res;
      this.rejectDone = rej;
    });
    this.done.catch(() => undefined);
    this.jsonl = new JsonlWriter(runDir);
    this.csv = new CsvWriter(runDir);
    this.progress = new Progress(`${s.name} seed ${seed}`, opts.quiet === true);
    this.tensorboard = tensorboardLogger(runDir);
    this.subject.pipe(logTo(this.jsonl), logTo(this.tensorboard)).subscribe();
    void this.main();
  }

  private emit(e: RunEvent): void {
    if (this.finished) return;
    if (this.phase?.name) (e as PhaseTagged).phase = this.phase.name;
    this.tally = tally(this.tally, e);
    this.subject.next(e);
  }

  /**
   * The first time a component's rewards are replaced by 0 (for each reason), one stderr line: each batch's count
   * goes to events.jsonl only, which nobody reads while the run trains on those zeros.
   */
  private warnZeroed(source: string, reason: ZeroedRewards['reason'], message: string): void {
    if (this.warnedZeroed.has(`${source}\n${reason}`)) return;
    this.warnedZeroed.add(`${source}\n${reason}`);
    const why = reason === 'nonFinite' ? 'returned non-finite rewards' : 'reward code failed on transitions';
    warn(
      `reward component "${source}" ${why}, scored 0 and training goes on (first: ${message.split('\n')[0]}); ` +
        'summary.json counts them (zeroedRewards), events.jsonl has every batch',
    );
  }

  /** A reward source's side-channel event, as a RunEvent. */
  private onStackEvent(e: RewardEvent): void {
    const now = Date.now();
    if (e.kind === 'error') {
      const message = String(e.data.message ?? JSON.stringify(e.data));
      const reason = e.data.zeroed;
      const count = e.data.count;
      const zeroed: ZeroedRewards | undefined =
        (reason === 'nonFinite' || reason === 'codeError') && typeof count === 'number' ? { reason, count } : undefined;
      if (zeroed) this.warnZeroed(e.source, zeroed.reason, message);
      this.emit({ type: 'error', source: e.source, message, fatal: false, time: now, ...(zeroed ? { zeroed } : {}) });
    } else if (e.kind === 'frame') {
      const d = e.data as Omit<RunEventOf<'scoredFrame'>, 'type' | 'source' | 'time'>;
      const { step, envIndex, frame, raw, scaled } = d;
      this.emit({ type: 'scoredFrame', source: e.source, step, envIndex, frame, raw, scaled, time: now });
    } else if (e.kind === 'annotation') {
      // Counters (numbers) and counters by kind or HTTP status (records of numbers) pass through as they are.
      const counters: Record<string, number | Record<string, number>> = {};
      for (const [k, v] of Object.entries(e.data)) {
        if (typeof v === 'number') counters[k] = v;
        else if (
          v !== null &&
          typeof v === 'object' &&
          !Array.isArray(v) &&
          Object.values(v).every((x) => typeof x === 'number')
        ) {
          counters[k] = v as Record<string, number>;
        }
      }
      const samples = Array.isArray(e.data.samples)
        ? (e.data.samples as { message: string; label: string | number; model: string }[])
        : undefined;
      const n = (k: string): number => (typeof counters[k] === 'number' ? counters[k] : 0);
      this.emit({
        ...counters,
        type: 'annotation',
        source: e.source,
        labelled: n('labelled'),
        queued: n('queued'),
        cacheHits: n('cacheHits'),
        failures: n('failures'),
        pending: n('pending'),
        ...(samples ? { samples } : {}),
        time: now,
      } as RunEvent);
    }
  }

  private async main(): Promise<void> {
    try {
      await initBackend();
      const s = this.s;
      const done = s.pretrain ? this.readPretrain() : undefined;
      // a run with pre-training that stopped before fine-tuning began continues its pre-training checkpoint
      const before = s.pretrain && !done ? join(this.runDir, 'pretrain') : undefined;
      const names = this.opts.optionNames;
      const ck = this.opts.resume
        ? (latestCheckpoint(this.runDir, names) ?? (before !== undefined ? latestCheckpoint(before, names) : undefined))
        : undefined;
      if (this.opts.resume && !ck && !s.pretrain)
        throw new RxgymError(
          `nothing to resume in ${this.runDir}: no checkpoint yet; delete the directory to start over`,
        );
      if (ck && (ck.meta.envId !== s.env.id || ck.meta.agentType !== s.agent.type)) {
        throw new RxgymError(
          `the checkpoint in ${ck.dir} is for ${ck.meta.agentType} on ${ck.meta.envId}, this run is ${s.agent.type} ` +
            `on ${s.env.id}`,
        );
      }
      if (!s.pretrain) {
        await this.begin(undefined, ck ? { resume: ck } : {});
        return;
      }
      // URLB: reward-free pre-training, then fine-tuning from its weights. A resumed run continues the fine-tuning
      // phase from its checkpoint, or starts it from a finished pre-training, or continues the pre-training from its
      // checkpoint (under pretrain/).
      const inPretrain = ck !== undefined && before !== undefined && ck.dir.startsWith(join(before, 'checkpoints'));
      if (inPretrain) {
        await this.begin('pretrain', { resume: ck });
      } else if (ck || done) {
        this.pretrainInfo = done;
        await this.begin('finetune', ck ? { resume: ck } : { weights: join(done!.checkpoint!, 'agent') });
      } else {
        await this.begin('pretrain', {});
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
    // a run directory moved (or restored elsewhere by a queue worker) finds its checkpoint under pretrain/
    const here = info.checkpoint && join(this.runDir, 'pretrain', 'checkpoints', basename(info.checkpoint));
    if (info.checkpoint && !existsSync(join(info.checkpoint, 'agent')) && here && existsSync(join(here, 'agent')))
      info.checkpoint = here;
    return info.complete && info.checkpoint && existsSync(join(info.checkpoint, 'agent')) ? info : undefined;
  }

  /**
   * Build a phase (`undefined`: a run without pre-training) and start its pipeline. `from.resume`: continue a
   * checkpoint; `from.weights`: a fresh agent with these (pre-trained) weights.
   */
  private async begin(
    name: RunPhase | undefined,
    from: { resume?: { dir: string; meta: CheckpointMeta }; weights?: string },
  ): Promise<void> {
    const s = this.s;
    const pre = name === 'pretrain';
    const stack = pre ? this.stacks.pretrain! : this.stacks.main;
    const budget = pre ? s.pretrain!.steps : s.budget.steps;
    if (pre) {
      const dir = join(this.runDir, 'pretrain');
      mkdirSync(dir, { recursive: true });
      if (!from.resume) rmSync(join(dir, 'metrics.csv'), { force: true });
      this.csv = new CsvWriter(dir);
      this.progress = new Progress(`${s.name} seed ${this.seed} pretrain`, this.opts.quiet === true);
    } else if (name === 'finetune') {
      this.csv = new CsvWriter(this.runDir);
      this.progress = new Progress(`${s.name} seed ${this.seed}`, this.opts.quiet === true);
    }
    const agent: Agent = this.def.create(s.agent.params, {
      observationSpace: this.vec.singleObservationSpace,
      actionSpace: this.vec.singleActionSpace,
      numEnvs: this.vec.numEnvs,
      seed: this.seed,
      totalSteps: budget,
      textKeys: this.vec.capabilities.textKeys ?? [],
      tokenKeys: this.vec.capabilities.tokenKeys,
      constraints: stack.constraintNames,
    });
    // the agent's own threads start before the training loop's clock (start-up, like the main thread's)
    if (agent.ready) {
      try {
        await agent.ready();
      } catch (e) {
        agent.dispose();
        throw e;
      }
    }
    if (from.weights) {
      agent.loadWeights(from.weights);
      // the summary's profile counts the fine-tuning phase, like its steps and wall time
      for (const k of Object.keys(this.profile) as (keyof RunProfile)[]) this.profile[k] = 0;
    }
    const tracker = this.exploration ? explorationFor(this.vec) : undefined;
    // each phase has its own env seeds, reseeded at every checkpoint boundary
    const phaseSeed = pre ? pretrainSeed(this.seed) : this.seed;
    const rollout = new Rollout(this.vec, agent, this.def.rolloutSteps(s.agent.params), {
      seed: segmentSeed(phaseSeed, 0),
      needsStates: stack.needsStates === true,
      frames: stack.needsFrames,
      onStep: (t) => {
        tracker?.afterStep(rollout.batch, t);
        this.maybeFrame(t);
      },
    });
    let counters: Record<string, number> = {};
    const ck = from.resume;
    if (ck) {
      agent.load(join(ck.dir, 'agent'));
      if (existsSync(join(ck.dir, 'rewards'))) stack.load(join(ck.dir, 'rewards'));
      // the exploration so far (checkpoints before 2026-12-07 kept none: their figures cover the resumed part only)
      if (tracker && existsSync(join(ck.dir, 'explore.json')))
        tracker.restore(JSON.parse(readFileSync(join(ck.dir, 'explore.json'), 'utf8')) as ExplorationState);
      this.segment = ck.meta.segment;
      rollout.reset(segmentSeed(phaseSeed, this.segment));
      rollout.setState({ globalStep: ck.meta.step, episodeIds: ck.meta.episodeIds });
      counters = ck.meta.counters;
      this.lastCheckpointStep = ck.meta.step;
    }
    const checkpointEvery = s.checkpoint.every;
    const phase: Phase = {
      name,
      agent,
      rollout,
      stack,
      tracker,
      budget,
      evalEvery: pre ? 0 : s.eval.every,
      checkpointEvery,
      pacer: new Pacer(() => {
        this.clock.t = performance.now();
        return nextRequest(phase, () => segmentSeed(phaseSeed, this.segment + 1));
      }),
    };
    this.phase = phase;
    this.tally = resumedTally(counters);
    this.stackEvents = stack.events$.subscribe((e) => this.onStackEvent(e));
    this.startStep = rollout.globalStep;
    this.t0 = performance.now();
    if (!this.started) {
      this.started = true;
      this.emit({
        type: 'start',
        runId: this.runId,
        env: s.env.id,
        agent: s.agent.type,
        numEnvs: this.vec.numEnvs,
        seed: this.seed,
        config: s,
        time: Date.now(),
      });
    }
    if (name) {
      const names = componentNames(pre ? s.pretrain!.rewards : s.rewards);
      this.emit({
        type: 'phase',
        phase: name,
        step: rollout.globalStep,
        budget,
        rewards: names,
        ...(from.weights ? { from: from.weights } : {}),
        time: Date.now(),
      });
    }
    const hooks = {
      record: (p: Phase, lb: LearnedBatch) => this.record(p, lb),
      evaluate: (_p: Phase, step: number) => this.runEval(step),
      checkpoint: (p: Phase, step: number) => {
        this.segment += 1;
        this.checkpoint(p, step);
      },
      report: (p: Phase, x: PhaseStep) => this.report(p, x),
    };
    this.pipeline = phasePipeline(phase, hooks, this.profile, this.clock).subscribe({
      next: () => {
        if (!budgetSpent(phase)) phase.pacer.done();
      },
      error: (e) => this.fail(e),
      complete: () => this.endPhase(phase),
    });
    if (this.pendingPause) phase.pacer.pause();
    if (this.stopping) phase.pacer.stop();
    else if (budgetSpent(phase)) phase.pacer.close();
    else phase.pacer.next();
  }

  /** The batch's events (episodes, batch, rewards, train, explore) and the statistics of its metrics row. */
  private record(p: Phase, lb: LearnedBatch): PhaseStep {
    this.profile.learnMs += lb.learnMs;
    const step = p.rollout.globalStep;
    const before = lb.batch.globalStep;
    const now = Date.now();
    for (const ep of lb.batch.episodes ?? []) {
      this.emit({
        type: 'episode',
        step,
        envIndex: ep.envIndex,
        return: ep.return,
        length: ep.length,
        ...(ep.success !== undefined ? { success: ep.success } : {}),
        time: now,
      });
    }
    const elapsed = (performance.now() - this.t0) / 1000;
    const sps = (step - this.startStep) / Math.max(1e-9, elapsed);
    this.emit({ type: 'batch', step, steps: step - before, sps, time: now });
    this.emit({ type: 'rewards', step, components: rewardSummary(lb.batch), time: Date.now() });
    this.checkFinite(step, lb.stats);
    const stats: TrainStats = { ...lb.stats, rolloutMs: this.profile.rolloutMs, learnMs: this.profile.learnMs };
    for (const [k, part] of Object.entries(lb.batch.parts ?? {})) stats[`reward.${k}`] = part.rawMean;
    this.emit({ type: 'train', step, stats: lb.stats, time: now });
    const cons = lb.batch.constraints ?? [];
    if (cons.length > 0) {
      const multipliers = Object.fromEntries(
        cons.map((c) => [
          c.name,
          {
            value: c.multiplier,
            kind: c.kind,
            threshold: c.threshold,
            ...(c.episodeMean !== undefined ? { episodeMean: c.episodeMean } : {}),
          },
        ]),
      );
      this.emit({ type: 'multipliers', step, multipliers, time: now });
      for (const [name, m] of Object.entries(multipliers)) {
        stats[`multiplier.${name}`] = m.value;
        if (m.episodeMean !== undefined) stats[`constraint.${name}`] = m.episodeMean;
      }
    }
    if (p.tracker) {
      const metrics = definedMetrics(p.tracker.observe(lb.batch));
      this.emit({ type: 'explore', step, metrics, time: now });
      for (const k in metrics) stats[`explore.${k}`] = metrics[k]!;
    }
    return { learned: lb, before, step, stats };
  }

  /**
   * Stop the run when an update's losses are not finite (training diverged): the last checkpoint stays the good one.
   */
  private checkFinite(step: number, stats: TrainStats): void {
    for (const [k, v] of Object.entries(stats)) {
      if (!/loss/i.test(k) || Number.isFinite(v)) continue;
      const last =
        this.lastCheckpointStep >= 0
          ? ` the last good checkpoint is at step ${this.lastCheckpointStep} ` +
            `(${(this.opts.optionNames ?? API_OPTION_NAMES).resume} continues from it);`
          : '';
      throw new RxgymError(
        `training diverged at step ${step}: ${k} is ${v};${last} lower the learning rate (agent.lr) or clip ` +
          `gradients (agent.maxGradNorm)`,
      );
    }
  }

  /** The metrics row and progress line of a batch. */
  private report(p: Phase, x: PhaseStep): void {
    const elapsed = (performance.now() - this.t0) / 1000;
    const t = this.tally;
    const { returnMean, successRate } = recentMeans(t);
    this.csv.row(
      {
        step: x.step,
        time: elapsed,
        sps: t.sps,
        episodes: t.episodes,
        returnMean,
        lengthMean: undefined,
        successRate,
        evalReturn: t.lastEval?.meanReturn,
        evalSuccess: t.lastEval?.successRate,
      },
      x.stats,
    );
    this.progress.update({
      step: x.step,
      total: p.budget,
      sps: t.sps,
      returnMean,
      successRate,
      evalReturn: t.lastEval?.meanReturn,
    });
  }

  private runEval(step: number): void {
    const ev = this.s.eval;
    if (ev.episodes === 0) return;
    const t = performance.now();
    const r = evaluate(
      this.s.env.id,
      this.s.env.kwargs,
      this.phase!.agent,
      ev.seeds,
      ev.deterministic,
      undefined,
      this.s.env.maxEpisodeSteps,
      // the run's registry (a library user's own envs), as the training envs were made
      this.opts.registry?.envs ?? envRegistry,
    );
    this.profile.evalMs += performance.now() - t;
    this.emit({
      type: 'eval',
      step,
      meanReturn: r.meanReturn,
      stdReturn: r.stdReturn,
      ...(r.successRate !== undefined ? { successRate: r.successRate } : {}),
      episodes: ev.episodes,
      time: Date.now(),
    });
  }

  /** A checkpoint of the phase (agent, reward stack, exploration so far) under `root` (the run, or its pretrain/). */
  private saveCheckpoint(p: Phase, root: string, step: number): string {
    const meta: CheckpointMeta = {
      format: 'rxgym-checkpoint/1',
      runId: this.runId,
      envId: this.s.env.id,
      agentType: this.s.agent.type,
      step,
      segment: this.segment,
      seed: this.seed,
      time: Date.now(),
      counters: tallyCounters(this.tally),
      episodeIds: p.rollout.getState().episodeIds,
    };
    const dir = writeCheckpoint(root, meta, (d) => {
      p.agent.save(join(d, 'agent'));
      checkWeights(join(d, 'agent'), step);
      mkdirSync(join(d, 'rewards'), { recursive: true });
      p.stack.save(join(d, 'rewards'));
      if (p.tracker) writeFileAtomic(join(d, 'explore.json'), JSON.stringify(p.tracker.state()));
    });
    this.emit({ type: 'checkpoint', step, dir, time: Date.now() });
    return dir;
  }

  private checkpoint(p: Phase, step: number): void {
    if (step === this.lastCheckpointStep) return;
    this.saveCheckpoint(p, p.name === 'pretrain' ? join(this.runDir, 'pretrain') : this.runDir, step);
    this.lastCheckpointStep = step;
  }

  /** The pipeline of a phase completed: the budget is spent, or the run was stopped. */
  private endPhase(p: Phase): void {
    if (this.finished) return;
    const spent = budgetSpent(p);
    if (p.name === 'pretrain' && spent && !this.stopping) this.endPretrain(p);
    else void this.finish(spent && p.name !== 'pretrain' ? 'budget' : 'stopped');
  }

  /**
   * End the pre-training phase: write its checkpoint (`<runDir>/pretrain/checkpoints/step-N`) and summary, drop its
   * agent, optimizer and reward stack, and start fine-tuning from the checkpoint's weights.
   */
  private endPretrain(p: Phase): void {
    try {
      const step = p.rollout.globalStep;
      const dir = this.saveCheckpoint(p, join(this.runDir, 'pretrain'), step);
      const info = this.pretrainSummary(p, true, dir);
      if (info.explore) this.emit({ type: 'explore', step, metrics: info.explore, time: Date.now() });
      writeFileAtomic(join(this.runDir, 'pretrain', 'summary.json'), JSON.stringify(info, null, 1));
      this.pretrainInfo = info;
      this.progress.finish({ step, total: p.budget, sps: info.stepsPerSecond, returnMean: info.returnMean });
      this.closePhase(p);
      this.segment = 0;
      this.lastCheckpointStep = -1;
      setImmediate(() => {
        if (this.finished) return;
        this.begin('finetune', { weights: join(dir, 'agent') }).catch((e: unknown) => this.fail(e));
      });
    } catch (e) {
      this.fail(e);
    }
  }

  private pretrainSummary(p: Phase, complete: boolean, checkpoint?: string): PretrainSummary {
    const step = p.rollout.globalStep;
    const wall = (performance.now() - this.t0) / 1000;
    const explore = p.tracker ? definedMetrics(p.tracker.metrics()) : undefined;
    return {
      steps: step,
      complete,
      rewards: componentNames(this.s.pretrain?.rewards),
      wallSeconds: wall,
      stepsPerSecond: step / Math.max(1e-9, wall),
      episodes: this.tally.episodes,
      returnMean: recentMeans(this.tally).returnMean,
      ...(checkpoint ? { checkpoint } : {}),
      ...(explore ? { explore } : {}),
    };
  }

  private summary(p: Phase, reason: RunSummary['reason']): RunSummary {
    const pre = p.name === 'pretrain';
    const step = pre ? 0 : p.rollout.globalStep;
    const wall = (performance.now() - this.t0) / 1000;
    const t = this.tally;
    const target = this.s.target;
    let targetMet: boolean | undefined;
    if (target && t.lastEval) {
      const v = target.metric === 'evalReturn' ? t.lastEval.meanReturn : t.lastEval.successRate;
      targetMet = v !== undefined && v >= target.atLeast;
    }
    const annotators = Object.keys(t.annotators).length > 0 ? { annotators: t.annotators } : {};
    const zeroed = Object.keys(t.zeroedRewards).length > 0 ? { zeroedRewards: t.zeroedRewards } : {};
    return {
      runId: this.runId,
      runDir: this.runDir,
      envId: this.s.env.id,
      agent: this.s.agent.type,
      seed: this.seed,
      steps: step,
      reason,
      wallSeconds: wall,
      stepsPerSecond: (step - this.startStep) / Math.max(1e-9, wall),
      episodes: t.episodes,
      ...recentMeans(t),
      lastEval: t.lastEval,
      bestEvalReturn: t.bestEvalReturn,
      ...(targetMet !== undefined ? { targetMet } : {}),
      ...(p.tracker && !pre ? { explore: definedMetrics(p.tracker.metrics()) } : {}),
      ...annotators,
      ...zeroed,
      ...(t.multipliers ? { multipliers: t.multipliers } : {}),
      ...(this.pretrainInfo
        ? { pretrain: this.pretrainInfo }
        : pre
          ? { pretrain: this.pretrainSummary(p, false) }
          : {}),
      profile: { ...this.profile },
    };
  }

  private async finish(reason: 'budget' | 'stopped'): Promise<void> {
    if (this.finished) return;
    const p = this.phase!;
    try {
      const pre = p.name === 'pretrain';
      const step = p.rollout.globalStep;
      if (reason === 'budget' && !pre) {
        await p.stack.settle(Date.now() + SETTLE_MS, this.stopSettle.signal);
        if (this.finished) return;
        this.runEval(step);
      }
      // a stopped pre-training checkpoints too (under pretrain/): a resumed run continues it
      this.checkpoint(p, step);
      if (p.tracker)
        this.emit({ type: 'explore', step, metrics: definedMetrics(p.tracker.metrics()), time: Date.now() });
      const sum = this.summary(p, reason);
      writeFileAtomic(join(this.runDir, 'summary.json'), JSON.stringify(sum, null, 1));
      this.progress.finish({
        step,
        total: p.budget,
        sps: sum.stepsPerSecond,
        returnMean: sum.returnMean,
        successRate: sum.successRate,
        evalReturn: sum.lastEval?.meanReturn,
      });
      this.emit({
        type: 'end',
        step,
        reason,
        summary: {
          steps: step,
          wallSeconds: sum.wallSeconds,
          stepsPerSecond: sum.stepsPerSecond,
          ...(sum.lastEval ? { evalReturn: sum.lastEval.meanReturn } : {}),
        },
        time: Date.now(),
      });
      const teardown = this.close();
      if (teardown === undefined) this.resolveDone(sum);
      else this.rejectDone(teardown);
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    if (this.finished) return;
    const message = e instanceof Error ? e.message : String(e);
    this.emit({ type: 'error', source: 'run', message, fatal: true, time: Date.now() });
    this.emit({ type: 'end', step: this.phase?.rollout.globalStep ?? 0, reason: 'error', time: Date.now() });
    this.close();
    this.rejectDone(e);
  }

  /** Drop a phase's pipeline, agent and reward stack. */
  private closePhase(p: Phase): void {
    this.pipeline?.unsubscribe();
    this.stackEvents?.unsubscribe();
    p.pacer.close();
    p.agent.dispose();
    this.disposeStack(p.stack);
  }

  private disposeStack(st: RewardStack | undefined): void {
    if (!st || this.disposed.has(st)) return;
    this.disposed.add(st);
    st.dispose();
  }

  /**
   * Tear the run down. Every part is closed even when one throws (a user's agent `dispose()`), so that `done`
   * still settles; returns the first error thrown, if any.
   */
  private close(): unknown {
    this.finished = true;
    let first: unknown;
    const part = (f: () => void): void => {
      try {
        f();
      } catch (e) {
        first ??= e;
      }
    };
    part(() => this.jsonl.flush());
    part(() => this.subject.complete());
    part(() => this.tensorboard.close());
    part(() => {
      if (this.phase) this.closePhase(this.phase);
    });
    part(() => this.disposeStack(this.stacks.pretrain));
    part(() => this.disposeStack(this.stacks.main));
    part(() => this.vec.close());
    for (const w of this.stopWaiters) w();
    return first;
  }

  private maybeFrame(t: number): void {
    const req = this.frameReq;
    if (!req) return;
    const now = Date.now();
    if (now - this.lastFrame < req.everyMs) return;
    this.lastFrame = now;
    const frame = this.vec.render(req.envIndex);
    if (frame === undefined) return;
    const ro = this.phase!.rollout;
    const b = ro.batch;
    const msg = b.messages?.[t * b.numEnvs + req.envIndex];
    this.emit({
      type: 'frame',
      step: ro.globalStep,
      envIndex: req.envIndex,
      frame,
      ...(msg ? { messages: [msg] } : {}),
      time: now,
    });
  }

  pause(): void {
    this.pendingPause = true;
    this.phase?.pacer.pause();
  }

  resume(): void {
    this.pendingPause = false;
    this.phase?.pacer.resume();
  }

  stepOnce(): void {
    if (!this.finished) this.phase?.pacer.stepOnce();
  }

  stop(): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.stopping = true;
    this.stopSettle.abort();
    const p = new Promise<void>((res) => this.stopWaiters.push(res));
    this.phase?.pacer.stop();
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
