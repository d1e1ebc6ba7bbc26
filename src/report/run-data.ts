import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEventsJsonl } from '../bench/results.js';
import { RxgymError } from '../core/env.js';
import type { PhaseTagged, RunEvent } from '../stream/events.js';

/** A point of a run's training curve: means over the latest training episodes at one step. */
export interface TrainingPoint {
  step: number;
  return: number;
  success?: number;
}
/** One evaluation: mean and std of the return over its episodes, and the success rate. */
export interface EvalPoint {
  step: number;
  return: number;
  std: number;
  success?: number;
  episodes: number;
}

/** Everything the plots and tables show of one run, as series over env steps. */
export interface RunSeries {
  meta: {
    runId?: string;
    name?: string;
    env?: string;
    agent?: string;
    seed?: number;
    numEnvs?: number;
    budget?: number;
    /** The scenario's eval.deterministic: greedy (true) or sampled (false) actions in evaluation. */
    evalDeterministic?: boolean;
    endReason?: string;
    steps: number;
    episodes: number;
    pretrainSteps?: number;
  };
  training: TrainingPoint[];
  evals: EvalPoint[];
  sps: { step: number; sps: number }[];
  train: { step: number; stats: Record<string, number> }[];
  rewards: { step: number; name: string; rawMean: number; scaledMean: number }[];
  annotations: { step: number; source: string; counters: Record<string, number> }[];
  /** Means over the last 100 training episodes (undefined without episodes or without success reports). */
  final: { trainReturn?: number; trainSuccess?: number; trainEpisodes: number };
}

const CURVE_WINDOW = 20;
const FINAL_WINDOW = 100;

const mean = (xs: readonly number[]): number | undefined =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined;

/** Append a point, dropping later points first: a resumed run logs again from its checkpoint's step. */
function pushStep<T extends { step: number }>(xs: T[], p: T): void {
  while (xs.length > 0 && xs[xs.length - 1]!.step > p.step) xs.pop();
  xs.push(p);
}

function emptySeries(): RunSeries {
  return {
    meta: { steps: 0, episodes: 0 },
    training: [],
    evals: [],
    sps: [],
    train: [],
    rewards: [],
    annotations: [],
    final: { trainEpisodes: 0 },
  };
}

/** Fold a run's events (events.jsonl) into series; a pre-training phase only counts its steps. */
export function seriesFromEvents(events: readonly RunEvent[]): RunSeries {
  const s = emptySeries();
  const returns: number[] = [];
  const successes: boolean[] = [];
  let lastStep = 0;
  for (const e of events) {
    // a run with pre-training starts in it: its start event still describes the whole run (config, seed, eval mode)
    if ((e as PhaseTagged).phase === 'pretrain' && e.type !== 'start') {
      if ('step' in e && typeof e.step === 'number') s.meta.pretrainSteps = Math.max(s.meta.pretrainSteps ?? 0, e.step);
      continue;
    }
    if ('step' in e && typeof e.step === 'number') lastStep = e.step;
    switch (e.type) {
      case 'start': {
        const cfg = (e.config ?? {}) as {
          name?: unknown;
          budget?: { steps?: unknown };
          eval?: { deterministic?: unknown };
        };
        Object.assign(s.meta, { runId: e.runId, env: e.env, agent: e.agent, seed: e.seed, numEnvs: e.numEnvs });
        if (typeof cfg.name === 'string') s.meta.name = cfg.name;
        if (typeof cfg.budget?.steps === 'number') s.meta.budget = cfg.budget.steps;
        if (typeof cfg.eval?.deterministic === 'boolean') s.meta.evalDeterministic = cfg.eval.deterministic;
        break;
      }
      case 'episode':
        s.meta.episodes += 1;
        returns.push(e.return);
        if (returns.length > FINAL_WINDOW) returns.shift();
        if (e.success !== undefined) {
          successes.push(e.success);
          if (successes.length > FINAL_WINDOW) successes.shift();
        }
        break;
      case 'batch': {
        pushStep(s.sps, { step: e.step, sps: e.sps });
        const r = mean(returns.slice(-CURVE_WINDOW));
        const ok = successes.slice(-CURVE_WINDOW).map(Number);
        if (r !== undefined)
          pushStep(s.training, { step: e.step, return: r, ...(ok.length ? { success: mean(ok)! } : {}) });
        break;
      }
      case 'train':
        pushStep(s.train, { step: e.step, stats: e.stats });
        break;
      case 'eval':
        pushStep(s.evals, {
          step: e.step,
          return: e.meanReturn,
          std: e.stdReturn,
          episodes: e.episodes,
          ...(e.successRate !== undefined ? { success: e.successRate } : {}),
        });
        break;
      case 'rewards':
        while (s.rewards.length > 0 && s.rewards[s.rewards.length - 1]!.step > e.step) s.rewards.pop();
        for (const [name, c] of Object.entries(e.components))
          s.rewards.push({ step: e.step, name, rawMean: c.rawMean, scaledMean: c.scaledMean });
        break;
      case 'annotation': {
        const counters: Record<string, number> = {};
        for (const [k, v] of Object.entries(e)) if (k !== 'time' && typeof v === 'number') counters[k] = v;
        // Annotation events carry no step: they belong to the step the run had reached.
        s.annotations.push({ step: lastStep, source: e.source, counters });
        break;
      }
      case 'end':
        s.meta.endReason = e.reason;
        break;
      default:
        break;
    }
    s.meta.steps = Math.max(s.meta.steps, lastStep);
  }
  s.final = { trainReturn: mean(returns), trainSuccess: mean(successes.map(Number)), trainEpisodes: returns.length };
  return s;
}

