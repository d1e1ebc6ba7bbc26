import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { RxgymError } from '../core/env.js';
import { make, spec } from '../core/registry.js';
import { makeVec } from '../core/vector/sync.js';
import type { VectorEnv } from '../core/vector/types.js';
import type { RenderMode } from '../core/env.js';
import { obsLayout, viewObsBatch } from '../core/obs-batch.js';
import type { Registry } from '../core/registry.js';
import { cliRegistry } from './registry.js';
import { UsageError, asUsage, checkKwargsFlag, intFlag, jsonObjectFlag } from './usage.js';
import { latestCheckpoint } from '../train/checkpoint.js';
import { startRun } from '../train/run.js';
import { loadScenario } from '../train/scenario.js';
import { initBackend } from '../tensor/backend.js';
import { PlayRun, randomPolicy, type PlayPolicy } from '../viz/play.js';
import { summaryLines } from '../viz/plain.js';
import { isInteractive, precheckScreen, watch } from '../viz/watch.js';

/** The CLI's registry of envs, agents and reward sources (the composition root). */
export function wireTraining(): Registry {
  return cliRegistry();
}

/** A run directory name that does not exist yet: `<base>-<yyyymmdd-hhmmss>`. */
function freshRunDir(base: string): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  let dir = `${base}-${t}`;
  for (let k = 2; existsSync(dir); k++) dir = `${base}-${t}-${k}`;
  return dir;
}

/**
 * The policy of a run's latest checkpoint (`dir` is a run directory or one of its checkpoints), checked against
 * `envId`.
 */
export async function checkpointPolicy(
  dir: string,
  envId: string,
): Promise<{ policy: (v: VectorEnv) => PlayPolicy; agent: string; envKwargs: Record<string, unknown> }> {
  const runDir = existsSync(join(dir, 'run.json'))
    ? dir
    : existsSync(join(dir, '..', '..', 'run.json'))
      ? join(dir, '..', '..')
      : undefined;
  if (!runDir) {
    const hint = 'give the directory a training run wrote (e.g. runs/demo-...)';
    throw new UsageError(`--policy: "${dir}" is not a run directory (no run.json); ${hint}`);
  }
  const ck = existsSync(join(dir, 'meta.json'))
    ? {
        dir,
        meta: JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as {
          envId: string;
          agentType: string;
          step: number;
        },
      }
    : latestCheckpoint(runDir);
  if (!ck) throw new UsageError(`--policy: run "${runDir}" has no checkpoint yet; train longer or give another run`);
  if (ck.meta.envId !== envId) {
    const other = ck.meta.envId;
    throw new UsageError(`--policy: the checkpoint in ${ck.dir} is for ${other}, not ${envId}; pass --env ${other}`);
  }
  const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as {
    scenario: {
      env: { kwargs?: Record<string, unknown> };
      agent: { type: string; params: Record<string, unknown> };
      budget: { steps: number };
      rewards?: Record<string, unknown>[];
    };
  };
  // a constrained PPO has a value head per constraint component: build it with the same ones
  const constraints = (run.scenario.rewards ?? [])
    .filter((c) => c.constraint !== undefined)
    .map((c) => String(c.name ?? c.source));
  await initBackend();
  const def = cliRegistry().agents.get(run.scenario.agent.type);
  return {
    agent: `${run.scenario.agent.type} @${ck.meta.step}`,
    envKwargs: run.scenario.env.kwargs ?? {},
    policy: (v) => {
      const agent = def.create(run.scenario.agent.params, {
        observationSpace: v.singleObservationSpace,
        actionSpace: v.singleActionSpace,
        numEnvs: v.numEnvs,
        seed: 0,
        totalSteps: run.scenario.budget.steps,
        textKeys: v.capabilities.textKeys ?? [],
        tokenKeys: v.capabilities.tokenKeys,
        constraints,
      });
      agent.load(join(ck.dir, 'agent'));
      return (obs) => {
        const batch = viewObsBatch(obs, obsLayout(v.singleObservationSpace, obs, v.numEnvs));
        const out = agent.act(batch, v.numEnvs, { deterministic: false });
        return out.envActions ?? out.actions;
      };
    },
  };
}

/** Options of `rxgym watch`. */
interface WatchCliOptions {
  env?: string;
  policy: string;
  numEnvs: string;
  seed: string;
  steps?: string;
  sps: string;
  kwargs?: string;
  plain?: boolean;
  every: string;
  runDir?: string;
  resume?: boolean;
}

function positive(name: string, v: string): number {
  if (v === 'max' || v === 'inf') return Infinity;
  const n = Number(v);
  if (!(n > 0)) throw new UsageError(`--${name}: expected a positive number (or "max"), got "${v}"`);
  return n;
}

function parseKwargs(text: string | undefined): Record<string, unknown> {
  return text === undefined ? {} : jsonObjectFlag('kwargs', text);
}

/** The render mode to watch an env in: ansi when it has one, else rgb_array. */
function pickRenderMode(id: string, kwargs: Record<string, unknown>): RenderMode {
  const probe = make(id, kwargs);
  const modes = probe.metadata.renderModes;
  probe.close();
  if (modes.includes('ansi')) return 'ansi';
  if (modes.includes('rgb_array')) return 'rgb_array';
  throw new RxgymError(
    `env "${id}" cannot be watched: it renders neither 'ansi' nor 'rgb_array' (render modes: ` +
      `${modes.join(', ') || 'none'})`,
  );
}

