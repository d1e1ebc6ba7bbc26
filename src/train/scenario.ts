import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { RxgymError } from '../core/env.js';
import { agentDefinition, agentTypes } from '../core/agent.js';
import { ScenarioError, checkParam, closestName, resolveParams, show } from '../core/params.js';

/** A validated scenario: env, agent and hyper-parameters, reward stack, budget, seeds, evaluation, output. */
export interface Scenario {
  name: string;
  /** `maxEpisodeSteps` (absent: the env's registered limit; -1: no limit) is passed to `make` for training and evaluation envs. */
  env: { id: string; kwargs: Record<string, unknown>; numEnvs: number; vectorization: 'sync' | 'worker'; maxEpisodeSteps?: number };
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
   * URLB's protocol: first `steps` env steps of reward-free pre-training on `rewards` (intrinsic components only), then the
   * run proper (its `rewards`, `budget`, evaluation) fine-tunes from the pre-trained weights. `budget` counts fine-tuning steps.
   */
  pretrain?: { steps: number; rewards: Record<string, unknown>[] };
}

const TOP = ['name', 'description', 'env', 'agent', 'rewards', 'llm', 'budget', 'seeds', 'seed', 'eval', 'checkpoint', 'output', 'target', 'bench', 'pretrain'];

/**
 * Validate a `pretrain:` section at `path`: `{ steps: positive integer, rewards: [intrinsic components...] }`.
 * Pre-training is reward-free, so an extrinsic component is refused unless its weight is 0.
 */
function checkPretrain(path: string, v: unknown): { steps: number; rewards: Record<string, unknown>[] } {
  const p = obj(path, v);
  onlyKeys(path, p, ['steps', 'rewards']);
  if (p.steps === undefined) throw new ScenarioError(`${path}.steps`, 'missing; the number of reward-free pre-training env steps');
  const steps = posInt(`${path}.steps`, p.steps, 1);
  if (!Array.isArray(p.rewards) || p.rewards.length === 0) {
    throw new ScenarioError(`${path}.rewards`, `expected a non-empty list of intrinsic reward components like [{ source: rnd }], got ${show(p.rewards)}`);
  }
  const rewards = p.rewards.map((c, i) => {
    const o = obj(`${path}.rewards[${i}]`, c);
    if (typeof o.source !== 'string') throw new ScenarioError(`${path}.rewards[${i}].source`, `expected a reward source name, got ${show(o.source)}`);
    if (o.source === 'extrinsic' && o.weight !== 0) {
      throw new ScenarioError(`${path}.rewards[${i}].source`, 'pre-training is reward-free: drop the extrinsic component (or give it weight 0); the task reward belongs in the scenario\'s own rewards, used when fine-tuning');
    }
    return o;
  });
  return { steps, rewards };
}

function obj(path: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ScenarioError(path, `expected a mapping, got ${show(v)}`);
  return v as Record<string, unknown>;
}

function onlyKeys(path: string, o: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) {
      const hint = closestName(k, keys);
      throw new ScenarioError(path ? `${path}.${k}` : k, `unknown key${hint ? `; did you mean "${hint}"?` : ''} (known: ${keys.join(', ')})`);
    }
  }
}

const int = (path: string, v: unknown, dflt: number, min = 1): number =>
  v === undefined ? dflt : (checkParam(path, v, { kind: 'number', integer: true, min, default: dflt, doc: '' }) as number);
const posInt = (path: string, v: unknown, dflt: number): number =>
  v === undefined ? dflt : (checkParam(path, v, { kind: 'number', integer: true, positive: true, default: dflt, doc: '' }) as number);
const seedList = (path: string, v: unknown): number[] =>
  checkParam(path, v, { kind: 'numbers', integer: true, default: [], doc: '' }) as number[];

function checkNetwork(path: string, v: unknown): void {
  const n = obj(path, v);
  onlyKeys(path, n, ['hidden', 'activation', 'glyph', 'message']);
  if (n.hidden !== undefined) checkParam(`${path}.hidden`, n.hidden, { kind: 'numbers', integer: true, positive: true, default: [], doc: '' });
  if (n.activation !== undefined) checkParam(`${path}.activation`, n.activation, { kind: 'enum', values: ['tanh', 'relu'], default: 'tanh', doc: '' });
  if (n.glyph !== undefined) {
    const g = obj(`${path}.glyph`, n.glyph);
    onlyKeys(`${path}.glyph`, g, ['embedDim', 'channels', 'kernel', 'features']);
    for (const k of ['embedDim', 'kernel', 'features']) if (g[k] !== undefined) posInt(`${path}.glyph.${k}`, g[k], 1);
    if (g.channels !== undefined) checkParam(`${path}.glyph.channels`, g.channels, { kind: 'numbers', integer: true, positive: true, default: [], doc: '' });
  }
  if (n.message !== undefined) {
    const m = obj(`${path}.message`, n.message);
    onlyKeys(`${path}.message`, m, ['buckets', 'ngrams', 'features']);
    for (const k of ['buckets', 'features']) if (m[k] !== undefined) posInt(`${path}.message.${k}`, m[k], 1);
    if (m.ngrams !== undefined) checkParam(`${path}.message.ngrams`, m.ngrams, { kind: 'numbers', integer: true, positive: true, default: [], doc: '' });
  }
}

