import type { RgbFrame } from '../core/env.js';
import type { MultiplierFigures, RunEvent, RunEventOf, TrainStats } from '../stream/events.js';

/** One line of the message log: a dungeon message, possibly labelled by an annotator. */
export interface LogLine {
  text: string;
  label?: string;
  model?: string;
  kind: 'message' | 'label' | 'info' | 'error';
}

/** Per-source annotator counters from the latest `annotation` event. */
export type AnnotatorCounts = Omit<RunEventOf<'annotation'>, 'type' | 'source' | 'samples' | 'time'>;

/** Everything the visualizer shows, folded from the RunEvent stream by `reduceView`. */
export interface ViewState {
  runId: string;
  env: string;
  agent: string;
  numEnvs: number;
  seed: number;
  startTime: number;
  lastTime: number;
  step: number;
  sps: number;
  episodes: number;
  /** Recent episode returns / lengths / successes (window of `window`). */
  returns: number[];
  lengths: number[];
  successes: boolean[];
  window: number;
  firstSuccessStep?: number;
  /** Mean return of each completed batch of episodes, for the return sparkline. */
  returnHistory: number[];
  /** Scaled mean per reward component, one point per `rewards` event. */
  rewardHistory: Record<string, number[]>;
  rewardLatest: RunEventOf<'rewards'>['components'];
  log: LogLine[];
  /** Message -> latest label, so later sightings of a message show it. */
  labels: Map<string, { label: string; model: string }>;
  annotators: Record<string, AnnotatorCounts>;
  train: TrainStats;
  trainStep: number;
  lastEval?: RunEventOf<'eval'>;
  explore: Record<string, number>;
  /** Lagrange multipliers of the constraint components: the latest figures and λ per batch. */
  multipliers: Record<string, MultiplierFigures>;
  multiplierHistory: Record<string, number[]>;
  frame?: string | RgbFrame;
  /** The latest frame a reward source (vlm) scored, with its raw and scaled reward. */
  scored?: Omit<RunEventOf<'scoredFrame'>, 'type' | 'time'>;
  frameEnv: number;
  frameStep: number;
  lastCheckpoint?: string;
  ended?: RunEventOf<'end'>;
  paused: boolean;
  errors: number;
}

const HISTORY = 240;
const LOG_LINES = 300;

/** A fresh view state. */
export function initialView(window = 100): ViewState {
  return {
    runId: '',
    env: '',
    agent: '',
    numEnvs: 0,
    seed: 0,
    startTime: Date.now(),
    lastTime: Date.now(),
    step: 0,
    sps: 0,
    episodes: 0,
    returns: [],
    lengths: [],
    successes: [],
    window,
    returnHistory: [],
    rewardHistory: {},
    rewardLatest: {},
    log: [],
    labels: new Map(),
    annotators: {},
    train: {},
    trainStep: 0,
    explore: {},
    multipliers: {},
    multiplierHistory: {},
    frameEnv: 0,
    frameStep: 0,
    paused: false,
    errors: 0,
  };
}

function push<T>(xs: T[], x: T, cap: number): void {
  xs.push(x);
  if (xs.length > cap) xs.splice(0, xs.length - cap);
}

function pushLog(state: ViewState, line: LogLine): void {
  push(state.log, line, LOG_LINES);
}