async function playMode(o: WatchCliOptions): Promise<void> {
  const id = o.env!;
  const seed = intFlag('seed', o.seed, 0);
  const numEnvs = intFlag('num-envs', o.numEnvs, 1);
  const maxSteps = o.steps === undefined ? undefined : intFlag('steps', o.steps, 1);
  const stepsPerSecond = positive('sps', o.sps);
  let userKwargs = parseKwargs(o.kwargs);
  if (o.kwargs !== undefined) checkKwargsFlag(make, id, userKwargs);
  let fromCheckpoint: ((v: VectorEnv) => PlayPolicy) | undefined;
  let agent = 'random';
  if (o.policy !== 'random') {
    if (!existsSync(o.policy) || !statSync(o.policy).isDirectory()) {
      const hint = 'give a run\'s directory (or one of its checkpoints) or "random"';
      throw new UsageError(`--policy: checkpoint directory "${o.policy}" does not exist; ${hint}`);
    }
    wireTraining();
    const ck = await checkpointPolicy(o.policy, id);
    fromCheckpoint = ck.policy;
    agent = ck.agent;
    // The env as the run trained it (e.g. a custom level), with --kwargs on top.
    userKwargs = { ...ck.envKwargs, ...userKwargs };
  }
  const renderMode = pickRenderMode(id, userKwargs);
  precheckScreen({ mode: 'play', plain: o.plain });
  // next-step autoreset: the step that ends an episode reports that episode's own info (success, last message).
  const vec = makeVec(id, { numEnvs, kwargs: { ...userKwargs, renderMode }, autoresetMode: 'next-step' });
  const policy = fromCheckpoint ? fromCheckpoint(vec) : randomPolicy(vec, seed + 7919);
  const run = new PlayRun(vec, policy, { envId: id, agent, seed, maxSteps, stepsPerSecond });
  await watch(run, { mode: 'play', plain: o.plain, everyMs: intFlag('every', o.every, 10), stepsPerSecond });
}

async function trainMode(file: string, o: WatchCliOptions): Promise<void> {
  const registry = wireTraining();
  const scenario = loadScenario(file, registry);
  // The world panel shows the env's render() output; ask for it unless the scenario chose a mode itself.
  if (scenario.env.kwargs.renderMode === undefined)
    scenario.env.kwargs.renderMode = pickRenderMode(scenario.env.id, scenario.env.kwargs);
  if (o.resume && o.runDir === undefined) {
    throw new UsageError('--resume needs --run-dir <the run directory to continue>');
  }
  precheckScreen({ mode: 'train', plain: o.plain });
  const runDir = o.runDir ?? freshRunDir(scenario.output.dir);
  await initBackend(); // logs its choice now, before a full-screen layout takes the terminal
  const optionNames = { resume: '--resume', runDir: '--run-dir' };
  const handle = startRun(scenario, { registry, runDir, resume: o.resume, quiet: true, optionNames });
  const tty = !o.plain && isInteractive();
  const state = await watch(handle, { mode: 'train', plain: o.plain, everyMs: intFlag('every', o.every, 10) });
  const summary = await handle.done;
  if (tty) for (const l of summaryLines(state)) process.stdout.write(`${l}\n`);
  process.stdout.write(
    `run directory: ${summary.runDir} (play it: rxgym watch --env ${summary.envId} --policy ${summary.runDir})\n`,
  );
}

/** Register `rxgym watch`. */
export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('Watch an agent in the terminal: train a scenario live, or play a policy on an env (--env).')
    .argument('[scenario]', 'scenario YAML file to train live')
    .option('--env <id>', 'play on this env instead of training a scenario')
    .option('--policy <random|dir>', "policy to play: 'random' or a checkpoint directory", 'random')
    .option('--num-envs <n>', 'envs in the vector (tab cycles through them)', '1')
    .option('--seed <n>', 'seed', '0')
    .option('--steps <n>', 'stop after this many vector steps (play)')
    .option('--sps <n>', "play speed in steps per second per env, or 'max'", '10')
    .option('--kwargs <json>', 'env kwargs as a JSON object (play)')
    .option('--plain', 'plain progress lines even on a terminal')
    .option('--every <ms>', 'interval of plain progress lines', '2000')
    .option('--run-dir <dir>', 'run directory when training (default runs/<scenario>-<time>)')
    .option('--resume', 'resume the run in --run-dir from its last checkpoint')
    .action(async (scenario: string | undefined, o: WatchCliOptions) => {
      wireTraining();
      if (scenario !== undefined && o.env !== undefined) {
        throw new UsageError('give either a scenario file or --env <id>, not both');
      }
      if (scenario === undefined && o.env === undefined) {
        const what =
          'a scenario file (rxgym watch scenarios/demo.yaml) or --env <id> ' + '[--policy random|<checkpoint dir>]';
        throw new UsageError(`nothing to watch: give ${what}`);
      }
      if (o.env !== undefined) {
        const id = o.env;
        asUsage(() => spec(id));
        return playMode(o);
      }
      if (!existsSync(scenario!)) throw new UsageError(`scenario file ${scenario} does not exist`);
      return trainMode(scenario!, o);
    });
}
