import type { Command } from 'commander';
import { join } from 'node:path';
import { RxgymError } from '../core/env.js';
import { spec } from '../core/registry.js';
import type { Registry } from '../core/registry.js';
import { cliRegistry } from './registry.js';
import { startRun, type RunSummary } from '../train/run.js';
import { loadScenario, validateScenario, type Scenario } from '../train/scenario.js';

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

function intOpt(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new RxgymError(`--${name}: expected an integer >= ${min}, got "${v}"`);
  return n;
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

/** Turn the command line into a scenario object (the scenario file, then flags on top). */
function buildScenario(file: string | undefined, o: RunCliOptions): Scenario {
  let raw: Record<string, unknown>;
  if (file) {
    raw = JSON.parse(JSON.stringify(loadScenario(file, cliRegistry()))) as Record<string, unknown>;
    // Re-express the loaded scenario in file form so that flags can override it and it is validated again.
    const s = raw as unknown as Scenario;
    raw = { ...raw, agent: { type: s.agent.type, ...s.agent.params } };
    if (o.env || o.agent) throw new RxgymError('give either a scenario file or --env/--agent, not both (override the budget with --steps, the seed with --seed)');
  } else {
    if (!o.env) throw new RxgymError('rxgym run needs a scenario file or --env <id> (e.g. rxgym run --env CartPole-v1 --agent ppo --steps 200000 --seed 1)');
    raw = { name: `${o.env}-${o.agent ?? 'ppo'}`, env: { id: o.env }, agent: { type: o.agent ?? 'ppo' }, budget: { steps: 100_000 }, eval: { every: 0, episodes: 10 } };
  }
  const env = raw.env as Record<string, unknown>;
  if (o.numEnvs) env.numEnvs = intOpt('num-envs', o.numEnvs, 1);
  if (o.kwargs) {
    try {
      env.kwargs = JSON.parse(o.kwargs) as unknown;
    } catch {
      throw new RxgymError(`--kwargs: expected a JSON object such as '{"size": 9}', got ${JSON.stringify(o.kwargs)}`);
    }
  }
  if (o.steps) raw.budget = { steps: intOpt('steps', o.steps, 1) };
  if (o.seed !== undefined) { raw.seeds = [intOpt('seed', o.seed, 0)]; delete raw.seed; }
  if (o.evalEvery) raw.eval = { ...(raw.eval as object), every: intOpt('eval-every', o.evalEvery, 0) };
  if (o.checkpointEvery) raw.checkpoint = { every: intOpt('checkpoint-every', o.checkpointEvery, 0) };
  const agent = raw.agent as Record<string, unknown>;
  for (const p of o.param) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new RxgymError(`--param: expected key=value (e.g. --param lr=3e-4), got "${p}"`);
    agent[p.slice(0, eq)] = parseValue(p.slice(eq + 1));
  }
  if (o.out) raw.output = { dir: o.out };
  return validateScenario(raw, cliRegistry(), String(raw.name ?? 'run'));
}

function fmtSummary(s: RunSummary): string {
  const ev = s.lastEval ? `eval ${s.lastEval.meanReturn.toFixed(1)} ± ${s.lastEval.stdReturn.toFixed(1)}${s.lastEval.successRate !== undefined ? ` success ${s.lastEval.successRate.toFixed(2)}` : ''}` : 'no eval';
  const target = s.targetMet === undefined ? '' : s.targetMet ? '  target met' : '  target NOT met';
  return `${s.envId} ${s.agent} seed ${s.seed}: ${s.steps} steps in ${s.wallSeconds.toFixed(1)} s (${s.stepsPerSecond.toFixed(0)} steps/s), ${ev}${target}  -> ${s.runDir}`;
}

/** `rxgym run`: train a scenario (or an env/agent pair) for every seed. */
async function runCommand(file: string | undefined, o: RunCliOptions, cmd: Command): Promise<void> {
  if (!file && !o.env) cmd.error('rxgym run: give a scenario file or --env <id> (e.g. rxgym run --env CartPole-v1 --agent ppo --steps 200000 --seed 1)', { exitCode: 2 });
  const registry = wireTraining();
  const scenario = buildScenario(file, o);
  spec(scenario.env.id);
  const summaries: RunSummary[] = [];
  for (const seed of scenario.seeds) {
    const runDir = scenario.seeds.length > 1 ? join(scenario.output.dir, `seed-${seed}`) : scenario.output.dir;
    const run = startRun(scenario, { registry, runDir, seed, resume: o.resume === true, quiet: o.quiet === true || o.json === true });
    const onSigint = (): void => {
      process.stderr.write('\nrxgym: stopping (writing a checkpoint; resume with --resume)\n');
      void run.stop();
    };
    process.once('SIGINT', onSigint);
    try {
      const s = await run.done;
      summaries.push(s);
      if (!o.json) process.stdout.write(`${fmtSummary(s)}\n`);
      if (s.reason === 'stopped') break;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  }
  if (o.json) process.stdout.write(`${JSON.stringify(summaries, null, 1)}\n`);
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
    .option('--param <key=value>', 'agent hyper-parameter (repeatable), e.g. --param lr=3e-4', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--eval-every <n>', 'evaluate every n steps (0: at the end only)')
    .option('--checkpoint-every <n>', 'checkpoint every n steps (0: at the end only)')
    .option('--out <dir>', 'run directory (default runs/<scenario name>)')
    .option('--resume', 'continue the run in the run directory from its latest checkpoint')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the run summaries as JSON')
    .addHelpText('after', `\nAgents: ${cliRegistry().agents.types().join(', ') || 'ppo, dqn, sac, random'}\nExamples:\n  rxgym run scenarios/cartpole-ppo.yaml\n  rxgym run --env CartPole-v1 --agent ppo --steps 200000 --seed 1`)
    .action((file: string | undefined, o: RunCliOptions, cmd: Command) => runCommand(file, o, cmd));
}
