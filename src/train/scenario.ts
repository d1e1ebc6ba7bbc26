import { ScenarioError, checkParam, closestName, resolveParams, show } from '../core/params.js';
import type { AgentDefinition } from '../core/agent.js';
import type { Registry } from '../core/registry.js';
import { RxgymError } from '../core/env.js';
import { ErrorCollector, checkName, safeName, scenarioErrorList } from './scenario-errors.js';
import { readScenarioFile } from './scenario-file.js';

export { ScenarioErrors, scenarioErrorList, checkName, safeName } from './scenario-errors.js';

/** What validating a scenario needs of the registry: the agent types (their hyper-parameter schemas). */
export type ScenarioRegistry = Pick<Registry, 'agents'>;

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

function obj(path: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ScenarioError(path, `expected a mapping, got ${show(v)}`);
  return v as Record<string, unknown>;
}

/** Record every key of `o` (at `path`) that is not one of `keys`. */
function onlyKeys(c: ErrorCollector, path: string, o: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (keys.includes(k)) continue;
    const hint = closestName(k, keys);
    c.add(path ? `${path}.${k}` : k, `unknown key${hint ? `; did you mean "${hint}"?` : ''} (known: ${keys.join(', ')})`);
  }
}

const int = (path: string, v: unknown, dflt: number, min = 1): number =>
  v === undefined ? dflt : (checkParam(path, v, { kind: 'number', integer: true, min, default: dflt, doc: '' }) as number);
const posInt = (path: string, v: unknown, dflt: number): number =>
  v === undefined ? dflt : (checkParam(path, v, { kind: 'number', integer: true, positive: true, default: dflt, doc: '' }) as number);
const seedList = (path: string, v: unknown): number[] =>
  checkParam(path, v, { kind: 'numbers', integer: true, default: [], doc: '' }) as number[];
const positiveInts = (path: string, v: unknown): void =>
  void checkParam(path, v, { kind: 'numbers', integer: true, positive: true, default: [], doc: '' });

/**
 * Check a `pretrain:` section at `path`: `{ steps: positive integer, rewards: [intrinsic components...] }`.
 * Pre-training is reward-free, so an extrinsic component is refused unless its weight is 0.
 */
function checkPretrain(c: ErrorCollector, path: string, v: unknown): { steps: number; rewards: Record<string, unknown>[] } | undefined {
  const p = c.check(() => obj(path, v), undefined);
  if (!p) return undefined;
  const before = c.list.length;
  onlyKeys(c, path, p, ['steps', 'rewards']);
  let steps = 0;
  if (p.steps === undefined) c.add(`${path}.steps`, 'missing; the number of reward-free pre-training env steps');
  else steps = c.check(() => posInt(`${path}.steps`, p.steps, 1), 0);
  const rewards: Record<string, unknown>[] = [];
  if (!Array.isArray(p.rewards) || p.rewards.length === 0) {
    c.add(`${path}.rewards`, `expected a non-empty list of intrinsic reward components like [{ source: rnd }], got ${show(p.rewards)}`);
  } else {
    p.rewards.forEach((x, i) => {
      const o = c.check(() => obj(`${path}.rewards[${i}]`, x), undefined);
      if (!o) return;
      if (typeof o.source !== 'string') c.add(`${path}.rewards[${i}].source`, `expected a reward source name, got ${show(o.source)}`);
      else if (o.source === 'extrinsic' && o.weight !== 0) {
        c.add(`${path}.rewards[${i}].source`, 'pre-training is reward-free: drop the extrinsic component (or give it weight 0); the task reward belongs in the scenario\'s own rewards, used when fine-tuning');
      }
      rewards.push(o);
    });
  }
  return c.list.length === before ? { steps, rewards } : undefined;
}