/** Series from a metrics.csv alone (a run without events.jsonl): per-batch means, evaluations, train stats. */
export function seriesFromCsv(text: string): RunSeries {
  const s = emptySeries();
  const [head, ...lines] = text.split('\n').filter((l) => l.trim());
  const cols = (head ?? '').split(',');
  const fixed = new Set([
    'step',
    'time',
    'sps',
    'episodes',
    'returnMean',
    'lengthMean',
    'successRate',
    'evalReturn',
    'evalSuccess',
  ]);
  let prevEval: string | undefined;
  for (const line of lines) {
    const cells = line.split(',');
    const raw = (c: string): string => cells[cols.indexOf(c)] ?? '';
    const num = (c: string): number | undefined => (raw(c) === '' ? undefined : Number(raw(c)));
    const step = num('step');
    if (step === undefined || !Number.isFinite(step)) continue;
    s.meta.steps = Math.max(s.meta.steps, step);
    const sps = num('sps');
    if (sps !== undefined) pushStep(s.sps, { step, sps });
    const ret = num('returnMean');
    const succ = num('successRate');
    if (ret !== undefined)
      pushStep(s.training, { step, return: ret, ...(succ !== undefined ? { success: succ } : {}) });
    // The CSV repeats the latest evaluation on every row: a new evaluation is where it changes.
    const evalKey = `${raw('evalReturn')}|${raw('evalSuccess')}`;
    const evalReturn = num('evalReturn');
    if (evalReturn !== undefined && evalKey !== prevEval) {
      const es = num('evalSuccess');
      pushStep(s.evals, {
        step,
        return: evalReturn,
        std: NaN,
        episodes: 0,
        ...(es !== undefined ? { success: es } : {}),
      });
    }
    prevEval = evalKey;
    const stats: Record<string, number> = {};
    cols.forEach((c, i) => {
      if (!fixed.has(c) && cells[i] !== undefined && cells[i] !== '') stats[c] = Number(cells[i]);
    });
    if (Object.keys(stats).length) pushStep(s.train, { step, stats });
  }
  const last = s.training.at(-1);
  s.final = { trainReturn: last?.return, trainSuccess: last?.success, trainEpisodes: 0 };
  return s;
}

/** Read a run directory's series: events.jsonl, or metrics.csv when a run kept no events. */
export function readRunSeries(runDir: string): RunSeries {
  const events = join(runDir, 'events.jsonl');
  if (existsSync(events)) return seriesFromEvents(parseEventsJsonl(readFileSync(events, 'utf8')));
  const csv = join(runDir, 'metrics.csv');
  if (existsSync(csv)) return seriesFromCsv(readFileSync(csv, 'utf8'));
  throw new RxgymError(
    `"${runDir}" holds neither events.jsonl nor metrics.csv; give an rxgym run directory (the --out of \`rxgym run\`)`,
  );
}
