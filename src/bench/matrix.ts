import { createHash } from 'node:crypto';
import { RxgymError } from '../core/env.js';

/** One cell of the benchmark matrix: an env, a named reward stack and a seed. */
export interface BenchRun {
  /** Directory-safe unique key: `<env>__<stack>__s<seed>`. */
  key: string;
  env: string;
  rewards: string;
  seed: number;
  /** The complete scenario of this run (the base scenario with env, rewards and seed substituted). */
  scenario: Record<string, unknown>;
  /** Step budget, for the progress bar. */
  steps: number;
}

/** A parsed benchmark: its name, fingerprint (of the whole matrix) and runs. */
export interface BenchPlan { name: string; fingerprint: string; runs: BenchRun[]; envs: string[]; stacks: string[]; seeds: number[] }

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function err(path: string, detail: string): RxgymError {
  return new RxgymError(`${path}: ${detail}`);
}

/** The scenario's env id (`env: Id` or `env: { id: Id }`). */
function envIdOf(s: Record<string, unknown>): string | undefined {
  const e = s.env;
  if (typeof e === 'string') return e;
  if (isObj(e) && typeof e.id === 'string') return e.id;
  return undefined;
}

/** The scenario's step budget (`budget.steps`, `budget: N`, `steps` or `totalSteps`). */
export function budgetOf(s: Record<string, unknown>): number | undefined {
  const b = s.budget;
  if (typeof b === 'number') return b;
  if (isObj(b) && typeof b.steps === 'number') return b.steps;
  if (typeof s.steps === 'number') return s.steps;
  if (typeof s.totalSteps === 'number') return s.totalSteps;
  return undefined;
}

function withEnv(s: Record<string, unknown>, id: string): Record<string, unknown> {
  const e = s.env;
  return { ...s, env: isObj(e) ? { ...e, id } : id };
}

const safe = (x: string): string => x.replace(/[^\w.-]+/g, '_');

/**
 * Expand a bench file: a scenario with a `bench:` section
 * `{ name?, envs?: [id...], rewards?: { <stack name>: [component...] }, seeds: [n...] }`.
 * Missing `envs`/`rewards` mean the scenario's own env / reward stack. Every error names its key path.
 */
export function planBench(doc: unknown, defaultName: string): BenchPlan {
  if (!isObj(doc)) throw err('(top level)', 'expected a scenario mapping with a `bench:` section');
  const bench = doc.bench;
  if (!isObj(bench)) throw err('bench', 'missing: a bench file is a scenario with `bench: { envs: [...], rewards: { name: [...] }, seeds: [...] }`');
  const known = new Set(['name', 'envs', 'rewards', 'seeds']);
  for (const k of Object.keys(bench)) if (!known.has(k)) throw err(`bench.${k}`, `unknown key; known keys: ${[...known].join(', ')}`);
  const base: Record<string, unknown> = { ...doc };
  delete base.bench;
  const name = bench.name ?? (typeof doc.name === 'string' ? doc.name : defaultName);
  if (typeof name !== 'string' || !name) throw err('bench.name', `expected a non-empty string, got ${JSON.stringify(name)}`);

  let envs: string[];
  if (bench.envs === undefined) {
    const id = envIdOf(base);
    if (!id) throw err('bench.envs', 'missing, and the scenario has no env id to default to');
    envs = [id];
  } else {
    if (!Array.isArray(bench.envs) || bench.envs.length === 0) throw err('bench.envs', `expected a non-empty list of env ids, got ${JSON.stringify(bench.envs)}`);
    envs = bench.envs.map((e, i) => {
      if (typeof e !== 'string' || !e) throw err(`bench.envs[${i}]`, `expected an env id, got ${JSON.stringify(e)}`);
      return e;
    });
  }

  const stacks: Record<string, unknown> = {};
  if (bench.rewards === undefined) stacks[base.rewards === undefined ? 'extrinsic' : 'scenario'] = base.rewards;
  else {
    if (!isObj(bench.rewards) || Object.keys(bench.rewards).length === 0) throw err('bench.rewards', 'expected a mapping of stack name to a reward component list');
    for (const [k, v] of Object.entries(bench.rewards)) {
      if (!Array.isArray(v)) throw err(`bench.rewards.${k}`, `expected a list of reward components (e.g. [{ source: extrinsic }]), got ${JSON.stringify(v)}`);
      stacks[k] = v;
    }
  }

  if (!Array.isArray(bench.seeds) || bench.seeds.length === 0) throw err('bench.seeds', `expected a non-empty list of integer seeds, got ${JSON.stringify(bench.seeds)}`);
  const seeds = bench.seeds.map((s, i) => {
    if (!Number.isInteger(s) || (s as number) < 0) throw err(`bench.seeds[${i}]`, `expected a non-negative integer, got ${JSON.stringify(s)}`);
    return s as number;
  });
  if (new Set(seeds).size !== seeds.length) throw err('bench.seeds', 'seeds repeat');

  const steps = budgetOf(base);
  if (steps === undefined || !(steps > 0)) throw err('budget', 'the scenario needs a step budget (budget.steps) for a benchmark');

  const runs: BenchRun[] = [];
  for (const env of envs) {
    for (const [stack, rewards] of Object.entries(stacks)) {
      for (const seed of seeds) {
        const scenario = withEnv(base, env);
        if (rewards === undefined) delete scenario.rewards;
        else scenario.rewards = rewards;
        scenario.seed = seed;
        if ('seeds' in scenario) delete scenario.seeds;
        runs.push({ key: `${safe(env)}__${safe(stack)}__s${seed}`, env, rewards: stack, seed, scenario, steps });
      }
    }
  }
  const fingerprint = createHash('sha256').update(JSON.stringify({ name, base, envs, stacks, seeds })).digest('hex').slice(0, 16);
  return { name, fingerprint, runs, envs, stacks: Object.keys(stacks), seeds };
}
