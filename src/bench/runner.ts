import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { RxgymError } from '../core/env.js';
import type { RunEvent } from '../stream/events.js';
import { writeFileAtomic } from '../core/atomic.js';
import type { BenchPlan, BenchRun } from './matrix.js';
import { writeBenchReport } from '../report/bench-report.js';
import { bar, OverallLine } from './progress-line.js';
import { summaryCsv } from './report.js';
import { endStatus, parseEventsJsonl, resultFromEvents, type RunResult } from './results.js';

/**
 * How to start one run as a child process: it must write RunEvents as JSONL to `eventsPath`; `resume`: continue the
 * run in `runDir` from its latest checkpoint.
 */
export type ChildCommand = (
  scenarioPath: string,
  runDir: string,
  eventsPath: string,
  resume: boolean,
) => { cmd: string; args: string[] };

/** Options of `runBench`. */
export interface BenchOptions {
  outDir: string;
  jobs: number;
  resume: boolean;
  child: ChildCommand;
  /** Redraw progress lines in place (a TTY), or print plain lines. */
  tty?: boolean;
  write?: (text: string) => void;
  /** Progress refresh interval (ms). */
  everyMs?: number;
  /**
   * Stops the benchmark: no new run starts, the running children get `signal.reason` (a signal name, default SIGINT)
   * and stop at the end of their batch with a checkpoint; they are recorded as interrupted, for `--resume`.
   */
  signal?: AbortSignal;
  /**
   * Run only these runs of the matrix now (`--only`); the others are left as they are: finished ones are still
   * reported, the rest wait for a later invocation.
   */
  only?: (run: BenchRun) => boolean;
}

/** What `runBench` returns: the runs that finished (done or failed), and those left for `--resume`. */
export interface BenchOutcome {
  results: RunResult[];
  interrupted: boolean;
  unfinished: RunResult[];
  skipped: number;
  files: string[];
}

interface Active {
  run: BenchRun;
  child: ChildProcess;
  start: number;
  offset: number;
  step: number;
  ret?: number;
  success?: number;
  stderr: string;
  partial: string;
  resumed?: RunResult;
  /** Size of events.jsonl when this process started: its own events follow (a resumed run's earlier ones precede). */
  from: number;
}

const MANIFEST = 'bench.json';

/** What differs between a benchmark's manifest and a plan of the same name, in words. */
function matrixChange(m: { envs?: unknown; stacks?: unknown; seeds?: unknown }, plan: BenchPlan): string {
  const parts: string[] = [];
  const list = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : '?');
  for (const [what, there, here] of [
    ['envs', m.envs, plan.envs],
    ['reward stacks', m.stacks, plan.stacks],
    ['seeds', m.seeds, plan.seeds],
  ] as const) {
    if (list(there) !== list(here)) parts.push(`its ${what} differ (there: ${list(there)}; here: ${list(here)})`);
  }
  return parts.length > 0
    ? parts.join('; ')
    : "its envs, reward stacks and seeds are the same, so the scenario settings or a stack's rewards differ";
}

/** Refuse an output directory that holds something else; returns true when it holds this benchmark already. */
export function checkOutDir(outDir: string, plan: BenchPlan, resume: boolean): boolean {
  if (!existsSync(outDir)) return false;
  if (!statSync(outDir).isDirectory()) {
    throw new RxgymError(`output directory "${outDir}" is a file; choose another --out (nothing was written)`);
  }
  const entries = readdirSync(outDir);
  if (entries.length === 0) return false;
  const manifestPath = join(outDir, MANIFEST);
  if (!existsSync(manifestPath)) {
    throw new RxgymError(
      `output directory "${outDir}" is not empty and holds no ${MANIFEST}; it is not an rxgym benchmark. ` +
        'Choose another --out (nothing was written).',
    );
  }
  let m: { name?: string; fingerprint?: string; envs?: unknown; stacks?: unknown; seeds?: unknown };
  try {
    m = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof m;
  } catch {
    throw new RxgymError(
      `output directory "${outDir}" has an unreadable ${MANIFEST}; choose another --out (nothing was written)`,
    );
  }
  if (m.fingerprint !== plan.fingerprint && m.name === plan.name) {
    throw new RxgymError(
      `output directory "${outDir}" holds results of another version of benchmark "${plan.name}": ` +
        `${matrixChange(m, plan)}. A resumed matrix must be the same matrix: choose another --out, or restore ` +
        'the bench file (nothing was overwritten).',
    );
  }
  if (m.fingerprint !== plan.fingerprint) {
    throw new RxgymError(
      `output directory "${outDir}" holds another benchmark's results ("${m.name ?? '?'}", ` +
        `fingerprint ${m.fingerprint ?? '?'}; this one is "${plan.name}", ${plan.fingerprint}). ` +
        'Choose another --out; nothing was overwritten.',
    );
  }
  if (!resume)
    throw new RxgymError(
      `output directory "${outDir}" already holds results of this benchmark; ` +
        'pass --resume to finish it, or choose another --out',
    );
  return true;
}

