import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { RxgymError } from '../core/env.js';
import { make } from '../core/registry.js';
import { makeVec } from '../core/vector.js';
import type { RenderMode } from '../core/env.js';
import { registerAll } from '../../envs/index.js';
import { PlayRun, randomPolicy, type PlayPolicy } from '../viz/play.js';
import { precheckScreen, watch } from '../viz/watch.js';

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

function int(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new RxgymError(`--${name}: expected an integer >= ${min}, got "${v}"`);
  return n;
}

function positive(name: string, v: string): number {
  if (v === 'max' || v === 'inf') return Infinity;
  const n = Number(v);
  if (!(n > 0)) throw new RxgymError(`--${name}: expected a positive number (or "max"), got "${v}"`);
  return n;
}

function parseKwargs(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new RxgymError(`--kwargs: expected a JSON object such as '{"size": 9}', got ${JSON.stringify(text)}`);
  }
}

/** The render mode to watch an env in: ansi when it has one, else rgb_array. */
function pickRenderMode(id: string, kwargs: Record<string, unknown>): RenderMode {
  const probe = make(id, kwargs);
  const modes = probe.metadata.renderModes;
  probe.close();
  if (modes.includes('ansi')) return 'ansi';
  if (modes.includes('rgb_array')) return 'rgb_array';
  throw new RxgymError(`env "${id}" cannot be watched: it renders neither 'ansi' nor 'rgb_array' (render modes: ${modes.join(', ') || 'none'})`);
}

async function playMode(o: WatchCliOptions): Promise<void> {
  const id = o.env!;
  const seed = int('seed', o.seed, 0);
  const numEnvs = int('num-envs', o.numEnvs, 1);
  const maxSteps = o.steps === undefined ? undefined : int('steps', o.steps, 1);
  const stepsPerSecond = positive('sps', o.sps);
  const userKwargs = parseKwargs(o.kwargs);
  let policy: PlayPolicy | undefined;
  let agent = 'random';
  if (o.policy !== 'random') {
    if (!existsSync(o.policy) || !statSync(o.policy).isDirectory()) {
      throw new RxgymError(`--policy: checkpoint directory "${o.policy}" does not exist; give a run's checkpoint directory or "random"`);
    }
    throw new RxgymError(`--policy ${o.policy}: playing a checkpoint is not available in this build yet; use --policy random`);
  }
  const renderMode = pickRenderMode(id, userKwargs);
  precheckScreen({ mode: 'play', plain: o.plain });
  const vec = makeVec(id, { numEnvs, kwargs: { ...userKwargs, renderMode }, autoresetMode: 'same-step' });
  policy ??= randomPolicy(vec, seed + 7919);
  const run = new PlayRun(vec, policy, { envId: id, agent, seed, maxSteps, stepsPerSecond });
  await watch(run, { mode: 'play', plain: o.plain, everyMs: int('every', o.every, 10), stepsPerSecond });
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
      registerAll();
      if (scenario !== undefined && o.env !== undefined) throw new RxgymError('give either a scenario file or --env <id>, not both');
      if (scenario === undefined && o.env === undefined) throw new RxgymError('nothing to watch: give a scenario file (rxgym watch scenarios/demo.yaml) or --env <id> [--policy random|<checkpoint dir>]');
      if (o.env !== undefined) return playMode(o);
      throw new RxgymError('training a scenario live needs the training loop (src/train/run.ts), which is not in this build yet');
    });
}
