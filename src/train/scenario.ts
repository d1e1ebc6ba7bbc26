import { ScenarioError, checkParam, closestName, paramErrors, resolveParams, show } from '../core/params.js';
import type { AgentDefinition } from '../core/agent.js';
import type { Registry } from '../core/registry.js';
import { builtinRegistry } from './builtins.js';
import { RxgymError } from '../core/env.js';
import { ErrorCollector, checkName, safeName, scenarioErrorList } from './scenario-errors.js';
import { readScenarioFile } from './scenario-file.js';
import { resolveRewardFiles } from './scenario-paths.js';
import { dirname, resolve } from 'node:path';

export { ScenarioErrors, scenarioErrorList, checkName, safeName } from './scenario-errors.js';

/** What validating a scenario needs of the registry: the agent types (their hyper-parameter schemas). */
export type ScenarioRegistry = Pick<Registry, 'agents'>;

/** A validated scenario: env, agent and hyper-parameters, reward stack, budget, seeds, evaluation, output. */
/**
 * Checkpoint interval when a scenario names none: a hard kill (`kill -9`, a lost machine) loses at most this many env
 * steps (seconds to a minute or two at this machine's rates) instead of the run. `checkpoint.every: 0` turns it off.
 */
export const DEFAULT_CHECKPOINT_EVERY = 100_000;

export interface Scenario {
  name: string;
  /**
   * `maxEpisodeSteps` (absent: the env's registered limit; -1: no limit) is passed to `make` for training and
   * evaluation envs.
   */
  env: {
    id: string;
    kwargs: Record<string, unknown>;
    numEnvs: number;
    vectorization: 'sync' | 'worker';
    maxEpisodeSteps?: number;
  };
  /** Agent type and its complete hyper-parameter table (defaults filled in). */
  agent: { type: string; params: Record<string, unknown> };
  /** The reward stack's component list, passed to `buildRewardStack` (validated there); undefined = extrinsic only. */
  rewards?: Record<string, unknown>[];
  /** LLM options for reward sources that call a model. */
  llm?: Record<string, unknown>;
  budget: { steps: number };
  seeds: number[];
  /** Evaluation every `every` steps (0: only at the end) on `episodes` episodes with fixed `seeds`. */
  eval: { every: number; episodes: number; seeds: number[]; deterministic: boolean };
  checkpoint: { every: number };
  output: { dir: string };
  /** A success criterion reported in the summary (e.g. `{ metric: evalReturn, atLeast: 475 }`). */
  target?: { metric: 'evalReturn' | 'successRate'; atLeast: number };
  /** Settings of `rxgym bench` (reward-stack variants, seeds), validated by the bench command. */
  bench?: Record<string, unknown>;
  /**
   * URLB's protocol: first `steps` env steps of reward-free pre-training on `rewards` (intrinsic components only), then
   * the
   * run proper (its `rewards`, `budget`, evaluation) fine-tunes from the pre-trained weights. `budget` counts
   * fine-tuning steps.
   */
  pretrain?: { steps: number; rewards: Record<string, unknown>[] };
}

const TOP = [
  'name',
  'description',
  'env',
  'agent',
  'rewards',
  'llm',
  'budget',
  'seeds',
  'seed',
  'eval',
  'checkpoint',
  'output',
  'target',
  'bench',
  'pretrain',
];

function obj(path: string, v: unknown): Record<string, unknown> {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  throw new ScenarioError(path, `expected a mapping, got ${show(v)}`);
}

/** Record every key of `o` (at `path`) that is not one of `keys`. */
function onlyKeys(c: ErrorCollector, path: string, o: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (keys.includes(k)) continue;
    const hint = closestName(k, keys);
    const did = hint ? `; did you mean "${hint}"?` : '';
    c.add(path ? `${path}.${k}` : k, `unknown key${did} (known: ${keys.join(', ')})`);
  }
}

const int = (path: string, v: unknown, dflt: number, min = 1): number =>
  v === undefined
    ? dflt
    : (checkParam(path, v, { kind: 'number', integer: true, min, default: dflt, doc: '' }) as number);
const posInt = (path: string, v: unknown, dflt: number): number =>
  v === undefined
    ? dflt
    : (checkParam(path, v, { kind: 'number', integer: true, positive: true, default: dflt, doc: '' }) as number);
const seedList = (path: string, v: unknown): number[] =>
  checkParam(path, v, { kind: 'numbers', integer: true, default: [], doc: '' }) as number[];
const choice = <T extends string>(path: string, v: unknown, values: readonly T[]): T =>
  checkParam(path, v, { kind: 'enum', values, default: values[0]!, doc: '' }) as T;

type Pretrain = { steps: number; rewards: Record<string, unknown>[] };

