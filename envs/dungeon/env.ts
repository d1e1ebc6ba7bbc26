import type {
  CapableEnv,
  EnvCapabilities,
  ExplorationCellSource,
  FrameRequest,
  FrameSource,
} from '../../src/core/capabilities.js';
import {
  type DescribedEnv,
  type Env,
  type Info,
  type RenderMode,
  type ResetOptions,
  type ResetResult,
  type RgbFrame,
  RxgymError,
  type StepResult,
} from '../../src/core/env.js';
import { OPTION_WORDING, defineParams, resolveParams, type ParamsOf } from '../../src/core/params.js';
import { Rng } from '../../src/core/rng.js';
import { Discrete } from '../../src/core/spaces.js';
import type { Space } from '../../src/core/spaces.js';
import { ACTION_NAMES } from './engine/actions.js';
import { COLS } from './engine/consts.js';
import { Game } from './engine/game.js';
import { DEFAULT_KEYS, type DungeonObs, ObsWriter } from './obs.js';
import { playerAct } from './engine/player.js';
import { renderAnsi, renderRgb } from './render.js';
import { DUNGEON_CAMERAS, DungeonFrames } from './frames.js';
import { Before, type LevelEvent, RewardFn } from './reward.js';
import { type DungeonState, STATE_DTS, stateOf } from './state.js';
import type { TaskSpec } from './tasks.js';
import { endTurn } from './engine/turn.js';

/**
 * Constructor options of every dungeon task (the `kwargs` of `make`). The kit checks their types; the observation
 * writer checks the key names and the crop's shape (its messages list the keys and explain the crop).
 */
export const DUNGEON_PARAMS = defineParams({
  observationKeys: {
    kind: 'strings',
    optional: true,
    doc: 'observation keys to compute (default: glyphs, chars, colors, glyphs_crop, chars_crop, blstats, message)',
  },
  cropSize: { kind: 'number', default: 9, doc: 'edge of the egocentric crops: odd, 1..21' },
  renderMode: { kind: 'enum', values: ['ansi', 'rgb_array'], optional: true, doc: 'how render() draws' },
  penaltyStep: {
    kind: 'number',
    default: -0.01,
    doc: 'reward added when an action takes no game time (as NLE and MiniHack)',
  },
  level: { kind: 'string', optional: true, doc: 'the level text of Dungeon-Custom-v0 (read by makeCustom)' },
});

/** Constructor options of every dungeon task, as given. */
export type DungeonOptions = Partial<ParamsOf<typeof DUNGEON_PARAMS>>;

/** Observation keys that hold message text. */
const TEXT_KEYS = ['message'];
/** Exploration cells are `depth * LEVEL + y * 80 + x`, as blstats gives them (NLE's 80-column screen). */
const LEVEL = 2048,
  SCREEN_COLS = 80;

/** What a dungeon env declares: its text keys, and its exploration cell from blstats when observed, else live. */
function dungeonCapabilities(keys: readonly string[]): EnvCapabilities {
  return {
    textKeys: TEXT_KEYS.filter((k) => keys.includes(k)),
    exploration: keys.includes('blstats')
      ? { kind: 'grid', key: 'blstats', x: 0, y: 1, depth: 12, width: SCREEN_COLS }
      : { kind: 'live' },
    frames: { cameras: DUNGEON_CAMERAS },
  };
}

