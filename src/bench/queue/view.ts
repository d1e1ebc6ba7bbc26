import type { BenchPlan, BenchRun } from '../matrix.js';
import type { RunResult } from '../results.js';
import { bar, OverallLine } from '../progress-line.js';
import type { BenchJobProgress } from './jobs.js';

/** What the submitter last saw of a run's job. */
export interface RunView {
  state: string;
  attempts: number;
  progress?: BenchJobProgress;
}

/** A finished run in a few words (as the local runner says it). */
export function describeResult(r: RunResult): string {
  if (r.status === 'failed') return `failed: ${r.error}`;
  const success = r.success !== undefined && r.success !== null ? `, success ${(r.success * 100).toFixed(0)}%` : '';
  return `return ${r.return.toFixed(3)}${success}, ${Math.round(r.sps)} sps, ${r.wallSeconds.toFixed(0)} s`;
}

/**
 * The submitter's progress: plain lines (a run starts, moves to another worker, is retried, ends; an overall line now
 * and then), or on a terminal one line per run redrawn in place, as the local runner shows it.
 */
export class BenchView {
  private drawn = 0;
  private readonly overall = new OverallLine();

  constructor(
    private readonly plan: BenchPlan,
    private readonly results: ReadonlyMap<string, RunResult>,
    private readonly tty: boolean,
    private readonly write: (text: string) => void,
  ) {}

  /** A line of its own (plain output), or nothing on a terminal, where the block shows it. */
  line(text: string): void {
    if (!this.tty) this.write(`${text}\n`);
  }

  done(r: RunResult, omitted: string[]): void {
    const left = omitted.length ? ` (too large to collect: ${omitted.join(', ')})` : '';
    this.line(`${r.status === 'done' ? 'done ' : 'FAILED'} ${r.key}: ${describeResult(r)}${left}`);
  }

  /** Lines for what changed in a job since the last look. */
  change(run: BenchRun, before: RunView | undefined, now: RunView, failedReason: string | undefined): void {
    const p = now.progress;
    if (now.attempts > (before?.attempts ?? 0) && (now.state === 'delayed' || now.state === 'waiting')) {
      this.line(`retry ${run.key} (attempt ${now.attempts + 1}): ${failedReason ?? 'failed'}`);
    }
    if (now.state !== 'active' || !p) return;
    const moved = before?.progress?.worker !== p.worker || before?.state !== 'active';
    if (!moved) return;
    const from = p.resumedFrom !== undefined ? ` from step ${p.resumedFrom}` : '';
    this.line(`${p.resumedFrom !== undefined ? 'resume' : 'start'} ${run.key}${from} on ${p.worker}`);
  }

  /** The overall line (plain output, when `overall`), or the whole block (terminal). */
  render(views: ReadonlyMap<string, RunView>, overall: boolean, final = false): void {
    const steps = (r: BenchRun): number => {
      if (this.results.get(r.key)?.status === 'done') return r.steps;
      return Math.min(r.steps, views.get(r.key)?.progress?.step ?? 0);
    };
    const all = this.plan.runs.reduce((s, r) => s + r.steps, 0);
    const active = [...views.values()].filter((v) => v.state === 'active').length;
    const runs = `runs ${this.results.size}/${this.plan.runs.length} (${active} running)`;
    const line = this.overall.render(
      this.plan.runs.reduce((s, r) => s + steps(r), 0),
      all,
      runs,
    );
    if (!this.tty) {
      if (overall || final) this.write(`${line}\n`);
      return;
    }
    const lines: string[] = [];
    for (const run of this.plan.runs) {
      const r = this.results.get(run.key);
      const v = views.get(run.key);
      const key = run.key.padEnd(40);
      if (r) lines.push(`${r.status === 'done' ? 'done   ' : 'FAILED '} ${key} ${bar(1, 20)} ${describeResult(r)}`);
      else if (v?.state === 'active' && v.progress) {
        const f = Math.min(1, v.progress.step / run.steps);
        const ret = `return ${v.progress.return === undefined ? '-' : v.progress.return.toFixed(3)}`;
        lines.push(
          `running ${key} ${bar(f, 20)} ${(f * 100).toFixed(0).padStart(3)}%  ${ret}  on ${v.progress.worker}`,
        );
      } else lines.push(`${(v?.state ?? 'waiting').padEnd(7)} ${run.key}`);
    }
    lines.push(line);
    let out = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const l of lines) out += `\r\x1b[2K${l}\n`;
    this.drawn = final ? 0 : lines.length;
    this.write(out);
  }
}