function readResult(runDir: string): RunResult | undefined {
  const p = join(runDir, 'result.json');
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as RunResult;
  } catch {
    return undefined;
  }
}

/** True when `runDir` holds a run that can continue: its run.json and a checkpoint (or a finished pre-training). */
function resumable(runDir: string): boolean {
  if (!existsSync(join(runDir, 'run.json'))) return false;
  const ck = join(runDir, 'checkpoints');
  const hasCheckpoint = existsSync(ck) && readdirSync(ck).some((n) => n.startsWith('step-'));
  return hasCheckpoint || existsSync(join(runDir, 'pretrain', 'summary.json'));
}

function readEvents(runDir: string): RunEvent[] {
  const p = join(runDir, 'events.jsonl');
  return existsSync(p) ? parseEventsJsonl(readFileSync(p, 'utf8')) : [];
}

/**
 * The state of a run directory left by an earlier invocation: a result that is really finished (`done` whose events
 * end with its budget), or what is left to do. Results an earlier version recorded as done after a stop are
 * recognised from their events and continued.
 */
function previous(run: BenchRun, runDir: string): RunResult | undefined {
  const prev = readResult(runDir);
  if (!prev) {
    // No result.json (the bench process itself was killed): the run's own events say how far it got.
    const events = readEvents(runDir);
    const status = endStatus(events);
    if (status === undefined && !resumable(runDir)) return undefined;
    return { ...resultFromEvents(run, events, 0), status: status ?? 'interrupted' };
  }
  const stopped = prev.status === 'done' && endStatus(readEvents(runDir)) === 'interrupted';
  if (stopped) return { ...prev, status: 'interrupted' };
  return prev;
}

/**
 * Run a benchmark matrix: up to `jobs` child processes at once, one result per run (result.json, written atomically
 * when the run's process ends), then summary.csv, summary.md and learning curves (SVG + PNG). A run is `done` only
 * when it reached its budget; one stopped by `opts.signal` is `interrupted`. `resume` skips done runs, continues
 * interrupted ones from their checkpoints and reruns failed ones.
 */
