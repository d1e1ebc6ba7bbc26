import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { RxgymError } from '../core/env.js';
import { make, spec } from '../core/registry.js';
import { RewardConfigError } from '../core/reward.js';
import { checkComponentKeys } from '../../rewards/stack.js';
import { loadScenario, safeName, scenarioErrorList, validateScenario } from '../train/scenario.js';
import { readScenarioFile } from '../train/scenario-file.js';
import { resolveRewardFiles } from '../train/scenario-paths.js';
import { startRun } from '../train/run.js';
import { CLI_OPTION_NAMES } from '../train/run-dir.js';
import { measureEnvThroughput } from '../bench/env-throughput.js';
import { onlyFilter, planBench } from '../bench/matrix.js';
import { runBench } from '../bench/runner.js';
import { benchOnQueue } from './bench-queue.js';
import { registerAll } from '../../envs/index.js';
import { onStopSignals, signalExitCode } from './signals.js';
import { UsageError, asUsage, checkKwargsFlag, intFlag, jsonObjectFlag } from './usage.js';
import { wireTraining } from './watch.js';

const fmt = (x: number | null): string => (x === null ? 'n/a' : Math.round(x).toLocaleString('en-US'));

/** `f()`, with a reward stack error it throws named as pre-training's (`pretrain.rewards[i]...`). */
function asPretrain(f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof RewardConfigError) throw new RewardConfigError(`pretrain.${e.path}`, e.detail);
    throw e;
  }
}

/** Every run's scenario validated up front (a typo fails now, not in the tenth child); each distinct error once. */
function validateRuns(file: string, plan: ReturnType<typeof planBench>): void {
  const registry = wireTraining();
  const runsOf = new Map<string, string[]>();
  for (const run of plan.runs) {
    try {
      const s = validateScenario(run.scenario, registry, run.key);
      // What the run checks only when it starts: the env id, and the env-free checks of the reward stacks.
      registry.envs.spec(s.env.id);
      if (s.rewards?.length === 0) {
        throw new RewardConfigError('rewards', 'is empty; list at least one component, e.g. [{ source: extrinsic }]');
      }
      s.rewards?.forEach((c, i) => checkComponentKeys(c, i, registry.rewards));
      s.pretrain?.rewards.forEach((c, i) => asPretrain(() => checkComponentKeys(c, i, registry.rewards)));
    } catch (e) {
      const list = scenarioErrorList(e);
      const lines = list ? list.map((x) => x.message) : [(e as Error).message];
      for (const l of lines) runsOf.set(l, [...(runsOf.get(l) ?? []), run.key]);
    }
  }
  if (runsOf.size === 0) return;
  const all = plan.runs.length;
  const lines = [...runsOf].map(([l, keys]) => (keys.length === all ? l : `${l} (run ${keys.join(', ')})`));
  if (lines.length === 1) throw new RxgymError(`${file}: ${lines[0]}`);
  throw new RxgymError(`${file}: ${lines.length} errors:\n${lines.map((l) => `  ${l}`).join('\n')}`);
}

interface BenchCliOptions {
  out?: string;
  jobs: string;
  resume?: boolean;
  every?: string;
  list?: boolean;
  queue?: string;
  attempts?: string;
  retryDelay?: string;
  only?: string;
}

async function benchMatrix(file: string, o: BenchCliOptions): Promise<void> {
  if (!existsSync(file)) throw new UsageError(`bench file ${file} does not exist`);
  const jobs = intFlag('jobs', o.jobs, 1);
  const everyMs = o.every === undefined ? undefined : intFlag('every', o.every, 1);
  // Reward files resolved against the bench file: each run's copy (runs/<key>/scenario.yaml) holds absolute paths.
  const doc = resolveRewardFiles(readScenarioFile(file, 'bench'), dirname(resolve(file)));
  const plan = planBench(doc, safeName(basename(file).replace(/\.(ya?ml|json)$/, '')));
  validateRuns(file, plan);
  const outDir = o.out ?? join('runs', `bench-${plan.name}`);
  const only = o.only === undefined ? undefined : asUsage(() => onlyFilter(o.only!, plan));
  if (o.list) {
    const steps = plan.runs[0]!.steps.toLocaleString('en-US');
    const listed = only ? plan.runs.filter(only) : plan.runs;
    const keys = listed.map((r) => `  ${r.key}`).join('\n');
    const of = only ? `${listed.length} of ${plan.runs.length} runs selected by --only` : `${plan.runs.length} runs`;
    process.stdout.write(`${plan.name}: ${of} (all scenarios valid), ${steps} steps each\n`);
    process.stdout.write(`${keys}\n`);
    return;
  }
  if (o.queue !== undefined) {
    if (only) throw new UsageError('--only runs a part of the matrix on this machine; it does not apply to --queue');
    return benchOnQueue(file, plan, { ...o, queue: o.queue });
  }
  const tty = Boolean(process.stdout.isTTY) && process.env.TERM !== 'dumb';
  const main = process.argv[1]!;
  const matrix = `${plan.envs.length} env(s) x ${plan.stacks.length} reward stack(s) x ${plan.seeds.length} seed(s)`;
  const where = `${jobs} at a time, results in ${outDir}`;
  process.stdout.write(`rxgym bench ${plan.name}: ${matrix} = ${plan.runs.length} runs, ${where}\n`);
  // Ctrl-C, SIGTERM and SIGHUP stop the children at the end of their batch (each writes a checkpoint).
  const stop = new AbortController();
  let stopSignal: NodeJS.Signals | undefined;
  const off = onStopSignals((sig) => {
    stopSignal ??= sig;
    stop.abort(sig);
  });
  let outcome: Awaited<ReturnType<typeof runBench>>;
  try {
    outcome = await runBench(plan, {
      outDir,
      jobs,
      resume: o.resume === true,
      tty,
      everyMs,
      signal: stop.signal,
      only,
      child: (scenarioPath, runDir, _events, resume) => {
        const run = ['bench', 'run-one', scenarioPath, '--run-dir', runDir, ...(resume ? ['--continue'] : [])];
        return { cmd: process.execPath, args: [...process.execArgv, main, ...run] };
      },
    });
  } finally {
    off();
  }
  process.stdout.write(`\n${readFileSync(join(outDir, 'summary.md'), 'utf8')}\n`);
  process.stdout.write(`files: ${outcome.files.join(', ')}\n`);
  const failed = outcome.results.filter((r) => r.status === 'failed');
  if (failed.length) {
    process.stdout.write(`${failed.length} run(s) failed: ${failed.map((r) => `${r.key} (${r.error})`).join('; ')}\n`);
  }
  const left = outcome.unfinished.length;
  if (outcome.interrupted || left > 0) {
    const kept = `${outcome.results.length} finished runs kept, ${left} interrupted`;
    process.stdout.write(`interrupted: ${kept}; continue with: rxgym bench ${file} --out ${outDir} --resume\n`);
  }
  if (stopSignal) process.exitCode = signalExitCode(stopSignal);
  else if (failed.length || left > 0) process.exitCode = 1;
}

