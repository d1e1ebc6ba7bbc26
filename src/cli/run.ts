import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from '../core/registry.js';
import { cliRegistry } from './registry.js';
import { onStopSignals, signalExitCode } from './signals.js';
import { UsageError, asUsage, checkKwargsFlag, intFlag, jsonObjectFlag } from './usage.js';
import { startRun, type RunHandle, type RunSummary } from '../train/run.js';
import { CLI_OPTION_NAMES } from '../train/run-dir.js';
import { zeroedTotals } from '../train/summary.js';
import { loadScenario, safeName, scenarioErrorList, validateScenario, type Scenario } from '../train/scenario.js';

/** Build the CLI's registry of envs, agents and reward sources (the composition root); idempotent. */
export function wireTraining(): Registry {
  return cliRegistry();
}

interface RunCliOptions {
  env?: string;
  agent?: string;
  steps?: string;
  seed?: string;
  numEnvs?: string;
  kwargs?: string;
  param: string[];
  out?: string;
  resume?: boolean;
  quiet?: boolean;
  json?: boolean;
  evalEvery?: string;
  checkpointEvery?: string;
}

function parseValue(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text !== '' && !Number.isNaN(Number(text))) return Number(text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The flag that set a scenario key path (for usage errors), if any. */
function flagOf(path: string, o: RunCliOptions): string | undefined {
  const flags: [RegExp, string | undefined][] = [
    [/^budget/, o.steps && '--steps'],
    [/^seeds?\b/, o.seed && '--seed'],
    [/^env\.numEnvs/, o.numEnvs && '--num-envs'],
    [/^env\.kwargs/, o.kwargs && '--kwargs'],
    [/^env\b/, o.env && '--env'],
    [/^agent\.type/, o.agent && '--agent'],
    [/^agent\.\w+/, o.param.length > 0 ? '--param' : undefined],
    [/^eval\.every/, o.evalEvery && '--eval-every'],
    [/^checkpoint\.every/, o.checkpointEvery && '--checkpoint-every'],
    [/^output\.dir/, o.out && '--out'],
  ];
  return flags.find(([re, flag]) => flag && re.test(path))?.[1];
}

/**
 * Validate the scenario built from the command line. The scenario file alone was valid (or there is none), so every
 * error here comes from the flags: wrong usage, each line naming the flag that set the key.
 */
function validateFlags(raw: Record<string, unknown>, o: RunCliOptions, registry: Registry): Scenario {
  try {
    return validateScenario(raw, registry, String(raw.name ?? 'run'));
  } catch (e) {
    const list = scenarioErrorList(e);
    if (!list) throw e;
    const lines = list.map((x) => {
      const flag = flagOf(x.path, o);
      return flag ? `${x.message} (set by ${flag})` : x.message;
    });
    if (lines.length === 1) throw new UsageError(lines[0]!);
    throw new UsageError(`${lines.length} errors:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
}

/** Turn the command line into a scenario object (the scenario file, then flags on top). */
function buildScenario(file: string | undefined, o: RunCliOptions, registry: Registry): Scenario {
  let raw: Record<string, unknown>;
  if (file) {
    if (o.env || o.agent) {
      const hint = 'override the budget with --steps, the seed with --seed';
      throw new UsageError(`give either a scenario file or --env/--agent, not both (${hint})`);
    }
    if (!existsSync(file)) throw new UsageError(`scenario file ${file} does not exist`);
    raw = JSON.parse(JSON.stringify(loadScenario(file, registry))) as Record<string, unknown>;
    // Re-express the loaded scenario in file form so that flags can override it and it is validated again.
    const s = raw as unknown as Scenario;
    raw = { ...raw, agent: { type: s.agent.type, ...s.agent.params } };
  } else {
    const id = o.env!;
    asUsage(() => registry.envs.spec(id));
    const agent = o.agent ?? 'ppo';
    raw = {
      name: safeName(`${id}-${agent}`),
      env: { id },
      agent: { type: agent },
      budget: { steps: 100_000 },
      eval: { every: 0, episodes: 10 },
    };
  }
  const env = raw.env as Record<string, unknown>;
  if (o.numEnvs) env.numEnvs = intFlag('num-envs', o.numEnvs, 1);
  if (o.kwargs) env.kwargs = jsonObjectFlag('kwargs', o.kwargs);
  if (o.steps) raw.budget = { steps: intFlag('steps', o.steps, 1) };
  if (o.seed !== undefined) {
    raw.seeds = [intFlag('seed', o.seed, 0)];
    delete raw.seed;
  }
  if (o.evalEvery) raw.eval = { ...(raw.eval as object), every: intFlag('eval-every', o.evalEvery, 0) };
  if (o.checkpointEvery) raw.checkpoint = { every: intFlag('checkpoint-every', o.checkpointEvery, 0) };
  const agent = raw.agent as Record<string, unknown>;
  for (const p of o.param) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param: expected key=value (e.g. --param lr=3e-4), got "${p}"`);
    agent[p.slice(0, eq)] = parseValue(p.slice(eq + 1));
  }
  if (o.out) raw.output = { dir: o.out };
  const scenario = validateFlags(raw, o, registry);
  if (o.kwargs) checkKwargsFlag((id, k) => registry.envs.make(id, k), scenario.env.id, scenario.env.kwargs);
  return scenario;
}

function fmtSummary(s: RunSummary): string {
  const l = s.lastEval;
  const success = l?.successRate !== undefined ? ` success ${l.successRate.toFixed(2)}` : '';
  const ev = l ? `eval ${l.meanReturn.toFixed(1)} ± ${l.stdReturn.toFixed(1)}${success}` : 'no eval';
  const target = s.targetMet === undefined ? '' : s.targetMet ? '  target met' : '  target NOT met';
  const speed = `${s.wallSeconds.toFixed(1)} s (${s.stepsPerSecond.toFixed(0)} steps/s)`;
  const z = s.zeroedRewards && zeroedTotals(s.zeroedRewards);
  const zeroed = z ? `  rewards zeroed: ${z.nonFinite} non-finite, ${z.codeErrors} reward-code errors` : '';
  return `${s.envId} ${s.agent} seed ${s.seed}: ${s.steps} steps in ${speed}, ${ev}${target}${zeroed}  -> ${s.runDir}`;
}

/** The summary of a seed's run that already took its whole budget (`--resume` skips it), if there is one. */
function finishedBefore(runDir: string, scenario: Scenario, registry: Registry): RunSummary | undefined {
  const p = join(runDir, 'summary.json');
  if (!existsSync(p)) return undefined;
  let s: RunSummary;
  try {
    s = JSON.parse(readFileSync(p, 'utf8')) as RunSummary;
  } catch {
    return undefined;
  }
  // A budget raised since then continues the run; one that another batch would overrun is spent.
  const batch = registry.agents.get(scenario.agent.type).rolloutSteps(scenario.agent.params) * scenario.env.numEnvs;
  return s.reason === 'budget' && s.steps + batch > scenario.budget.steps ? s : undefined;
}

/** The command line again, with --resume (arguments quoted for a POSIX shell where needed). */
function resumeCommand(): string {
  const args = process.argv.slice(2).filter((a) => a !== '--resume');
  const quote = (a: string): string => (/^[\w./:=@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return `rxgym ${[...args, '--resume'].map(quote).join(' ')}`;
}

/**
 * `rxgym run`: train a scenario (or an env/agent pair) for every seed. SIGINT, SIGTERM and SIGHUP stop the current
 * seed at the end of its batch with a checkpoint, start no further seed, and say how to resume.
 */
async function runCommand(file: string | undefined, o: RunCliOptions): Promise<void> {
  if (!file && !o.env) {
    const example = 'rxgym run --env CartPole-v1 --agent ppo --steps 200000 --seed 1';
    throw new UsageError(`give a scenario file or --env <id> (e.g. ${example})`);
  }
  const registry = wireTraining();
  const scenario = buildScenario(file, o, registry);
  const multi = scenario.seeds.length > 1;
  const dirOf = (seed: number): string => (multi ? join(scenario.output.dir, `seed-${seed}`) : scenario.output.dir);
  // --resume continues the seeds that have a run directory and starts the others; with none at all there is nothing to
  // resume: the flag was wrong.
  const anyToResume = scenario.seeds.some((seed) => existsSync(join(dirOf(seed), 'run.json')));
  if (o.resume && !anyToResume) {
    const where = multi ? `${scenario.output.dir}/seed-*` : scenario.output.dir;
    throw new UsageError(
      `--resume: nothing to resume in ${where} (no run.json); drop --resume to start a new run there`,
    );
  }
  const quiet = o.quiet === true || o.json === true;
  const summaries: RunSummary[] = [];
  let stopped: NodeJS.Signals | undefined;
  let current: RunHandle | undefined;
  const off = onStopSignals((sig) => {
    if (stopped) {
      process.stderr.write(`rxgym: ${sig}: already stopping (writing a checkpoint)\n`);
      return;
    }
    stopped = sig;
    process.stderr.write(`\nrxgym: ${sig}: stopping (writing a checkpoint)\n`);
    void current?.stop();
  });
  try {
    for (const [i, seed] of scenario.seeds.entries()) {
      // A signal that came during the last seed's final evaluation is handled by the event loop only now: let it in
      // before the next seed starts.
      if (i > 0) await new Promise((r) => setTimeout(r, 20));
      if (stopped) break;
      const runDir = dirOf(seed);
      const resume = o.resume === true && (!anyToResume || existsSync(join(runDir, 'run.json')));
      const before = resume ? finishedBefore(runDir, scenario, registry) : undefined;
      if (before) {
        summaries.push(before);
        if (!o.json) process.stdout.write(`${fmtSummary(before)}  (finished before)\n`);
        continue;
      }
      current = startRun(scenario, { registry, runDir, seed, resume, quiet, optionNames: CLI_OPTION_NAMES });
      const s = await current.done;
      current = undefined;
      summaries.push(s);
      if (!o.json) process.stdout.write(`${fmtSummary(s)}\n`);
      if (s.reason === 'stopped' && !stopped) break;
    }
  } finally {
    off();
  }
  if (o.json) process.stdout.write(`${JSON.stringify(summaries, null, 1)}\n`);
  const left = scenario.seeds.length - summaries.filter((s) => s.reason === 'budget').length;
  if (left > 0) {
    const what = scenario.seeds.length > 1 ? `${left} of ${scenario.seeds.length} seeds unfinished` : 'unfinished';
    process.stderr.write(`rxgym: stopped (${what}); continue with: ${resumeCommand()}\n`);
    process.exitCode = signalExitCode(stopped ?? 'SIGINT');
  }
}

/** Register `rxgym run` with the program. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('train an agent: a scenario file, or --env/--agent with flags')
    .argument('[scenario]', 'scenario YAML file (see scenarios/)')
    .option('--env <id>', 'env id (without a scenario file)')
    .option('--agent <type>', `agent type (${['ppo', 'dqn', 'sac', 'random'].join(', ')})`)
    .option('--steps <n>', 'training budget in env steps')
    .option('--seed <n>', 'seed (replaces the scenario seeds)')
    .option('--num-envs <n>', 'parallel envs')
    .option('--kwargs <json>', 'env kwargs as a JSON object')
    .option(
      '--param <key=value>',
      'agent hyper-parameter (repeatable), e.g. --param lr=3e-4',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--eval-every <n>', 'evaluate every n steps (0: at the end only)')
    .option('--checkpoint-every <n>', 'checkpoint every n steps (0: at the end only)')
    .option('--out <dir>', 'run directory (default runs/<scenario name>)')
    .option('--resume', 'continue the run in the run directory from its latest checkpoint')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the run summaries as JSON')
    .addHelpText(
      'after',
      `\nAgents: ${cliRegistry().agents.types().join(', ') || 'ppo, dqn, sac, random'}\nExamples:\n` +
        '  rxgym run scenarios/cartpole-ppo.yaml\n  rxgym run --env CartPole-v1 --agent ppo --steps 200000 --seed 1',
    )
    .action((file: string | undefined, o: RunCliOptions) => runCommand(file, o));
}