/**
 * Check a `pretrain:` section at `path`: `{ steps: positive integer, rewards: [intrinsic components...] }`.
 * Pre-training is reward-free, so an extrinsic component is refused unless its weight is 0.
 */
function checkPretrain(c: ErrorCollector, path: string, v: unknown): Pretrain | undefined {
  const p = c.check(() => obj(path, v), undefined);
  if (!p) return undefined;
  const before = c.list.length;
  onlyKeys(c, path, p, ['steps', 'rewards']);
  let steps = 0;
  if (p.steps === undefined) c.add(`${path}.steps`, 'missing; the number of reward-free pre-training env steps');
  else steps = c.check(() => posInt(`${path}.steps`, p.steps, 1), 0);
  const rewards: Record<string, unknown>[] = [];
  if (!Array.isArray(p.rewards) || p.rewards.length === 0) {
    const like = 'expected a non-empty list of intrinsic reward components like [{ source: rnd }]';
    c.add(`${path}.rewards`, `${like}, got ${show(p.rewards)}`);
  } else {
    p.rewards.forEach((x, i) => {
      const at = `${path}.rewards[${i}]`;
      const o = c.check(() => obj(at, x), undefined);
      if (!o) return;
      if (typeof o.source !== 'string') c.add(`${at}.source`, `expected a reward source name, got ${show(o.source)}`);
      else if (o.source === 'extrinsic' && o.weight !== 0) {
        c.add(
          `${at}.source`,
          'pre-training is reward-free: drop the extrinsic component (or give it weight 0); ' +
            "the task reward belongs in the scenario's own rewards, used when fine-tuning",
        );
      }
      rewards.push(o);
    });
  }
  return c.list.length === before ? { steps, rewards } : undefined;
}

function checkEnv(c: ErrorCollector, v: unknown): Scenario['env'] | undefined {
  if (v === undefined) {
    c.add('env', 'missing; give at least { id: CartPole-v1 }');
    return undefined;
  }
  const e = typeof v === 'string' ? { id: v } : c.check(() => obj('env', v), undefined);
  if (!e) return undefined;
  const before = c.list.length;
  onlyKeys(c, 'env', e, ['id', 'kwargs', 'numEnvs', 'vectorization', 'maxEpisodeSteps']);
  if (typeof e.id !== 'string' || e.id === '') {
    c.add('env.id', `expected an env id like "CartPole-v1", got ${show(e.id)}`);
  }
  const env: Scenario['env'] = {
    id: String(e.id),
    kwargs: e.kwargs === undefined ? {} : c.check(() => obj('env.kwargs', e.kwargs), {}),
    numEnvs: c.check(() => posInt('env.numEnvs', e.numEnvs, 8), 8),
    vectorization:
      e.vectorization === undefined
        ? 'sync'
        : c.check(() => choice('env.vectorization', e.vectorization, ['sync', 'worker'] as const), 'sync'),
  };
  if (e.maxEpisodeSteps !== undefined) {
    const m = e.maxEpisodeSteps;
    if (m !== -1 && !(typeof m === 'number' && Number.isInteger(m) && m > 0)) {
      c.add('env.maxEpisodeSteps', `expected a positive integer (or -1 for no episode limit), got ${show(m)}`);
    } else {
      // only set when given, so that scenarios without it keep their run fingerprint (--resume)
      env.maxEpisodeSteps = m;
    }
  }
  return c.list.length === before ? env : undefined;
}

type CheckedAgent = { agent: Scenario['agent']; def: AgentDefinition };

/** The agent (type and complete hyper-parameters) and its definition; undefined when anything in it is wrong. */
function checkAgent(c: ErrorCollector, v: unknown, registry: ScenarioRegistry): CheckedAgent | undefined {
  const known = registry.agents.types().join(', ');
  if (v === undefined) {
    c.add('agent', `missing; give e.g. { type: ppo } (known agents: ${known})`);
    return undefined;
  }
  const a = typeof v === 'string' ? { type: v } : c.check(() => ({ ...obj('agent', v) }), undefined);
  if (!a) return undefined;
  const before = c.list.length;
  const { type, ...given } = a;
  let def: AgentDefinition | undefined;
  if (typeof type !== 'string') c.add('agent.type', `expected an agent name (${known}), got ${show(type)}`);
  else {
    try {
      def = registry.agents.get(type, 'agent.type');
    } catch (e) {
      if (!(e instanceof RxgymError)) throw e;
      c.add('agent.type', e.message.replace(/^agent\.type: /, ''));
    }
  }
  if (!def) return undefined;
  const schema = def.params;
  // every bad hyper-parameter is reported (nested ones such as network.hidden key by key), not only the first
  for (const e of paramErrors('agent', given, schema))
    c.check(() => {
      throw e;
    }, undefined);
  if (c.list.length !== before) return undefined;
  return { agent: { type: def.type, params: resolveParams('agent', given, schema) }, def };
}

