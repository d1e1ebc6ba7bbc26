import type { CapableEnv, EnvCapabilities } from '../../src/core/capabilities.js';
import type { DescribedEnv, Env, Info, RenderMode, ResetOptions, ResetResult, StepResult } from '../../src/core/env.js';
import { RxgymError } from '../../src/core/env.js';
import { Rng } from '../../src/core/rng.js';
import { Box, Dict, Discrete, type Space } from '../../src/core/spaces.js';
import { INVALID, PAD, VOCAB_SIZE } from './vocab.js';

/** Observation of a Reason-* env: named int32 arrays of token ids (see vocab.ts), and any opt-in float value keys. */
export type ReasonObs = Record<string, Int32Array | Float32Array>;

/** What kind of step an action was. */
export type StepKind = 'reduce' | 'combine' | 'token' | 'identity' | 'repeat' | 'stop' | 'invalid';

/** One step as an env applied it. */
export interface StepOutcome {
  kind: StepKind;
  /** Its row of the `steps` observation (at most `stepWidth` tokens). */
  tokens: readonly number[];
  /** The step as text, for LLM judges. */
  text: string;
  /** Ground truth: the step is right (each env documents what that means). */
  correct: boolean;
  /** Oracle: steps still needed to finish correctly (stop included) after this one; Infinity when out of reach. */
  remaining: number;
  done: boolean;
  reward: number;
  success: boolean;
}

/** A step that ends the episode: correct (and then useful) only when it succeeded. */
export function endStep(
  kind: StepKind,
  tokens: readonly number[],
  text: string,
  reward: number,
  success: boolean,
): StepOutcome {
  return { kind, tokens, text, correct: success, remaining: success ? 0 : Infinity, done: true, reward, success };
}

/** One recorded step. */
export interface StepRecord {
  kind: StepKind;
  text: string;
  correct: boolean;
  useful: boolean;
}

/** The part of `state()` every Reason-* env shares. */
export interface ReasonStateBase {
  /** The problem as text. */
  problem: string;
  /** The current state of the work as text (the expression, the numbers, the stacks). */
  current: string;
  /** Every step so far as text. */
  steps: string[];
  /** True once the episode ended (stop, or the program reached its length limit). */
  done: boolean;
}

/** What a Reason-* env tells its base class at construction. */
export interface ReasonLayout {
  id: string;
  actionNames: readonly string[];
  /** Shapes of the env's own observation keys (`steps` is added by the base). */
  keys: Record<string, number[]>;
  /** Opt-in float32 keys (not token keys): shape and bounds; the env writes them into `values` in `writeObs`. */
  valueKeys?: Record<string, { shape: number[]; low: number; high: number }>;
  /** False: no token keys at all (`keys` and `steps` left out), only the value keys. Default true. */
  tokens?: boolean;
  /** The `steps` key holds the last `stepRows` steps, `stepWidth` tokens each ([stepRows] when the width is 1). */
  stepRows: number;
  stepWidth: number;
  renderMode?: RenderMode;
  /** Episodes in a row that pose the same problem (default 1): N samples per problem for PF-PPO and RAFT. */
  repeat?: number;
}

/**
 * The machinery the Reason-* envs share: seeding (one generator for problems, so the same seed gives the same
 * problems whatever the policy does, and one forked from it for what happens within episodes), the action mask in
 * `info.actionMask`, the `steps` history observation (the newest step in the last row, older ones above, PAD rows
 * before the first), ground truth in `info` (`stepCorrect`, `stepUseful`, `onTrack`, `stepKind`, `stepText`),
 * invalid steps (a masked action taken anyway changes nothing and is recorded as `?`) and the text rendering.
 *
 * With `repeat` N (a kwarg of every Reason env) N episodes in a row pose the same problem; `info.problemId` numbers
 * the problems since the last seeded reset.
 *
 * `stepUseful` is defined the same way everywhere: the step is correct and brings the oracle's count of remaining
 * steps below its lowest value so far in the episode; correct steps that do not (`x * 1 = x`, repeating a known
 * result, `nop`, a detour) are correct but not useful. `onTrack` is true while the right outcome is still reachable.
 */