function checkNetwork(c: ErrorCollector, path: string, v: unknown): void {
  const n = c.check(() => obj(path, v), undefined);
  if (!n) return;
  onlyKeys(c, path, n, ['hidden', 'activation', 'glyph', 'message']);
  if (n.hidden !== undefined) c.check(() => positiveInts(`${path}.hidden`, n.hidden), undefined);
  if (n.activation !== undefined) c.check(() => checkParam(`${path}.activation`, n.activation, { kind: 'enum', values: ['tanh', 'relu'], default: 'tanh', doc: '' }), undefined);
  if (n.glyph !== undefined) {
    const g = c.check(() => obj(`${path}.glyph`, n.glyph), undefined);
    if (g) {
      onlyKeys(c, `${path}.glyph`, g, ['embedDim', 'channels', 'kernel', 'features']);
      for (const k of ['embedDim', 'kernel', 'features']) if (g[k] !== undefined) c.check(() => posInt(`${path}.glyph.${k}`, g[k], 1), 0);
      if (g.channels !== undefined) c.check(() => positiveInts(`${path}.glyph.channels`, g.channels), undefined);
    }
  }
  if (n.message !== undefined) {
    const m = c.check(() => obj(`${path}.message`, n.message), undefined);
    if (m) {
      onlyKeys(c, `${path}.message`, m, ['buckets', 'ngrams', 'features']);
      for (const k of ['buckets', 'features']) if (m[k] !== undefined) c.check(() => posInt(`${path}.message.${k}`, m[k], 1), 0);
      if (m.ngrams !== undefined) c.check(() => positiveInts(`${path}.message.ngrams`, m.ngrams), undefined);
    }
  }
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
  if (typeof e.id !== 'string' || e.id === '') c.add('env.id', `expected an env id like "CartPole-v1", got ${show(e.id)}`);
  const env: Scenario['env'] = {
    id: String(e.id),
    kwargs: e.kwargs === undefined ? {} : c.check(() => obj('env.kwargs', e.kwargs), {}),
    numEnvs: c.check(() => posInt('env.numEnvs', e.numEnvs, 8), 8),
    vectorization: e.vectorization === undefined ? 'sync' : c.check(() => checkParam('env.vectorization', e.vectorization, { kind: 'enum', values: ['sync', 'worker'], default: 'sync', doc: '' }) as 'sync' | 'worker', 'sync'),
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

/** The agent (type and complete hyper-parameters) and its definition; undefined when anything in it is wrong. */
function checkAgent(c: ErrorCollector, v: unknown, registry: ScenarioRegistry): { agent: Scenario['agent']; def: AgentDefinition } | undefined {
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
  if (given.network !== undefined) checkNetwork(c, 'agent.network', given.network);
  if (!def) return undefined;
  // One key at a time, so that every bad hyper-parameter is reported, not only the first.
  for (const [k, x] of Object.entries(given)) c.check(() => resolveParams('agent', { [k]: x }, def.params), undefined);
  if (c.list.length !== before) return undefined;
  return { agent: { type: def.type, params: resolveParams('agent', given, def.params) }, def };
}

/** The rewards list and a `{ pretrain }` entry in it (a bench reward stack's own pre-training). */
function checkRewards(c: ErrorCollector, v: unknown): { rewards?: Record<string, unknown>[]; pretrain?: unknown; pretrainPath?: string } {
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
      if (pretrainPath) c.add(`rewards[${i}].pretrain`, `pre-training is given twice (${pretrainPath} and here); keep one`);
      else [pretrain, pretrainPath] = [o.pretrain, `rewards[${i}].pretrain`];
      return;
    }
    if (typeof o.source !== 'string') c.add(`rewards[${i}].source`, `expected a reward source name, got ${show(o.source)}`);
    else rewards.push(o);
  });
  // a list holding only the pre-training entry leaves the task reward at its default (extrinsic only)
  return { rewards: rewards.length === 0 && v.length > 0 ? undefined : rewards, pretrain, pretrainPath };
}