/** `bench run-one`: one run of a benchmark, in its own process; a stop signal ends it with a checkpoint. */
async function runOne(file: string, o: { runDir: string; continue?: boolean }): Promise<void> {
  const registry = wireTraining();
  const scenario = loadScenario(file, registry);
  // Its errors reach the user of `rxgym bench`, whose flags are --resume and --out.
  const handle = startRun(scenario, {
    registry,
    runDir: o.runDir,
    resume: o.continue === true,
    quiet: true,
    optionNames: CLI_OPTION_NAMES,
  });
  let stopped: NodeJS.Signals | undefined;
  let finished = false;
  // Kept to the end: a signal after the run finished (the bench stopping its children) must not kill the process
  // while it exits; it only makes it leave now.
  onStopSignals((sig) => {
    if (finished) process.exit();
    stopped ??= sig;
    void handle.stop();
  });
  const summary = await handle.done;
  finished = true;
  if (summary.reason === 'stopped') process.exitCode = signalExitCode(stopped ?? 'SIGINT');
}

/** Register `rxgym bench` (matrix benchmark) and `rxgym bench env` (env throughput). */
export function registerBenchCommand(program: Command): void {
  const bench = program
    .command('bench')
    .description(
      'Benchmark a matrix of envs x reward stacks x seeds (a scenario with a `bench:` section), ' +
        'or env throughput (bench env <id>).',
    )
    .argument('<scenario>', 'bench YAML file: a scenario plus bench: { envs, rewards: { name: [...] }, seeds }')
    .option('--out <dir>', 'output directory (default runs/bench-<name>)')
    .option('--jobs <n>', 'runs in parallel (child processes)', '2')
    .option('--resume', 'finish the benchmark in --out: skip finished runs, continue interrupted ones, rerun failed')
    .option('--every <ms>', 'progress refresh interval')
    .option('--list', 'validate every run and list them, without running')
    .option('--only <patterns>', 'run only the runs whose key matches (comma-separated, * = any text); see --list')
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
    .option(
      '--kwargs <json>',
      'env kwargs as a JSON object, e.g. \'{"observationKeys":["glyphs_crop","blstats","message"]}\'',
    )
    .option('--json', 'print JSON: { "id", "stepsPerSecond": { "raw", "sync", "worker" }, ... }')
    .action(
      (
        id: string,
        o: { steps: string; numEnvs: string; workers: string; seed: string; kwargs?: string; json?: boolean },
      ) => {
        registerAll();
        asUsage(() => spec(id));
        const kwargs = o.kwargs === undefined ? {} : jsonObjectFlag('kwargs', o.kwargs);
        if (o.kwargs !== undefined) checkKwargsFlag(make, id, kwargs);
        const r = measureEnvThroughput(id, {
          steps: intFlag('steps', o.steps, 1),
          numEnvs: intFlag('num-envs', o.numEnvs, 1),
          numWorkers: intFlag('workers', o.workers, 1),
          seed: intFlag('seed', o.seed, 0),
          kwargs,
        });
        if (o.json) {
          process.stdout.write(`${JSON.stringify(r)}\n`);
          return;
        }
        process.stdout.write(
          `${r.id}: ${r.steps.toLocaleString('en-US')} steps each\n` +
            `  raw step          ${fmt(r.stepsPerSecond.raw).padStart(12)} steps/s\n` +
            `  sync vector x${r.numEnvs}    ${fmt(r.stepsPerSecond.sync).padStart(12)} steps/s\n` +
            `  worker vector x${r.numEnvs} ${fmt(r.stepsPerSecond.worker).padStart(12)} steps/s ` +
            `(${r.numWorkers} workers)\n` +
            r.notes.map((n) => `  note: ${n}\n`).join(''),
        );
      },
    );

  bench
    .command('run-one', { hidden: true })
    .description('internal: one benchmark run (a child process of rxgym bench)')
    .argument('<scenario>')
    .requiredOption('--run-dir <dir>')
    // not --resume: `bench` itself has that option and would take it
    .option('--continue', 'continue the run in --run-dir from its latest checkpoint')
    .action(runOne);
}