export abstract class ReasonEnv<S extends ReasonStateBase>
  implements Env<ReasonObs, number>, DescribedEnv<S>, CapableEnv
{
  readonly observationSpace: Space<ReasonObs>;
  readonly actionSpace: Discrete;
  readonly metadata = { renderModes: ['ansi'] as RenderMode[], renderFps: 4 };
  readonly renderMode?: RenderMode;
  /** Step-wise (`info` carries each step's ground truth and text); every key but the value keys holds token ids. */
  readonly capabilities: EnvCapabilities;
  /** Names of the actions, index = action id. */
  readonly actionNames: readonly string[];
  readonly id: string;
  protected readonly obs: Record<string, Int32Array>;
  /** The arrays of the opt-in value keys (empty without them). */
  protected readonly values: Record<string, Float32Array> = {};
  /** 1 where an action is possible now; shared by the reset and step infos (a terminal step's info gets a copy). */
  protected readonly mask: Uint8Array;
  /** The generator of what happens within episodes (distractors); seeded with the problems, continued across them. */
  protected episodeRng = new Rng(0);
  private problemRng?: Rng;
  private readonly stepRows: number;
  private readonly stepWidth: number;
  private readonly repeat: number;
  /** Episodes posed on the current problem, and its number (0, 1, ... since the last seeded reset). */
  private posed = 0;
  private problemId = -1;
  private readonly history: StepRecord[] = [];
  private readonly rows: (readonly number[])[] = [];
  private best = Infinity;
  private remainingNow = Infinity;
  private started = false;
  private done = false;
  private readonly resetInfo: Info;
  private readonly info: Info;
  private readonly result: StepResult<ReasonObs>;
  private readonly out: ReasonObs;

  constructor(layout: ReasonLayout) {
    this.id = layout.id;
    this.actionNames = layout.actionNames;
    this.renderMode = layout.renderMode;
    this.stepRows = layout.stepRows;
    this.stepWidth = layout.stepWidth;
    this.repeat = layout.repeat ?? 1;
    this.actionSpace = new Discrete(layout.actionNames.length);
    this.mask = new Uint8Array(layout.actionNames.length);
    const spaces: Record<string, Space<unknown>> = {};
    this.obs = {};
    const stepShape = layout.stepWidth === 1 ? [layout.stepRows] : [layout.stepRows, layout.stepWidth];
    const tokenShapes: Record<string, number[]> = layout.tokens === false ? {} : { ...layout.keys, steps: stepShape };
    for (const [key, shape] of Object.entries(tokenShapes)) {
      spaces[key] = new Box(0, VOCAB_SIZE - 1, shape, 'int32');
      this.obs[key] = new Int32Array(shape.reduce((a, b) => a * b, 1));
    }
    const tokenKeys = Object.keys(spaces).sort();
    for (const [key, v] of Object.entries(layout.valueKeys ?? {})) {
      spaces[key] = new Box(v.low, v.high, v.shape, 'float32');
      this.values[key] = new Float32Array(v.shape.reduce((a, b) => a * b, 1));
    }
    this.observationSpace = new Dict(spaces) as unknown as Space<ReasonObs>;
    this.capabilities = { stepLabels: true, tokenKeys };
    this.resetInfo = { actionMask: this.mask, success: false, problemId: -1 };
    this.info = this.freshInfo();
    // One object holds both kinds of arrays; without value keys it is the token record itself, as before.
    this.out = layout.valueKeys ? { ...this.obs, ...this.values } : this.obs;
    this.result = { obs: this.out, reward: 0, terminated: false, truncated: false, info: this.info };
  }

  /** Draw a new problem. */
  protected abstract generate(rng: Rng): void;
  /** Start an episode on the problem `generate` drew; returns the oracle's steps needed (stop included). */
  protected abstract begin(): number;
  /** Write 1 for every action possible now (the stop action always is). */
  protected abstract writeMask(mask: Uint8Array): void;
  /** Apply a possible action. */
  protected abstract apply(action: number): StepOutcome;
  /** Write the env's own observation keys. */
  protected abstract writeObs(): void;
  /** The problem as text. */
  protected abstract problemText(): string;
  /** The current state of the work as text. */
  protected abstract currentText(): string;
  /** Extra lines of the text rendering (the choices on offer). */
  protected renderExtra(): string[] {
    return [];
  }
  /** The next action of a shortest correct solution from here (stop when the answer stands or is out of reach). */
  abstract expertAction(): number;
  abstract state(): S;
  abstract describeState(): string;

  reset(opts: ResetOptions = {}): ResetResult<ReasonObs> {
    const keys = Object.keys(opts.options ?? {});
    if (keys.length) {
      throw new RxgymError(`${this.id}: reset options are not supported (got ${keys.join(', ')}); use make() kwargs`);
    }
    if (opts.seed !== undefined || !this.problemRng) {
      this.problemRng = opts.seed !== undefined ? new Rng(opts.seed) : Rng.fromEntropy();
      // a second stream for what happens within episodes, so the problems do not depend on the policy
      this.episodeRng = this.problemRng.fork();
      this.problemId = -1;
      this.posed = this.repeat;
    }
    if (this.posed >= this.repeat) {
      this.generate(this.problemRng);
      this.problemId += 1;
      this.posed = 0;
    }
    this.posed += 1;
    this.resetInfo.problemId = this.info.problemId = this.problemId;
    this.history.length = 0;
    this.rows.length = 0;
    this.done = false;
    this.started = true;
    this.best = this.remainingNow = this.begin();
    this.mask.fill(0);
    this.writeMask(this.mask);
    this.writeAll();
    return { obs: this.out, info: this.resetInfo };
  }

  step(action: number): StepResult<ReasonObs> {
    if (!this.started) throw new RxgymError(`${this.id}: step() called before reset(); call env.reset({ seed }) first`);
    if (!this.actionSpace.contains(action)) {
      const n = this.actionSpace.n;
      throw new RxgymError(`${this.id}: action must be an integer in [0, ${n - 1}] (see actionNames), got ${action}`);
    }
    const r = this.result;
    // a wrapper may have replaced obs in this reused result (FlattenObservation): set it again every step
    r.obs = this.out;
    r.truncated = false;
    if (this.done) {
      r.reward = 0;
      r.terminated = true;
      return r;
    }
    const out = this.mask[action] ? this.apply(action) : this.invalid(action);
    const useful = out.correct && out.remaining < this.best;
    if (useful) this.best = out.remaining;
    this.remainingNow = out.remaining;
    this.history.push({ kind: out.kind, text: out.text, correct: out.correct, useful });
    this.rows.push(out.tokens);
    this.done = out.done;
    this.mask.fill(0);
    // A terminal step gets its own info and mask copy (only stop allowed), so a vector env can keep it as
    // finalInfo across the reset that follows; other steps reuse one info object.
    if (out.done) this.mask[this.actionSpace.n - 1] = 1;
    else this.writeMask(this.mask);
    const info = out.done ? { ...this.info, actionMask: this.mask.slice() } : this.info;
    r.info = info;
    info.stepKind = out.kind;
    info.stepText = out.text;
    info.stepCorrect = out.correct;
    info.stepUseful = useful;
    info.onTrack = Number.isFinite(out.remaining);
    info.success = out.success;
    this.writeAll();
    r.reward = out.reward;
    r.terminated = out.done;
    return r;
  }

  render(): string | undefined {
    if (this.renderMode !== 'ansi' || !this.started) return undefined;
    const lines = [`${this.id}`, `Problem: ${this.problemText()}`, 'Steps:'];
    if (this.history.length === 0) lines.push('  (none yet)');
    this.history.forEach((h, i) => lines.push(`  ${i + 1}. ${h.text}`));
    lines.push(`Current: ${this.currentText()}`, ...this.renderExtra());
    if (this.done) lines.push('(done)');
    return lines.join('\n');
  }

  close(): void {}

  /** The steps so far with their ground truth (evaluation only). */
  get steps(): readonly StepRecord[] {
    return this.history;
  }

  /** True once the episode ended. */
  get finished(): boolean {
    return this.done;
  }

  /** The shared part of `state()`. */
  protected baseState(): ReasonStateBase {
    if (!this.started) throw new RxgymError(`${this.id}: state() called before reset()`);
    const steps = this.history.map((h) => h.text);
    return { problem: this.problemText(), current: this.currentText(), steps, done: this.done };
  }

  private invalid(action: number): StepOutcome {
    return {
      kind: 'invalid',
      tokens: [INVALID],
      text: `? (${this.actionNames[action]} is not possible here; nothing happens)`,
      correct: false,
      remaining: this.remainingNow,
      done: false,
      reward: 0,
      success: false,
    };
  }

  private freshInfo(): Info {
    return {
      actionMask: this.mask,
      success: false,
      stepKind: 'invalid',
      stepText: '',
      stepCorrect: false,
      stepUseful: false,
      onTrack: true,
      problemId: -1,
    };
  }

  private writeAll(): void {
    this.writeObs();
    const steps = this.obs.steps;
    if (!steps) return;
    steps.fill(PAD);
    const w = this.stepWidth;
    const n = Math.min(this.rows.length, this.stepRows);
    for (let k = 0; k < n; k++) {
      const row = this.rows[this.rows.length - n + k]!;
      const at = (this.stepRows - n + k) * w;
      for (let j = 0; j < row.length && j < w; j++) steps[at + j] = row[j]!;
    }
  }
}