function checkEval(c: ErrorCollector, v: unknown): Scenario['eval'] {
  const e = v === undefined ? {} : c.check(() => obj('eval', v), {});
  onlyKeys(c, 'eval', e, ['every', 'episodes', 'seeds', 'deterministic']);
  const episodes = c.check(() => posInt('eval.episodes', e.episodes, Array.isArray(e.seeds) ? e.seeds.length : 10), 10);
  const seeds = e.seeds === undefined ? Array.from({ length: episodes }, (_, i) => 100_000 + i) : c.check(() => seedList('eval.seeds', e.seeds), []);
  if (e.seeds !== undefined && Array.isArray(e.seeds) && seeds.length !== episodes) {
    c.add('eval.seeds', `expected ${episodes} seeds (one per eval episode), got ${seeds.length}`);
  }
  return {
    every: c.check(() => int('eval.every', e.every, 0, 0), 0),
    episodes,
    seeds,
    deterministic: e.deterministic === undefined ? true : c.check(() => checkParam('eval.deterministic', e.deterministic, { kind: 'boolean', default: true, doc: '' }) as boolean, true),
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
  seeds.forEach((s, i) => { if (s < 0) c.add(`seeds[${i}]`, `expected a non-negative integer, got ${s}`); });
  return seeds;
}

/** Refuse a step budget at `path` smaller than one rollout batch: the run would train 0 steps. */
function checkOneRollout(c: ErrorCollector, path: string, steps: number, def: AgentDefinition, params: Record<string, unknown>, numEnvs: number): void {
  const perEnv = def.rolloutSteps(params);
  const batch = perEnv * numEnvs;
  if (steps > 0 && steps < batch) {
    c.add(path, `${steps} is less than one rollout (${perEnv} steps x ${numEnvs} envs = ${batch} env steps), so nothing would be trained; ` +
      `give at least ${batch}, or lower agent.numSteps or env.numEnvs`);
  }
}

/**
 * Validate a parsed scenario object against the registry's agent types. Every error is reported, one line each,
 * naming its key path (`agent.lr: expected a positive number, got "fast"`): one error is thrown as a ScenarioError,
 * several as ScenarioErrors.
 */
export function validateScenario(raw: unknown, registry: ScenarioRegistry, defaultName = 'run'): Scenario {
  const root = obj('scenario', raw);
  const c = new ErrorCollector();
  onlyKeys(c, '', root, TOP);
  const name = root.name === undefined ? safeName(defaultName) : c.check(() => checkName('name', root.name), 'run');
  const env = checkEnv(c, root.env);
  const agent = checkAgent(c, root.agent, registry);

  const listed = checkRewards(c, root.rewards);
  let pretrain = root.pretrain === undefined ? undefined : checkPretrain(c, 'pretrain', root.pretrain);
  if (listed.pretrainPath) {
    if (root.pretrain !== undefined) c.add(listed.pretrainPath, 'pre-training is given twice (top-level pretrain: and in the rewards list); keep one');
    else pretrain = checkPretrain(c, listed.pretrainPath, listed.pretrain);
  }
  const llm = root.llm === undefined ? undefined : c.check(() => obj('llm', root.llm), undefined);

  let budget = { steps: 0 };
  if (root.budget === undefined) c.add('budget', 'missing; give e.g. { steps: 200000 }');
  else {
    const b = typeof root.budget === 'number' ? { steps: root.budget } : c.check(() => obj('budget', root.budget), undefined);
    if (b) {
      onlyKeys(c, 'budget', b, ['steps']);
      if (b.steps === undefined) c.add('budget.steps', 'missing; the number of environment steps to train for');
      else budget = { steps: c.check(() => posInt('budget.steps', b.steps, 0), 0) };
    }
  }
  if (agent && env) {
    checkOneRollout(c, 'budget.steps', budget.steps, agent.def, agent.agent.params, env.numEnvs);
    if (pretrain) checkOneRollout(c, listed.pretrainPath && !root.pretrain ? `${listed.pretrainPath}.steps` : 'pretrain.steps', pretrain.steps, agent.def, agent.agent.params, env.numEnvs);
  }

  const seeds = checkSeeds(c, root);
  const ev = checkEval(c, root.eval);
  const ck = root.checkpoint === undefined ? {} : c.check(() => obj('checkpoint', root.checkpoint), {});
  onlyKeys(c, 'checkpoint', ck, ['every']);
  const checkpoint = { every: c.check(() => int('checkpoint.every', ck.every, 0, 0), 0) };
  const out = root.output === undefined ? {} : c.check(() => obj('output', root.output), {});
  onlyKeys(c, 'output', out, ['dir']);
  if (out.dir !== undefined && typeof out.dir !== 'string') c.add('output.dir', `expected a directory path, got ${show(out.dir)}`);
  const output = { dir: typeof out.dir === 'string' ? out.dir : `runs/${name}` };

  let target: Scenario['target'];
  if (root.target !== undefined) {
    const t = c.check(() => obj('target', root.target), {});
    onlyKeys(c, 'target', t, ['metric', 'atLeast']);
    target = {
      metric: c.check(() => checkParam('target.metric', t.metric, { kind: 'enum', values: ['evalReturn', 'successRate'], default: 'evalReturn', doc: '' }) as 'evalReturn' | 'successRate', 'evalReturn'),
      atLeast: c.check(() => checkParam('target.atLeast', t.atLeast, { kind: 'number', default: 0, doc: '' }) as number, 0),
    };
  }
  const bench = root.bench === undefined ? undefined : c.check(() => obj('bench', root.bench), undefined);
  c.throwIfAny();
  return {
    name, env: env!, agent: agent!.agent, rewards: listed.rewards, llm, budget, seeds, eval: ev, checkpoint, output, target,
    ...(bench ? { bench } : {}), ...(pretrain ? { pretrain } : {}),
  };
}

/** Load and validate a scenario from a YAML/JSON file or an object; every error names the file. */
export function loadScenario(source: string | Record<string, unknown>, registry: ScenarioRegistry): Scenario {
  if (typeof source !== 'string') return validateScenario(source, registry);
  const doc = readScenarioFile(source);
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