/** Validate a parsed scenario object; every error names its key path (`agent.lr: expected a positive number, got "fast"`). */
export function validateScenario(raw: unknown, defaultName = 'run'): Scenario {
  const root = obj('scenario', raw);
  onlyKeys('', root, TOP);
  const name = root.name === undefined ? defaultName : String(root.name);
  if (root.env === undefined) throw new ScenarioError('env', 'missing; give at least { id: CartPole-v1 }');
  const envRaw = typeof root.env === 'string' ? { id: root.env } : obj('env', root.env);
  onlyKeys('env', envRaw, ['id', 'kwargs', 'numEnvs', 'vectorization', 'maxEpisodeSteps']);
  if (typeof envRaw.id !== 'string' || envRaw.id === '') throw new ScenarioError('env.id', `expected an env id like "CartPole-v1", got ${show(envRaw.id)}`);
  const env: Scenario['env'] = {
    id: envRaw.id,
    kwargs: envRaw.kwargs === undefined ? {} : obj('env.kwargs', envRaw.kwargs),
    numEnvs: posInt('env.numEnvs', envRaw.numEnvs, 8),
    vectorization: (envRaw.vectorization === undefined ? 'sync' : checkParam('env.vectorization', envRaw.vectorization, { kind: 'enum', values: ['sync', 'worker'], default: 'sync', doc: '' })) as 'sync' | 'worker',
  };
  if (envRaw.maxEpisodeSteps !== undefined) {
    const m = envRaw.maxEpisodeSteps;
    if (m !== -1 && !(typeof m === 'number' && Number.isInteger(m) && m > 0)) {
      throw new ScenarioError('env.maxEpisodeSteps', `expected a positive integer (or -1 for no episode limit), got ${show(m)}`);
    }
    // only set when given, so that scenarios without it keep their run fingerprint (--resume)
    env.maxEpisodeSteps = m;
  }

  if (root.agent === undefined) throw new ScenarioError('agent', `missing; give e.g. { type: ppo } (known agents: ${agentTypes().join(', ')})`);
  const agentRaw = typeof root.agent === 'string' ? { type: root.agent } : { ...obj('agent', root.agent) };
  if (typeof agentRaw.type !== 'string') throw new ScenarioError('agent.type', `expected an agent name (${agentTypes().join(', ')}), got ${show(agentRaw.type)}`);
  const def = agentDefinition(agentRaw.type, 'agent.type');
  const { type, ...given } = agentRaw as Record<string, unknown> & { type: string };
  if (given.network !== undefined) checkNetwork('agent.network', given.network);
  const params = resolveParams('agent', given, def.params);

  let rewards: Record<string, unknown>[] | undefined;
  let pretrain = root.pretrain === undefined ? undefined : checkPretrain('pretrain', root.pretrain);
  if (root.rewards !== undefined) {
    if (!Array.isArray(root.rewards)) throw new ScenarioError('rewards', `expected a list of reward components like [{ source: extrinsic, weight: 1 }], got ${show(root.rewards)}`);
    rewards = [];
    root.rewards.forEach((c, i) => {
      const o = obj(`rewards[${i}]`, c);
      // A `{ pretrain: {...} }` entry lets a bench reward stack carry its own pre-training (bench stacks are reward lists).
      if (o.source === undefined && 'pretrain' in o) {
        onlyKeys(`rewards[${i}]`, o, ['pretrain']);
        if (pretrain) throw new ScenarioError(`rewards[${i}].pretrain`, 'pre-training is given twice (top-level pretrain: and in the rewards list); keep one');
        pretrain = checkPretrain(`rewards[${i}].pretrain`, o.pretrain);
        return;
      }
      if (typeof o.source !== 'string') throw new ScenarioError(`rewards[${i}].source`, `expected a reward source name, got ${show(o.source)}`);
      rewards!.push(o);
    });
    // a list holding only the pre-training entry leaves the task reward at its default (extrinsic only)
    if (rewards.length === 0 && root.rewards.length > 0) rewards = undefined;
  }
  const llm = root.llm === undefined ? undefined : obj('llm', root.llm);

  if (root.budget === undefined) throw new ScenarioError('budget', 'missing; give e.g. { steps: 200000 }');
  const budgetRaw = typeof root.budget === 'number' ? { steps: root.budget } : obj('budget', root.budget);
  onlyKeys('budget', budgetRaw, ['steps']);
  const budget = { steps: posInt('budget.steps', budgetRaw.steps, 0) };
  if (budgetRaw.steps === undefined) throw new ScenarioError('budget.steps', 'missing; the number of environment steps to train for');

  if (root.seed !== undefined && root.seeds !== undefined) throw new ScenarioError('seeds', 'give either seed or seeds, not both');
  const seeds = root.seeds !== undefined ? seedList('seeds', root.seeds) : [int('seed', root.seed, 1, 0)];
  if (seeds.length === 0) throw new ScenarioError('seeds', 'expected at least one seed');
  seeds.forEach((s, i) => { if (s < 0) throw new ScenarioError(`seeds[${i}]`, `expected a non-negative integer, got ${s}`); });

  const evRaw = root.eval === undefined ? {} : obj('eval', root.eval);
  onlyKeys('eval', evRaw, ['every', 'episodes', 'seeds', 'deterministic']);
  const episodes = posInt('eval.episodes', evRaw.episodes, evRaw.seeds !== undefined && Array.isArray(evRaw.seeds) ? evRaw.seeds.length : 10);
  const evSeeds = evRaw.seeds === undefined ? Array.from({ length: episodes }, (_, i) => 100_000 + i) : seedList('eval.seeds', evRaw.seeds);
  if (evSeeds.length !== episodes) throw new ScenarioError('eval.seeds', `expected ${episodes} seeds (one per eval episode), got ${evSeeds.length}`);
  const ev = {
    every: int('eval.every', evRaw.every, 0, 0),
    episodes,
    seeds: evSeeds,
    deterministic: evRaw.deterministic === undefined ? true : (checkParam('eval.deterministic', evRaw.deterministic, { kind: 'boolean', default: true, doc: '' }) as boolean),
  };
  const ckRaw = root.checkpoint === undefined ? {} : obj('checkpoint', root.checkpoint);
  onlyKeys('checkpoint', ckRaw, ['every']);
  const checkpoint = { every: int('checkpoint.every', ckRaw.every, 0, 0) };
  const outRaw = root.output === undefined ? {} : obj('output', root.output);
  onlyKeys('output', outRaw, ['dir']);
  if (outRaw.dir !== undefined && typeof outRaw.dir !== 'string') throw new ScenarioError('output.dir', `expected a directory path, got ${show(outRaw.dir)}`);
  const output = { dir: (outRaw.dir as string | undefined) ?? `runs/${name}` };

  let target: Scenario['target'];
  if (root.target !== undefined) {
    const t = obj('target', root.target);
    onlyKeys('target', t, ['metric', 'atLeast']);
    target = {
      metric: checkParam('target.metric', t.metric, { kind: 'enum', values: ['evalReturn', 'successRate'], default: 'evalReturn', doc: '' }) as 'evalReturn' | 'successRate',
      atLeast: checkParam('target.atLeast', t.atLeast, { kind: 'number', default: 0, doc: '' }) as number,
    };
  }
  const bench = root.bench === undefined ? undefined : obj('bench', root.bench);
  return { name, env, agent: { type, params }, rewards, llm, budget, seeds, eval: ev, checkpoint, output, target, ...(bench ? { bench } : {}), ...(pretrain ? { pretrain } : {}) };
}

/** Load and validate a scenario from a YAML/JSON file or an object. */
export function loadScenario(source: string | Record<string, unknown>): Scenario {
  if (typeof source !== 'string') return validateScenario(source);
  if (!existsSync(source)) throw new RxgymError(`scenario file ${source} does not exist`);
  const doc = parseDocument(readFileSync(source, 'utf8'), { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new RxgymError(`${source} does not parse as YAML: ${e.message.split('\n')[0]}${e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : ''}`);
  }
  const base = source.replace(/^.*[\\/]/, '').replace(/\.(ya?ml|json)$/, '');
  try {
    return validateScenario(doc.toJS(), base);
  } catch (e) {
    if (e instanceof ScenarioError) throw new ScenarioError(e.path, `${e.message.slice(e.path.length + 2)} (in ${source})`);
    throw e;
  }
}