/** A dungeon task as a Gymnasium-style env; observations and the step result are reused between steps. */
export class DungeonEnv
  implements Env<DungeonObs, number>, DescribedEnv<DungeonState>, CapableEnv, ExplorationCellSource, FrameSource
{
  readonly observationSpace: Space<DungeonObs>;
  readonly actionSpace: Discrete;
  readonly metadata = { renderModes: ['ansi', 'rgb_array'] as RenderMode[], renderFps: 10 };
  readonly renderMode?: RenderMode;
  readonly capabilities: EnvCapabilities;
  game!: Game;
  private readonly writer: ObsWriter;
  private readonly reward: RewardFn;
  private readonly penalty: number;
  private seeder = new Rng(0);
  private readonly before = new Before();
  // The step info is reused between steps; reset has its own, and a terminal step gets a fresh one, so a
  // vector env's finalInfo survives the reset that follows it.
  private info: Info;
  private readonly resetInfo: Info;
  private readonly result: StepResult<DungeonObs>;
  private done = false;
  private closed = false;
  /** Draws `info.frame` after every step once `requestFrames` asked for it. */
  private frames: DungeonFrames | undefined;
  /** Reused by `explorationCell()`, read right away by the exploration tracker. */
  private readonly cell = { cell: 0, depth: 0 };

  constructor(
    readonly task: TaskSpec,
    kwargs: Record<string, unknown> = {},
    events: readonly LevelEvent[] = [],
  ) {
    const opts = resolveParams(`Dungeon-${task.name}`, kwargs, DUNGEON_PARAMS, OPTION_WORDING);
    this.renderMode = opts.renderMode;
    const keys = opts.observationKeys ?? DEFAULT_KEYS;
    this.writer = new ObsWriter(keys, opts.cropSize);
    this.capabilities = dungeonCapabilities(keys);
    this.observationSpace = this.writer.space;
    this.actionSpace = new Discrete(task.actions.length);
    this.reward = new RewardFn(task.reward, task.targetDepth ?? 0, events);
    this.info = this.newInfo();
    this.resetInfo = this.newInfo();
    this.penalty = opts.penaltyStep;
    this.result = { obs: this.writer.obs, reward: 0, terminated: false, truncated: false, info: this.info };
  }

  /** A step's info: the message line, and `success` for tasks with a goal (RewardFn.hasGoal). */
  private newInfo(): Info {
    return this.reward.hasGoal ? { message: '', success: false } : { message: '' };
  }

  /** Names of the actions, index = action id. */
  get actionNames(): string[] {
    return this.task.actions.map((a) => ACTION_NAMES[a]!);
  }

  reset(opts: ResetOptions = {}): ResetResult<DungeonObs> {
    this.assertOpen();
    if (opts.seed !== undefined) this.seeder = new Rng(opts.seed);
    const old = this.game as Game | undefined;
    this.game = new Game(this.task.setup(), this.seeder, old);
    old?.release();
    this.game.say('Hello Agent, welcome to the dungeon!  You are a neutral human adventurer.');
    this.game.begin();
    this.game.lv.seenScored = this.game.lv.seen;
    this.game.endStep();
    this.reward.reset();
    this.done = false;
    this.resetInfo.message = this.game.msg;
    if (this.reward.hasGoal) this.resetInfo.success = false;
    return { obs: this.writer.write(this.game, true), info: this.resetInfo };
  }

  step(action: number): StepResult<DungeonObs> {
    this.assertOpen();
    const g = this.game;
    if (!g)
      throw new RxgymError(`Dungeon-${this.task.name}: step() called before reset(); call env.reset({ seed }) first`);
    if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= this.task.actions.length) {
      throw new RxgymError(
        `Dungeon-${this.task.name}: unknown action id ${String(action)}; the action space is ` +
          `Discrete(${this.task.actions.length}): ${this.actionNames.map((n, i) => `${i}=${n}`).join(', ')}`,
      );
    }
    const r = this.result;
    g.msg = '';
    g.ev.clear();
    this.before.take(g);
    let tookTime = false;
    if (!this.done) {
      tookTime = playerAct(g, this.task.actions[action]!);
      if (tookTime && !g.dead) endTurn(g);
    }
    g.endStep();
    const s = this.reward.score(g, this.before);
    r.reward = s.reward + (tookTime || this.done ? 0 : this.penalty);
    r.terminated = this.done || s.terminal || g.dead;
    r.truncated = false;
    if (r.terminated && !this.done) this.info = this.newInfo();
    this.done = r.terminated;
    // obs and info are set again every step: a wrapper may have replaced them in this reused result
    r.info = this.info;
    this.info.message = g.msg;
    if (this.reward.hasGoal) this.info.success = s.success;
    r.obs = this.writer.write(g, false);
    if (this.frames) this.info.frame = this.frames.render(g);
    return r;
  }

  /** See FrameSource: from now on every step puts the frame after it in `info.frame` (null stops). */
  requestFrames(req: FrameRequest | null): void {
    this.frames = req ? new DungeonFrames(`Dungeon-${this.task.name}`, req) : undefined;
  }

  render(): string | RgbFrame | undefined {
    if (!this.game || this.renderMode === undefined) return undefined;
    return this.renderMode === 'ansi' ? renderAnsi(this.game) : renderRgb(this.game);
  }

  state(): DungeonState {
    if (!this.game) throw new RxgymError(`Dungeon-${this.task.name}: state() called before reset()`);
    return stateOf(this.game, this.task.name);
  }

  describeState(): string {
    return STATE_DTS;
  }

  /** The player's exploration cell and depth now (the `live` exploration capability); the object is reused. */
  explorationCell(): { cell: number; depth: number } {
    const g = this.game,
      c = this.cell;
    c.depth = g.depth;
    c.cell = g.depth * LEVEL + ((g.pos / COLS) | 0) * SCREEN_COLS + (g.pos % COLS);
    return c;
  }

  /** Ends the env: later `reset()` and `step()` calls throw; calling it again does nothing. */
  close(): void {
    this.done = true;
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new RxgymError(`Dungeon-${this.task.name}: env is closed; create a new one with make()`);
  }
}
