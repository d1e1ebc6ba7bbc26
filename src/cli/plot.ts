import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../core/atomic.js';
import { unknownBaseline } from '../bench/compare.js';
import { summaryCsv } from '../bench/report.js';
import { parseEventsJsonl, resultFromEvents, type RunResult } from '../bench/results.js';
import { RxgymError } from '../core/env.js';
import { writeBenchReport, type BenchReportOptions } from '../report/bench-report.js';
import { writeRunReport } from '../report/run-report.js';
import { UsageError } from './usage.js';

/**
 * A result recorded before the bench counted pre-training episodes (and how many reached the goal) gets them from the
 * run's events when they are still there; any other result is returned as it is.
 */
function withPretrainEpisodes(r: RunResult, runsDir: string): RunResult {
  const events = join(runsDir, r.key, 'events.jsonl');
  if (!r.pretrain || r.pretrain.episodes !== undefined || !existsSync(events)) return r;
  const fresh = resultFromEvents(r, parseEventsJsonl(readFileSync(events, 'utf8')), r.wallSeconds);
  return fresh.pretrain ? { ...r, pretrain: { ...r.pretrain, ...fresh.pretrain } } : r;
}

/**
 * Re-plot a benchmark directory from its runs' result.json and events: summary.csv, summary.md, curves.svg/png,
 * summary.html (the bench writes them when the matrix ends; this brings all of them up to the runs finished so far),
 * into the directory or `opts.outDir`.
 */
async function plotBench(dir: string, opts: BenchReportOptions): Promise<string[]> {
  let manifest: { name?: string; runs?: string[] };
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8')) as typeof manifest;
    if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) throw new Error('not an object');
  } catch {
    throw new RxgymError(`"${join(dir, 'bench.json')}" is unreadable; is "${dir}" the --out of \`rxgym bench\`?`);
  }
  const runsDir = join(dir, 'runs');
  const keys = manifest.runs ?? (existsSync(runsDir) ? readdirSync(runsDir) : []);
  const results: RunResult[] = [];
  for (const key of keys) {
    const p = join(runsDir, key, 'result.json');
    if (!existsSync(p)) continue;
    try {
      const r = JSON.parse(readFileSync(p, 'utf8')) as RunResult;
      // a damaged result (not the runner's) counts as unfinished, not as a crash deep in the charts
      if ([r.key, r.env, r.rewards].every((x) => typeof x === 'string')) results.push(withPretrainEpisodes(r, runsDir));
    } catch {
      // a result being written when the bench was stopped: that run is not finished
    }
  }
  if (results.length === 0)
    throw new RxgymError(`no finished run in "${runsDir}" yet; run \`rxgym bench --resume\` first`);
  // checked before anything is written, as a usage error (benchStats would find it too, as a library error)
  const stacks = [...new Set(results.map((r) => r.rewards))];
  const problem = opts.baseline === undefined ? undefined : unknownBaseline(stacks, opts.baseline);
  if (problem) throw new UsageError(`--baseline: ${problem}`);
  const report = await writeBenchReport(manifest.name ?? 'bench', results, keys.length, dir, opts);
  const csv = join(opts.outDir ?? dir, 'summary.csv');
  writeFileAtomic(csv, summaryCsv(results));
  return [csv, ...report];
}

/** `rxgym plot <dir>`: charts and an HTML report for a run directory or a benchmark directory. */
export function registerPlotCommand(program: Command): void {
  program
    .command('plot')
    .description(
      'draw a run (report.html, report.svg, report.png) or a benchmark (summary.html, curves.svg, curves.png)',
    )
    .argument('<dir>', 'a run directory (the --out of `rxgym run`) or a benchmark directory (of `rxgym bench`)')
    .option('--out <dir>', 'write the report here instead of into the run or benchmark directory')
    .option(
      '--auc-steps <n>',
      "a benchmark's AUC over the first n steps of each run instead of the whole run (e.g. 100352: a 100k budget)",
    )
    .option(
      '--baseline <stack>',
      'compare every reward stack with this one instead of extrinsic (e.g. oni-retrieval: ONI model against model)',
    )
    .action(async (dir: string, opts: { out?: string; aucSteps?: string; baseline?: string }) => {
      if (!existsSync(dir) || !statSync(dir).isDirectory()) {
        throw new UsageError(
          `no directory "${dir}"; give a run directory (rxgym run --out) or a benchmark directory (rxgym bench --out)`,
        );
      }
      if (opts.out !== undefined && existsSync(opts.out) && !statSync(opts.out).isDirectory()) {
        throw new UsageError(`--out: "${opts.out}" is a file; give a directory for the report`);
      }
      const bench = existsSync(join(dir, 'bench.json'));
      const aucSteps = opts.aucSteps === undefined ? undefined : Number(opts.aucSteps);
      if (aucSteps !== undefined && !(Number.isInteger(aucSteps) && aucSteps > 0)) {
        throw new UsageError(`--auc-steps: expected a positive whole number of steps, got "${opts.aucSteps}"`);
      }
      for (const [flag, given] of [
        ['--auc-steps', aucSteps],
        ['--baseline', opts.baseline],
      ] as const) {
        if (given !== undefined && !bench) {
          throw new UsageError(`${flag} applies to a benchmark directory (with its bench.json); "${dir}" is not one`);
        }
      }
      if (!bench && !['events.jsonl', 'metrics.csv'].some((f) => existsSync(join(dir, f)))) {
        throw new UsageError(
          `"${dir}" holds neither events.jsonl nor metrics.csv; give an rxgym run directory (the --out of \`rxgym ` +
            'run`) or a benchmark directory (of `rxgym bench`, with its bench.json)',
        );
      }
      let files: string[];
      try {
        files = bench
          ? await plotBench(dir, {
              ...(opts.out === undefined ? {} : { outDir: opts.out }),
              aucSteps,
              ...(opts.baseline === undefined ? {} : { baseline: opts.baseline }),
            })
          : await writeRunReport(dir, opts.out ?? dir);
      } catch (e) {
        if (e instanceof RxgymError || !(e instanceof TypeError || e instanceof RangeError)) throw e;
        // records that parse but lack what the charts read: name the files instead of a message from deep inside
        const what = bench ? "its runs' result.json and events.jsonl files" : 'its events.jsonl and summary.json';
        throw new RxgymError(
          `cannot draw "${dir}": ${what} hold records rxgym did not write (${e.message}); the files are damaged or ` +
            'from another version: remove the damaged lines, or rerun',
        );
      }
      process.stdout.write(`${files.join('\n')}\n`);
    });
}