/** Fold one event into the view state (mutates and returns it; called once per event, never per env step). */
export function reduceView(state: ViewState, ev: RunEvent): ViewState {
  state.lastTime = ev.time;
  switch (ev.type) {
    case 'start':
      state.runId = ev.runId;
      state.env = ev.env;
      state.agent = ev.agent;
      state.numEnvs = ev.numEnvs;
      state.seed = ev.seed;
      state.startTime = ev.time;
      pushLog(state, {
        kind: 'info',
        text: `run ${ev.runId}: ${ev.agent} on ${ev.env} x${ev.numEnvs}, seed ${ev.seed}`,
      });
      break;
    case 'episode': {
      state.episodes += 1;
      state.step = Math.max(state.step, ev.step);
      push(state.returns, ev.return, state.window);
      push(state.lengths, ev.length, state.window);
      if (ev.success !== undefined) {
        push(state.successes, ev.success, state.window);
        if (ev.success && state.firstSuccessStep === undefined) state.firstSuccessStep = ev.step;
      }
      break;
    }
    case 'batch':
      state.step = Math.max(state.step, ev.step);
      state.sps = ev.sps;
      if (state.returns.length > 0) push(state.returnHistory, recentMean(state.returns, 20), HISTORY);
      break;
    case 'rewards':
      state.step = Math.max(state.step, ev.step);
      state.rewardLatest = ev.components;
      for (const [name, c] of Object.entries(ev.components)) {
        const h = (state.rewardHistory[name] ??= []);
        push(h, c.scaledMean, HISTORY);
      }
      break;
    case 'annotation': {
      const { labelled, queued, cacheHits, failures, pending, dropped, unparsed, errors } = ev;
      state.annotators[ev.source] = { labelled, queued, cacheHits, failures, pending, dropped, unparsed, errors };
      for (const s of ev.samples ?? []) {
        // Binary annotators label 1 / 0; say what that means.
        const label =
          s.label === 1 || s.label === '1'
            ? 'helpful'
            : s.label === 0 || s.label === '0'
              ? 'not helpful'
              : String(s.label);
        state.labels.set(s.message, { label, model: s.model });
        pushLog(state, { kind: 'label', text: s.message, label, model: s.model });
      }
      break;
    }
    case 'train':
      state.train = ev.stats;
      state.trainStep = ev.step;
      break;
    case 'eval':
      state.lastEval = ev;
      pushLog(state, {
        kind: 'info',
        text: `eval @${ev.step}: return ${ev.meanReturn.toFixed(3)} ± ${ev.stdReturn.toFixed(3)}${ev.successRate !== undefined ? `, success ${(ev.successRate * 100).toFixed(0)}%` : ''}`,
      });
      break;
    case 'multipliers':
      state.multipliers = ev.multipliers;
      for (const [name, m] of Object.entries(ev.multipliers))
        push((state.multiplierHistory[name] ??= []), m.value, HISTORY);
      break;
    case 'explore':
      state.explore = ev.metrics;
      break;
    case 'checkpoint':
      state.lastCheckpoint = ev.dir;
      pushLog(state, { kind: 'info', text: `checkpoint @${ev.step}: ${ev.dir}` });
      break;
    case 'frame': {
      state.frame = ev.frame;
      state.frameEnv = ev.envIndex;
      state.frameStep = ev.step;
      for (const m of ev.messages ?? []) {
        if (!m) continue;
        const last = state.log[state.log.length - 1];
        if (last && last.kind === 'message' && last.text === m) continue;
        const l = state.labels.get(m);
        pushLog(state, { kind: 'message', text: m, label: l?.label, model: l?.model });
      }
      break;
    }
    case 'scoredFrame': {
      const { source, step, envIndex, frame, raw, scaled } = ev;
      state.scored = { source, step, envIndex, frame, raw, scaled };
      break;
    }
    case 'error':
      state.errors += 1;
      pushLog(state, { kind: 'error', text: `${ev.fatal ? 'FATAL ' : ''}${ev.source}: ${ev.message}` });
      break;
    case 'end':
      state.ended = ev;
      state.step = Math.max(state.step, ev.step);
      pushLog(state, { kind: 'info', text: `run ended (${ev.reason}) at step ${ev.step}` });
      break;
  }
  return state;
}

/** Mean of the last `n` values. */
export function recentMean(xs: readonly number[], n: number): number {
  const tail = xs.slice(-n);
  return tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN;
}

/** Success rate over the window, or undefined when the env reports none. */
export function successRate(state: ViewState): number | undefined {
  if (state.successes.length === 0) return undefined;
  return state.successes.filter(Boolean).length / state.successes.length;
}