type Listed = { rewards?: Record<string, unknown>[]; pretrain?: unknown; pretrainPath?: string };

/** The rewards list, and a `{ pretrain }` entry in it (a bench reward stack's own pre-training). */
function checkRewards(c: ErrorCollector, v: unknown): Listed {
  if (v === undefined) return {};
  if (!Array.isArray(v)) {
    c.add('rewards', `expected a list of reward components like [{ source: extrinsic, weight: 1 }], got ${show(v)}`);
    return {};
  }
  const rewards: Record<string, unknown>[] = [];
  let pretrain: unknown;
  let pretrainPath: string | undefined;
  v.forEach((x, i) => {
    const o = c.check(() => obj(`rewards[${i}]`, x), undefined);
    if (!o) return;
    if (o.source === undefined && 'pretrain' in o) {
      onlyKeys(c, `rewards[${i}]`, o, ['pretrain']);
      const twice = `pre-training is given twice (${pretrainPath} and here); keep one`;
      if (pretrainPath) c.add(`rewards[${i}].pretrain`, twice);
      else [pretrain, pretrainPath] = [o.pretrain, `rewards[${i}].pretrain`];
      return;
    }
    if (typeof o.source === 'string') rewards.push(o);
    else c.add(`rewards[${i}].source`, `expected a reward source name, got ${show(o.source)}`);
  });
  // a list holding only the pre-training entry leaves the task reward at its default (extrinsic only)
  return { rewards: rewards.length === 0 && v.length > 0 ? undefined : rewards, pretrain, pretrainPath };
}

function checkBudget(c: ErrorCollector, v: unknown): { steps: number } {
  if (v === undefined) {
    c.add('budget', 'missing; give e.g. { steps: 200000 }');
    return { steps: 0 };
  }
  const b = typeof v === 'number' ? { steps: v } : c.check(() => obj('budget', v), undefined);
  if (!b) return { steps: 0 };
  onlyKeys(c, 'budget', b, ['steps']);
  if (b.steps !== undefined) return { steps: c.check(() => posInt('budget.steps', b.steps, 0), 0) };
  c.add('budget.steps', 'missing; the number of environment steps to train for');
  return { steps: 0 };
}

function checkEval(c: ErrorCollector, v: unknown): Scenario['eval'] {
  const e = v === undefined ? {} : c.check(() => obj('eval', v), {});
  onlyKeys(c, 'eval', e, ['every', 'episodes', 'seeds', 'deterministic']);
  const episodes = c.check(() => posInt('eval.episodes', e.episodes, Array.isArray(e.seeds) ? e.seeds.length : 10), 10);
  const seeds =
    e.seeds === undefined
      ? Array.from({ length: episodes }, (_, i) => 100_000 + i)
      : c.check(() => seedList('eval.seeds', e.seeds), []);
  if (Array.isArray(e.seeds) && seeds.length !== episodes) {
    c.add('eval.seeds', `expected ${episodes} seeds (one per eval episode), got ${seeds.length}`);
  }
  const bool = { kind: 'boolean', default: true, doc: '' } as const;
  return {
    every: c.check(() => int('eval.every', e.every, 0, 0), 0),
    episodes,
    seeds,
    deterministic:
      e.deterministic === undefined
        ? true
        : c.check(() => checkParam('eval.deterministic', e.deterministic, bool) as boolean, true),
  };
}

function checkSeeds(c: ErrorCollector, root: Record<string, unknown>): number[] {
  if (root.seed !== undefined && root.seeds !== undefined) {
    c.add('seeds', 'give either seed or seeds, not both');
    return [1];
  }
  if (root.seeds === undefined) return [c.check(() => int('seed', root.seed, 1, 0), 1)];
  const seeds = c.check(() => seedList('seeds', root.seeds), [1]);
  if (seeds.length === 0) c.add('seeds', 'expected at least one seed');
  seeds.forEach((s, i) => {
    if (s < 0) c.add(`seeds[${i}]`, `expected a non-negative integer, got ${s}`);
  });
  return seeds;
}

function checkTarget(c: ErrorCollector, v: unknown): Scenario['target'] {
  if (v === undefined) return undefined;
  const t = c.check(() => obj('target', v), {});
  onlyKeys(c, 'target', t, ['metric', 'atLeast']);
  const num = { kind: 'number', default: 0, doc: '' } as const;
  return {
    metric: c.check(() => choice('target.metric', t.metric, ['evalReturn', 'successRate'] as const), 'evalReturn'),
    atLeast: c.check(() => checkParam('target.atLeast', t.atLeast, num) as number, 0),
  };
}

