import type { MultiplierFigures, RunEvent } from '../stream/events.js';

/** How many recent training episodes the running means cover. */
const WINDOW = 100;

/** An evaluation's figures as the summary keeps them. */
export interface EvalFigures {
  step: number;
  meanReturn: number;
  stdReturn: number;
  successRate?: number;
}

/** The latest counters of one annotator (labels, failures), from its `annotation` events. */
export type AnnotatorCounters = Omit<Extract<RunEvent, { type: 'annotation' }>, 'type' | 'source' | 'time' | 'samples'>;

/**
 * What a run's events add up to so far. `tally` folds one event in and returns a new value (the previous one is left
 * as it was), so the summary, the metrics rows and the terminal view all read the same state.
 */
export interface RunTally {
  readonly step: number;
  readonly episodes: number;
  /** Returns and successes (0/1) of the last `WINDOW` training episodes. */
  readonly recentReturns: readonly number[];
  readonly recentSuccess: readonly number[];
  readonly sps: number;
  readonly lastEval?: EvalFigures;
  readonly bestEvalReturn?: number;
  readonly explore?: Record<string, number>;
  readonly annotators: Readonly<Record<string, AnnotatorCounters>>;
  /** Non-fatal errors reported by reward sources and annotators. */
  readonly errors: number;
  /** Per reward component, the transitions whose reward was replaced by 0 (non-finite values, reward-code errors). */
  readonly zeroedRewards: Readonly<Record<string, ZeroedCounts>>;
  /** The latest Lagrange multipliers of the constraint components, for runs that have some. */
  readonly multipliers?: Readonly<Record<string, MultiplierFigures>>;
}

/** Rewards of one component replaced by 0 so far: non-finite values, and transitions its reward code failed on. */
export interface ZeroedCounts {
  nonFinite: number;
  codeErrors: number;
}

/** The tally of a run that has seen nothing (or of a resumed run, with the episode count it had). */
export function emptyTally(episodes = 0): RunTally {
  return {
    step: 0,
    episodes,
    recentReturns: [],
    recentSuccess: [],
    sps: 0,
    annotators: {},
    errors: 0,
    zeroedRewards: {},
  };
}

const ZEROED = 'zeroed.';

/**
 * The counts a checkpoint carries across a resume, as flat numbers (its `counters`): episodes, non-fatal errors and
 * each component's zeroed rewards (`zeroed.<component>.nonFinite` / `.codeErrors`), so that the summary of a resumed
 * run counts what happened before the interruption too.
 */
export function tallyCounters(t: RunTally): Record<string, number> {
  const out: Record<string, number> = { episodes: t.episodes, errors: t.errors };
  for (const [name, z] of Object.entries(t.zeroedRewards)) {
    out[`${ZEROED}${name}.nonFinite`] = z.nonFinite;
    out[`${ZEROED}${name}.codeErrors`] = z.codeErrors;
  }
  return out;
}

/** The tally a resumed run starts from: `tallyCounters` of its checkpoint (older checkpoints have episodes only). */
export function resumedTally(counters: Readonly<Record<string, number>>): RunTally {
  const zeroed: Record<string, ZeroedCounts> = {};
  for (const [k, v] of Object.entries(counters)) {
    if (!k.startsWith(ZEROED) || typeof v !== 'number') continue;
    const dot = k.lastIndexOf('.');
    const reason = k.slice(dot + 1);
    if (reason !== 'nonFinite' && reason !== 'codeErrors') continue;
    const name = k.slice(ZEROED.length, dot);
    zeroed[name] ??= { nonFinite: 0, codeErrors: 0 };
    zeroed[name][reason] = v;
  }
  const num = (k: string): number => (typeof counters[k] === 'number' ? counters[k] : 0);
  return { ...emptyTally(num('episodes')), errors: num('errors'), zeroedRewards: zeroed };
}

function pushWindow(xs: readonly number[], add: readonly number[]): readonly number[] {
  if (add.length === 0) return xs;
  const out = xs.concat(add);
  return out.length > WINDOW ? out.slice(out.length - WINDOW) : out;
}

/** Fold one event into the tally. */
export function tally(t: RunTally, e: RunEvent): RunTally {
  switch (e.type) {
    case 'episode':
      return {
        ...t,
        episodes: t.episodes + 1,
        recentReturns: pushWindow(t.recentReturns, [e.return]),
        recentSuccess: e.success === undefined ? t.recentSuccess : pushWindow(t.recentSuccess, [e.success ? 1 : 0]),
      };
    case 'batch':
      return { ...t, step: e.step, sps: e.sps };
    case 'eval': {
      const lastEval: EvalFigures = {
        step: e.step,
        meanReturn: e.meanReturn,
        stdReturn: e.stdReturn,
        ...(e.successRate !== undefined ? { successRate: e.successRate } : {}),
      };
      return { ...t, lastEval, bestEvalReturn: Math.max(t.bestEvalReturn ?? -Infinity, e.meanReturn) };
    }
    case 'explore':
      return { ...t, explore: e.metrics };
    case 'multipliers':
      return { ...t, multipliers: e.multipliers };
    case 'annotation': {
      const { type: _t, source, time: _time, samples: _s, ...counters } = e;
      return { ...t, annotators: { ...t.annotators, [source]: counters } };
    }
    case 'error': {
      if (e.fatal) return t;
      if (!e.zeroed) return { ...t, errors: t.errors + 1 };
      const was = t.zeroedRewards[e.source] ?? { nonFinite: 0, codeErrors: 0 };
      const now =
        e.zeroed.reason === 'nonFinite'
          ? { ...was, nonFinite: was.nonFinite + e.zeroed.count }
          : { ...was, codeErrors: was.codeErrors + e.zeroed.count };
      return { ...t, errors: t.errors + 1, zeroedRewards: { ...t.zeroedRewards, [e.source]: now } };
    }
    default:
      return t;
  }
}

/** All rewards replaced by 0 so far, by reason; undefined when none was. */
export function zeroedTotals(byComponent: Readonly<Record<string, ZeroedCounts>>): ZeroedCounts | undefined {
  const all = Object.values(byComponent);
  if (all.length === 0) return undefined;
  return {
    nonFinite: all.reduce((a, z) => a + z.nonFinite, 0),
    codeErrors: all.reduce((a, z) => a + z.codeErrors, 0),
  };
}

/** Mean of `xs`, undefined when empty. */
export function mean(xs: readonly number[]): number | undefined {
  return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Mean return and success rate of the recent training episodes. */
export function recentMeans(t: RunTally): { returnMean?: number; successRate?: number } {
  return { returnMean: mean(t.recentReturns), successRate: mean(t.recentSuccess) };
}
