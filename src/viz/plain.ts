import type { RunControl } from './control.js';
import { fmtDuration, fmtInt, fmtNum } from './format.js';
import {
  recentMean,
  reduceView,
  initialView,
  successRate,
  type AnnotatorCounts,
  type ViewState,
} from './view-state.js';

/** An annotator's failures, when there are any: " failures 12 (http 8, timeout 4) dropped 3 unparsed 1". */
export function annotatorFailures(a: AnnotatorCounts): string {
  const kinds = Object.entries(a.errors ?? {})
    .filter(([, k]) => k > 0)
    .map(([kind, k]) => `${kind} ${k}`)
    .join(', ');
  if (a.failures === 0 && !a.dropped && !a.unparsed && kinds === '') return '';
  return ` failures ${a.failures}${kinds ? ` (${kinds})` : ''} dropped ${a.dropped ?? 0} unparsed ${a.unparsed ?? 0}`;
}

/** One plain progress line (no escape codes) for logs, pipes and CI. */
export function progressLine(s: ViewState): string {
  const parts = [
    `step ${fmtInt(s.step)}`,
    `sps ${fmtInt(s.sps)}`,
    `episodes ${fmtInt(s.episodes)}`,
    `return ${fmtNum(recentMean(s.returns, s.window))}`,
  ];
  const rate = successRate(s);
  if (rate !== undefined) parts.push(`success ${(rate * 100).toFixed(1)}%`);
  for (const k of ['policy_loss', 'value_loss', 'entropy', 'approx_kl', 'loss'])
    if (s.train[k] !== undefined) parts.push(`${k} ${fmtNum(s.train[k])}`);
  for (const [name, c] of Object.entries(s.rewardLatest)) parts.push(`r.${name} ${fmtNum(c.scaledMean)}`);
  for (const [name, m] of Object.entries(s.multipliers)) parts.push(`λ.${name} ${fmtNum(m.value)}`);
  if (s.scored) {
    const f = s.scored;
    parts.push(`${f.source} frame @${fmtInt(f.step)} raw ${fmtNum(f.raw)} scaled ${fmtNum(f.scaled)}`);
  }
  for (const [src, a] of Object.entries(s.annotators)) {
    parts.push(`${src} labelled ${a.labelled} queued ${a.queued}${annotatorFailures(a)}`);
  }
  parts.push(fmtDuration((s.lastTime - s.startTime) / 1000));
  return parts.join(' | ');
}

/** The closing summary lines. */
export function summaryLines(s: ViewState): string[] {
  const rate = successRate(s);
  const lines = [
    `done: ${s.ended ? s.ended.reason : 'stopped'} after ${fmtInt(s.step)} steps, ${fmtInt(s.episodes)} episodes, ` +
      `${fmtDuration((s.lastTime - s.startTime) / 1000)}`,
    `  return (last ${Math.min(s.window, s.returns.length)}): ${fmtNum(recentMean(s.returns, s.window))}` +
      (rate !== undefined ? `, success ${(rate * 100).toFixed(1)}%` : '') +
      (s.firstSuccessStep !== undefined ? `, first success at step ${fmtInt(s.firstSuccessStep)}` : ''),
  ];
  if (s.lastEval)
    lines.push(
      `  last eval: return ${fmtNum(s.lastEval.meanReturn)} ± ${fmtNum(s.lastEval.stdReturn)}${s.lastEval.successRate !== undefined ? `, success ${(s.lastEval.successRate * 100).toFixed(1)}%` : ''}`,
    );
  for (const [k, v] of Object.entries(s.ended?.summary ?? {})) lines.push(`  ${k}: ${fmtNum(v)}`);
  for (const [name, m] of Object.entries(s.multipliers)) {
    const j = m.episodeMean === undefined ? '' : `, episodic value ${fmtNum(m.episodeMean)}`;
    lines.push(`  constraint ${name}: multiplier ${fmtNum(m.value)}${j} (${m.kind} ${fmtNum(m.threshold)})`);
  }
  if (s.lastCheckpoint) lines.push(`  checkpoint: ${s.lastCheckpoint}`);
  return lines;
}

/** Options of the plain reporter. */
export interface PlainOptions {
  everyMs?: number;
  write?: (line: string) => void;
}

/**
 * Follow a run without a terminal UI: a progress line every `everyMs` (default 2 s), error lines as they
 * come, and a final summary. Resolves with the final view state when the run is done.
 */
export async function runPlain(control: RunControl, opts: PlainOptions = {}): Promise<ViewState> {
  const write = opts.write ?? ((l: string) => void process.stdout.write(`${l}\n`));
  const state = initialView();
  let dirty = false;
  const sub = control.events$.subscribe({
    next: (ev) => {
      reduceView(state, ev);
      if (ev.type === 'batch' || ev.type === 'episode') dirty = true;
      if (ev.type === 'start')
        write(`rxgym: ${ev.agent} on ${ev.env} x${ev.numEnvs}, seed ${ev.seed} (run ${ev.runId})`);
      if (ev.type === 'error') write(`rxgym: ${ev.fatal ? 'fatal ' : ''}error in ${ev.source}: ${ev.message}`);
    },
  });
  const timer = setInterval(() => {
    if (dirty) {
      dirty = false;
      write(progressLine(state));
    }
  }, opts.everyMs ?? 2000);
  try {
    await control.done;
  } finally {
    clearInterval(timer);
    sub.unsubscribe();
  }
  write(progressLine(state));
  for (const l of summaryLines(state)) write(l);
  return state;
}