/** Refuse a step budget at `path` smaller than one rollout batch: the run would train 0 steps. */
function checkOneRollout(c: ErrorCollector, path: string, steps: number, a: CheckedAgent, numEnvs: number): void {
  const perEnv = a.def.rolloutSteps(a.agent.params);
  const batch = perEnv * numEnvs;
  if (steps <= 0 || steps >= batch) return;
  c.add(
    path,
    `${steps} is less than one rollout (${perEnv} steps x ${numEnvs} envs = ${batch} env steps), ` +
      `so nothing would be trained; give at least ${batch}, or lower agent.numSteps or env.numEnvs`,
  );
}

/**
 * Validate a parsed scenario object against the registry's agent types. Every error is reported, one line each,
 * naming its key path (`agent.lr: expected a positive number, got "fast"`): one error is thrown as a ScenarioError,
 * several as ScenarioErrors.
 */
export function validateScenario(
  raw: unknown,
  registry: ScenarioRegistry = builtinRegistry(),
  defaultName = 'run',
): Scenario {
  const root = obj('scenario', raw);
  const c = new ErrorCollector();
  onlyKeys(c, '', root, TOP);
  const name = root.name === undefined ? safeName(defaultName) : c.check(() => checkName('name', root.name), 'run');
  const env = checkEnv(c, root.env);
  const agent = checkAgent(c, root.agent, registry);
  const listed = checkRewards(c, root.rewards);
  let pretrain = root.pretrain === undefined ? undefined : checkPretrain(c, 'pretrain', root.pretrain);
  let pretrainPath = 'pretrain';
  if (listed.pretrainPath) {
    if (root.pretrain !== undefined) {
      c.add(listed.pretrainPath, 'pre-training is given twice (top-level pretrain: and in the rewards list); keep one');
    } else {
      pretrainPath = listed.pretrainPath;
      pretrain = checkPretrain(c, pretrainPath, listed.pretrain);
    }
  }
  const llm = root.llm === undefined ? undefined : c.check(() => obj('llm', root.llm), undefined);
  const budget = checkBudget(c, root.budget);
  if (agent && env) {
    checkOneRollout(c, 'budget.steps', budget.steps, agent, env.numEnvs);
    if (pretrain) checkOneRollout(c, `${pretrainPath}.steps`, pretrain.steps, agent, env.numEnvs);
  }
  const seeds = checkSeeds(c, root);
  const ev = checkEval(c, root.eval);
  const ck = root.checkpoint === undefined ? {} : c.check(() => obj('checkpoint', root.checkpoint), {});
  onlyKeys(c, 'checkpoint', ck, ['every']);
  const checkpoint = {
    every: c.check(() => int('checkpoint.every', ck.every, DEFAULT_CHECKPOINT_EVERY, 0), DEFAULT_CHECKPOINT_EVERY),
  };
  const out = root.output === undefined ? {} : c.check(() => obj('output', root.output), {});
  onlyKeys(c, 'output', out, ['dir']);
  if (out.dir !== undefined && typeof out.dir !== 'string') {
    c.add('output.dir', `expected a directory path, got ${show(out.dir)}`);
  }
  const output = { dir: typeof out.dir === 'string' ? out.dir : `runs/${name}` };
  const target = checkTarget(c, root.target);
  const bench = root.bench === undefined ? undefined : c.check(() => obj('bench', root.bench), undefined);
  c.throwIfAny();
  return {
    name,
    env: env!,
    agent: agent!.agent,
    rewards: listed.rewards,
    llm,
    budget,
    seeds,
    eval: ev,
    checkpoint,
    output,
    target,
    ...(bench ? { bench } : {}),
    ...(pretrain ? { pretrain } : {}),
  };
}

/**
 * Load and validate a scenario from a YAML/JSON file or an object; every error names the file. A reward component's
 * relative `file:` is resolved against the scenario file's directory (an object's, against the working directory).
 */
export function loadScenario(
  source: string | Record<string, unknown>,
  registry: ScenarioRegistry = builtinRegistry(),
): Scenario {
  if (typeof source !== 'string') return validateScenario(source, registry);
  const doc = resolveRewardFiles(readScenarioFile(source), dirname(resolve(source)));
  const base = source.replace(/^.*[\\/]/, '').replace(/\.(ya?ml|json)$/, '');
  try {
    return validateScenario(doc, registry, base);
  } catch (e) {
    const list = scenarioErrorList(e);
    if (!list) throw e;
    const c = new ErrorCollector();
    c.list.push(...list);
    c.throwIfAny(source);
    throw e;
  }
}
