import { createHash } from 'node:crypto';
import { RxgymError } from '../core/env.js';
import { ScenarioError } from '../core/params.js';
import { ErrorCollector, checkName } from '../train/scenario-errors.js';

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
export interface BenchPlan {
  name: string;
  fingerprint: string;
  runs: BenchRun[];
  envs: string[];
  stacks: string[];
  seeds: number[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
 * Missing `envs`/`rewards` mean the scenario's own env / reward stack.
 * Every error is reported, each naming its key path.
 */
export function planBench(doc: unknown, defaultName: string): BenchPlan {
  if (!isObj(doc)) throw new RxgymError('(top level): expected a scenario mapping with a `bench:` section');
  const c = new ErrorCollector();
  const bench = doc.bench;
  if (!isObj(bench)) {
    const like = '`bench: { envs: [...], rewards: { name: [...] }, seeds: [...] }`';
    throw new ScenarioError('bench', `missing: a bench file is a scenario with ${like}`);
  }
  const known = new Set(['name', 'envs', 'rewards', 'seeds']);
  for (const k of Object.keys(bench)) {
    if (!known.has(k)) c.add(`bench.${k}`, `unknown key; known keys: ${[...known].join(', ')}`);
  }
  const base: Record<string, unknown> = { ...doc };
  delete base.bench;
  // The name names the output directory (runs/bench-<name>): the same safe characters as a scenario name.
  const name =
    bench.name !== undefined
      ? c.check(() => checkName('bench.name', bench.name), defaultName)
      : doc.name !== undefined
        ? c.check(() => checkName('name', doc.name), defaultName)
        : defaultName;

  let envs: string[] = [];
  if (bench.envs === undefined) {
    const id = envIdOf(base);
    if (!id) c.add('bench.envs', 'missing, and the scenario has no env id to default to');
    else envs = [id];
  } else if (!Array.isArray(bench.envs) || bench.envs.length === 0) {
    c.add('bench.envs', `expected a non-empty list of env ids, got ${JSON.stringify(bench.envs)}`);
  } else {
    bench.envs.forEach((e, i) => {
      if (typeof e !== 'string' || !e) c.add(`bench.envs[${i}]`, `expected an env id, got ${JSON.stringify(e)}`);
      else envs.push(e);
    });
  }

  const stacks: Record<string, unknown> = {};
  if (bench.rewards === undefined) stacks[base.rewards === undefined ? 'extrinsic' : 'scenario'] = base.rewards;
  else if (!isObj(bench.rewards) || Object.keys(bench.rewards).length === 0) {
    c.add('bench.rewards', 'expected a mapping of stack name to a reward component list');
  } else {
    for (const [k, v] of Object.entries(bench.rewards)) {
      const like = 'expected a list of reward components (e.g. [{ source: extrinsic }])';
      if (Array.isArray(v)) stacks[k] = v;
      else c.add(`bench.rewards.${k}`, `${like}, got ${JSON.stringify(v)}`);
    }
  }

  const seeds: number[] = [];
  if (!Array.isArray(bench.seeds) || bench.seeds.length === 0) {
    c.add('bench.seeds', `expected a non-empty list of integer seeds, got ${JSON.stringify(bench.seeds)}`);
  } else {
    bench.seeds.forEach((s, i) => {
      if (Number.isInteger(s) && (s as number) >= 0) seeds.push(s as number);
      else c.add(`bench.seeds[${i}]`, `expected a non-negative integer, got ${JSON.stringify(s)}`);
    });
    if (new Set(seeds).size !== seeds.length) c.add('bench.seeds', 'seeds repeat');
  }

  const steps = budgetOf(base);
  if (steps === undefined || !(steps > 0)) {
    c.add('budget', 'the scenario needs a step budget (budget.steps) for a benchmark');
  }
  c.throwIfAny();

  const runs: BenchRun[] = [];
  const keys = new Map<string, string>();
  for (const env of envs) {
    for (const [stack, rewards] of Object.entries(stacks)) {
      for (const seed of seeds) {
        const scenario = withEnv(base, env);
        if (rewards === undefined) delete scenario.rewards;
        else scenario.rewards = rewards;
        scenario.seed = seed;
        if ('seeds' in scenario) delete scenario.seeds;
        const key = `${safe(env)}__${safe(stack)}__s${seed}`;
        const other = keys.get(key);
        if (other !== undefined && other !== `${env}/${stack}` && seed === seeds[0]) {
          const why = `${other} and ${env}/${stack} would share the run directory runs/${key}`;
          c.add('bench', `${why}; rename a reward stack`);
        }
        keys.set(key, `${env}/${stack}`);
        runs.push({ key, env, rewards: stack, seed, scenario, steps: steps! });
      }
    }
  }
  c.throwIfAny();
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ name, base, envs, stacks, seeds }))
    .digest('hex')
    .slice(0, 16);
  return { name, fingerprint, runs, envs, stacks: Object.keys(stacks), seeds };
}

/**
 * `--only`: a comma-separated list of patterns over run keys (`<env>__<stack>__s<seed>`, as `--list` prints them),
 * `*` matching any text; a run is selected when one pattern matches its whole key. A pattern that selects nothing is
 * an error naming it, so a typo does not silently run nothing.
 */
export function onlyFilter(text: string, plan: BenchPlan): (run: BenchRun) => boolean {
  const patterns = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (patterns.length === 0) throw new RxgymError('--only is empty; give run key patterns, e.g. --only "*__rnd__*"');
  const regexes = patterns.map((p) => {
    const body = p
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return { p, re: new RegExp(`^${body}$`) };
  });
  for (const { p, re } of regexes) {
    if (!plan.runs.some((r) => re.test(r.key))) {
      throw new RxgymError(
        `--only "${p}" matches none of the ${plan.runs.length} runs of benchmark "${plan.name}"; run keys look like ` +
          `${plan.runs[0]?.key ?? '?'} (--list prints them all), and * matches any text`,
      );
    }
  }
  return (run) => regexes.some(({ re }) => re.test(run.key));
}
