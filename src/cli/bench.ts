import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { parseDocument } from 'yaml';
import { RxgymError } from '../core/env.js';
import { loadScenario, validateScenario } from '../train/scenario.js';
import { startRun } from '../train/run.js';
import { measureEnvThroughput } from '../bench/env-throughput.js';
import { planBench } from '../bench/matrix.js';
import { runBench } from '../bench/runner.js';
import { benchOnQueue } from './bench-queue.js';
import { registerAll } from '../../envs/index.js';
import { wireTraining } from './watch.js';

function posInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new RxgymError(`--${name}: expected a positive integer, got "${v}"`);
  return n;
}

function readYaml(file: string): unknown {
  if (!existsSync(file)) throw new RxgymError(`bench file ${file} does not exist`);
  const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new RxgymError(`${file} does not parse as YAML: ${e.message.split('\n')[0]}${e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : ''}`);
  }
  return doc.toJS();
}

const fmt = (x: number | null): string => (x === null ? 'n/a' : Math.round(x).toLocaleString('en-US'));

interface BenchCliOptions {
  out?: string; jobs: string; resume?: boolean; every?: string; list?: boolean;
  queue?: string; attempts?: string; retryDelay?: string;
}

async function benchMatrix(file: string, o: BenchCliOptions): Promise<void> {
  wireTraining();
  const name = basename(file).replace(/\.(ya?ml|json)$/, '');
  const plan = planBench(readYaml(file), name);
  // Validate every run's scenario up front: a typo fails now, not in the tenth child process.
  for (const run of plan.runs) {
    try {
      validateScenario(run.scenario, wireTraining(), run.key);
    } catch (e) {
      throw new RxgymError(`${file} (run ${run.key}): ${(e as Error).message}`);
    }
  }
  const outDir = o.out ?? join('runs', `bench-${plan.name}`);
  if (o.list) {
    process.stdout.write(`${plan.name}: ${plan.runs.length} runs (all scenarios valid), ${plan.runs[0]!.steps.toLocaleString('en-US')} steps each\n${plan.runs.map((r) => `  ${r.key}`).join('\n')}\n`);
    return;
  }
  if (o.queue !== undefined) return benchOnQueue(file, plan, { ...o, queue: o.queue });
  const jobs = posInt('jobs', o.jobs);
  const tty = Boolean(process.stdout.isTTY) && process.env.TERM !== 'dumb';
  const main = process.argv[1]!;
  process.stdout.write(`rxgym bench ${plan.name}: ${plan.envs.length} env(s) x ${plan.stacks.length} reward stack(s) x ${plan.seeds.length} seed(s) = ${plan.runs.length} runs, ${jobs} at a time, results in ${outDir}\n`);
  const outcome = await runBench(plan, {
    outDir,
    jobs,
    resume: o.resume === true,
    tty,
    everyMs: o.every === undefined ? undefined : posInt('every', o.every),
    child: (scenarioPath, runDir) => ({ cmd: process.execPath, args: [...process.execArgv, main, 'bench', 'run-one', scenarioPath, '--run-dir', runDir] }),
  });
  process.stdout.write(`\n${readFileSync(join(outDir, 'summary.md'), 'utf8')}\n`);
  process.stdout.write(`files: ${outcome.files.join(', ')}\n`);
  const failed = outcome.results.filter((r) => r.status === 'failed');
  if (failed.length) process.stdout.write(`${failed.length} run(s) failed: ${failed.map((r) => `${r.key} (${r.error})`).join('; ')}\n`);
  if (outcome.interrupted) {
    process.stdout.write(`interrupted: ${outcome.results.length} finished runs kept; continue with: rxgym bench ${file} --out ${outDir} --resume\n`);
    process.exitCode = 130;
  } else if (failed.length) process.exitCode = 1;
}

async function runOne(file: string, o: { runDir: string }): Promise<void> {
  const registry = wireTraining();
  const scenario = loadScenario(file, registry);
  const handle = startRun(scenario, { registry, runDir: o.runDir, quiet: true });
  process.on('SIGINT', () => void handle.stop());
  process.on('SIGTERM', () => void handle.stop());
  await handle.done;
}

/** Register `rxgym bench` (matrix benchmark) and `rxgym bench env` (env throughput). */
export function registerBenchCommand(program: Command): void {
  const bench = program
    .command('bench')
    .description('Benchmark a matrix of envs x reward stacks x seeds (a scenario with a `bench:` section), or env throughput (bench env <id>).')
    .argument('<scenario>', 'bench YAML file: a scenario plus bench: { envs, rewards: { name: [...] }, seeds }')
    .option('--out <dir>', 'output directory (default runs/bench-<name>)')
    .option('--jobs <n>', 'runs in parallel (child processes)', '2')
    .option('--resume', 'skip the runs that already finished in --out')
    .option('--every <ms>', 'progress refresh interval')
    .option('--list', 'validate every run and list them, without running')
    .option('--queue <url>', 'run on a Redis queue (redis://host:6379) served by `rxgym worker`s; again: resumes')
    .option('--attempts <n>', 'with --queue: tries of a failing run before it is reported failed', '3')
    .option('--retry-delay <ms>', 'with --queue: delay before the first retry, doubled for each further one', '10000')
    .action(benchMatrix);

  bench
    .command('env')
    .description('Environment throughput alone: raw step, sync vector, worker vector (steps/s).')
    .argument('<id>', 'env id')
    .option('--steps <n>', 'steps to time for each way', '100000')
    .option('--num-envs <n>', 'envs in the vector envs', '8')
    .option('--workers <n>', 'worker threads of the worker vector env', '2')
    .option('--seed <n>', 'seed', '0')
    .option('--kwargs <json>', 'env kwargs as a JSON object, e.g. \'{"observationKeys":["glyphs_crop","blstats","message"]}\'')
    .option('--json', 'print JSON: { "id", "stepsPerSecond": { "raw", "sync", "worker" }, ... }')
    .action((id: string, o: { steps: string; numEnvs: string; workers: string; seed: string; kwargs?: string; json?: boolean }) => {
      registerAll();
      let kwargs: Record<string, unknown> = {};
      if (o.kwargs !== undefined) {
        try {
          kwargs = JSON.parse(o.kwargs) as Record<string, unknown>;
        } catch {
          kwargs = [] as unknown as Record<string, unknown>;
        }
        if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) throw new RxgymError(`--kwargs: expected a JSON object such as '{"cropSize": 9}', got ${JSON.stringify(o.kwargs)}`);
      }
      const r = measureEnvThroughput(id, { steps: posInt('steps', o.steps), numEnvs: posInt('num-envs', o.numEnvs), numWorkers: posInt('workers', o.workers), seed: Number(o.seed), kwargs });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      process.stdout.write(
        `${r.id}: ${r.steps.toLocaleString('en-US')} steps each\n` +
          `  raw step          ${fmt(r.stepsPerSecond.raw).padStart(12)} steps/s\n` +
          `  sync vector x${r.numEnvs}    ${fmt(r.stepsPerSecond.sync).padStart(12)} steps/s\n` +
          `  worker vector x${r.numEnvs} ${fmt(r.stepsPerSecond.worker).padStart(12)} steps/s (${r.numWorkers} workers)\n` +
          r.notes.map((n) => `  note: ${n}\n`).join(''),
      );
    });

  bench
    .command('run-one', { hidden: true })
    .description('internal: one benchmark run (a child process of rxgym bench)')
    .argument('<scenario>')
    .requiredOption('--run-dir <dir>')
    .action(runOne);
}