export async function runBench(plan: BenchPlan, opts: BenchOptions): Promise<BenchOutcome> {
  const write = opts.write ?? ((t: string) => void process.stdout.write(t));
  checkOutDir(opts.outDir, plan, opts.resume);
  mkdirSync(join(opts.outDir, 'runs'), { recursive: true });
  const manifest = {
    name: plan.name,
    fingerprint: plan.fingerprint,
    envs: plan.envs,
    stacks: plan.stacks,
    seeds: plan.seeds,
    runs: plan.runs.map((r) => r.key),
  };
  writeFileAtomic(join(opts.outDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);

  const results = new Map<string, RunResult>();
  const unfinished = new Map<string, RunResult>();
  const queue: BenchRun[] = [];
  let skipped = 0;
  let continuing = 0;
  let leftOut = 0;
  for (const run of plan.runs) {
    const prev = opts.resume ? previous(run, join(opts.outDir, 'runs', run.key)) : undefined;
    if (prev?.status === 'done') {
      const path = join(opts.outDir, 'runs', run.key, 'result.json');
      if (!existsSync(path)) writeFileAtomic(path, `${JSON.stringify(prev, null, 2)}\n`);
      results.set(run.key, prev);
      skipped += 1;
      continue;
    }
    if (opts.only && !opts.only(run)) {
      // not run now (an interrupted one keeps its checkpoints for a later --resume)
      leftOut += 1;
      continue;
    }
    if (prev?.status === 'interrupted') {
      unfinished.set(run.key, prev);
      continuing += 1;
    }
    queue.push(run);
  }
  if (opts.resume) {
    const cont = continuing ? ` (${continuing} interrupted, continued from their checkpoints)` : '';
    write(`resuming: ${skipped} of ${plan.runs.length} runs already finished, ${queue.length} to go${cont}\n`);
  }
  if (opts.only) write(`--only: ${queue.length} run(s) now, ${leftOut} other unfinished run(s) left for later\n`);

  const active = new Map<string, Active>();
  let interrupted = false;
  let stopSignal: NodeJS.Signals = 'SIGINT';
  let linesDrawn = 0;
  const overallLine = new OverallLine();

  const startRun = (run: BenchRun): Active => {
    const dir = join(opts.outDir, 'runs', run.key);
    const before = unfinished.get(run.key);
    const resume = before !== undefined && resumable(dir);
    if (!resume) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    }
    const scenarioPath = join(dir, 'scenario.yaml');
    writeFileAtomic(scenarioPath, stringify(run.scenario));
    const eventsPath = join(dir, 'events.jsonl');
    const { cmd, args } = opts.child(scenarioPath, dir, eventsPath, resume);
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, RXGYM_BENCH_CHILD: '1' },
    });
    const from = existsSync(eventsPath) ? statSync(eventsPath).size : 0;
    const a: Active = { run, child, start: Date.now(), offset: 0, step: 0, stderr: '', partial: '', from };
    if (resume) a.resumed = before;
    child.stderr?.on('data', (d: Buffer) => {
      a.stderr = (a.stderr + d.toString()).slice(-4000);
    });
    active.set(run.key, a);
    if (!opts.tty) write(`${resume ? `resume ${run.key} from step ${before.steps}` : `start ${run.key}`}\n`);
    return a;
  };

  const poll = (a: Active): void => {
    const p = join(opts.outDir, 'runs', a.run.key, 'events.jsonl');
    if (!existsSync(p)) return;
    const fd = openSync(p, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= a.offset) return;
      const buf = Buffer.alloc(size - a.offset);
      readSync(fd, buf, 0, buf.length, a.offset);
      a.offset = size;
      const text = a.partial + buf.toString('utf8');
      const cut = text.lastIndexOf('\n');
      a.partial = text.slice(cut + 1);
      for (const ev of parseEventsJsonl(text.slice(0, cut + 1))) {
        if (ev.type === 'batch' || ev.type === 'episode' || ev.type === 'end') a.step = Math.max(a.step, ev.step);
        if (ev.type === 'episode') {
          a.ret = a.ret === undefined ? ev.return : 0.95 * a.ret + 0.05 * ev.return;
          if (ev.success !== undefined) {
            const s = Number(ev.success);
            a.success = a.success === undefined ? s : 0.95 * a.success + 0.05 * s;
          }
        }
      }
    } finally {
      closeSync(fd);
    }
  };

  const finishRun = (a: Active, code: number | null, signal: NodeJS.Signals | null): void => {
    active.delete(a.run.key);
    const dir = join(opts.outDir, 'runs', a.run.key);
    const text = existsSync(join(dir, 'events.jsonl')) ? readFileSync(join(dir, 'events.jsonl')) : Buffer.alloc(0);
    const events = parseEventsJsonl(text.toString('utf8'));
    const wall = (a.resumed?.wallSeconds ?? 0) + (Date.now() - a.start) / 1000;
    const result = resultFromEvents(a.run, events, wall);
    // How this process ended, from its own events only (a resumed run's file begins with the stop of the last one).
    const ended = endStatus(parseEventsJsonl(text.subarray(a.from).toString('utf8')));
    if (ended === 'interrupted' || (ended === undefined && interrupted)) {
      // Stopped before its budget (by the bench or by a signal of its own): never counted as finished.
      result.status = 'interrupted';
      delete result.error;
    } else if (ended !== 'done' || (code !== 0 && signal === null)) {
      // (A child killed by a signal after it wrote the end of its budget has finished: only its exit was cut short.)
      result.status = 'failed';
      // Keep what the child said; name its most telling line (an error message rather than Node's version footer).
      writeFileAtomic(join(dir, 'stderr.log'), a.stderr);
      const lines = a.stderr
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      const telling = lines.find((l) => /^rxgym:|Error\b/.test(l)) ?? lines[0];
      const how = `exited with ${signal ?? `code ${code}`}`;
      result.error = result.error ?? (telling ? `${telling} (see ${join(dir, 'stderr.log')})` : how);
    }
    writeFileAtomic(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    if (result.status === 'interrupted') {
      unfinished.set(a.run.key, result);
      const at = `at step ${result.steps} of ${a.run.steps}`;
      write(`interrupted ${a.run.key} ${at} (not counted; --resume continues it)\n`);
      return;
    }
    unfinished.delete(a.run.key);
    results.set(a.run.key, result);
    if (!opts.tty) write(`${result.status === 'done' ? 'done ' : 'FAILED'} ${a.run.key}: ${describe(result)}\n`);
  };

  const describe = (r: RunResult): string => {
    if (r.status === 'failed') return `failed: ${r.error}`;
    const success = r.success !== undefined ? `, success ${(r.success * 100).toFixed(0)}%` : '';
    return `return ${r.return.toFixed(3)}${success}, ${Math.round(r.sps)} sps, ${r.wallSeconds.toFixed(0)} s`;
  };

  const render = (final = false): void => {
    for (const a of active.values()) poll(a);
    const total = plan.runs.length;
    const doneSteps = plan.runs.reduce((s, r) => s + (results.get(r.key)?.status === 'done' ? r.steps : 0), 0);
    const activeSteps = [...active.values()].reduce((s, a) => s + Math.min(a.step, a.run.steps), 0);
    const allSteps = plan.runs.reduce((s, r) => s + r.steps, 0);
    const runs = `runs ${results.size}/${total} (${active.size} running)`;
    const overall = overallLine.render(doneSteps + activeSteps, allSteps, runs);
    if (!opts.tty) {
      write(`${overall}\n`);
      return;
    }
    const lines: string[] = [];
    for (const run of plan.runs) {
      const r = results.get(run.key);
      const a = active.get(run.key);
      const u = unfinished.get(run.key);
      if (r)
        lines.push(`${r.status === 'done' ? 'done   ' : 'FAILED '} ${run.key.padEnd(40)} ${bar(1, 20)} ${describe(r)}`);
      else if (a) {
        const f = Math.min(1, a.step / run.steps);
        const ret = `return ${a.ret === undefined ? '-' : a.ret.toFixed(3)}`;
        const success = a.success !== undefined ? `  success ${(a.success * 100).toFixed(0)}%` : '';
        const pct = `${(f * 100).toFixed(0).padStart(3)}%`;
        lines.push(`running ${run.key.padEnd(40)} ${bar(f, 20)} ${pct}  ${ret}${success}`);
      } else if (u) lines.push(`stopped ${run.key.padEnd(40)} ${bar(u.steps / run.steps, 20)} at step ${u.steps}`);
      else lines.push(`waiting ${run.key}`);
    }
    lines.push(overall);
    // Redraw the block in place: move up over the previous block and clear each line.
    let out = linesDrawn > 0 ? `\x1b[${linesDrawn}A` : '';
    for (const l of lines) out += `\r\x1b[2K${l}\n`;
    linesDrawn = final ? 0 : lines.length;
    write(out);
  };

  const onAbort = (): void => {
    if (interrupted) return;
    interrupted = true;
    const reason: unknown = opts.signal?.reason;
    if (typeof reason === 'string' && /^SIG[A-Z]+$/.test(reason)) stopSignal = reason as NodeJS.Signals;
    queue.length = 0;
    write('\ninterrupted: stopping running runs; finished runs are kept (--resume continues)\n');
    for (const a of active.values()) a.child.kill(stopSignal);
  };
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort);
  const timer = setInterval(() => render(), opts.everyMs ?? (opts.tty ? 500 : 10_000));

  try {
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        while (!interrupted && active.size < opts.jobs && queue.length > 0) {
          const a = startRun(queue.shift()!);
          a.child.on('exit', (code, signal) => {
            poll(a);
            finishRun(a, code, signal);
            pump();
          });
          a.child.on('error', (e) => {
            a.stderr += `\n${e.message}`;
          });
        }
        if (active.size === 0 && (queue.length === 0 || interrupted)) resolve();
      };
      pump();
    });
  } finally {
    clearInterval(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  render(true);
  const finished = plan.runs.map((r) => results.get(r.key)).filter((r): r is RunResult => r !== undefined);
  const files = await writeReports(plan, finished, opts.outDir);
  return { results: finished, interrupted, unfinished: [...unfinished.values()], skipped, files };
}

/** Write summary.csv, then summary.md, curves.svg, curves.png and summary.html (src/report); returns their paths. */
export async function writeReports(plan: BenchPlan, results: readonly RunResult[], outDir: string): Promise<string[]> {
  const csv = join(outDir, 'summary.csv');
  writeFileAtomic(csv, summaryCsv(results));
  return [csv, ...(await writeBenchReport(plan.name, results, plan.runs.length, outDir))];
}
