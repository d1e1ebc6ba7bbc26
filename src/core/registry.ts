import type { Env, EnvSpec } from './env.js';
import { RxgymError } from './env.js';
import { OrderEnforcing } from './wrappers/order-enforcing.js';
import { TimeLimit } from './wrappers/time-limit.js';
import { PassiveEnvChecker } from './checker/passive.js';

/** What `register` takes. */
export interface RegisterOptions {
  id: string;
  entryPoint: (kwargs: Record<string, unknown>) => Env<unknown, unknown>;
  maxEpisodeSteps?: number;
  rewardThreshold?: number;
  nondeterministic?: boolean;
  kwargs?: Record<string, unknown>;
  family?: string;
}

/** Options of `make` beyond the env's own kwargs. */
export interface MakeOptions {
  /** Overrides the spec's episode limit; -1 disables TimeLimit. */
  maxEpisodeSteps?: number;
  disableEnvChecker?: boolean;
}

const ID_RE = /^(?:([\w:-]+)\/)?([\w:.-]+?)(?:-v(\d+))?$/;
const registry = new Map<string, EnvSpec>();

/** A hook run by `make` around the raw env (the passive checker plugs in here). */
type EnvHook = (env: Env<unknown, unknown>) => Env<unknown, unknown>;
let passiveChecker: EnvHook | undefined = (env) => new PassiveEnvChecker(env);
/** Replace the wrapper `make` applies as passive checker (default: PassiveEnvChecker from src/core/checker). */
export function setPassiveChecker(hook: EnvHook): void {
  passiveChecker = hook;
}

/** Split an id into namespace, name and version. */
export function parseId(id: string): { namespace?: string; name: string; version?: number } {
  const m = ID_RE.exec(id);
  if (!m) throw new RxgymError(`malformed env id "${id}"; ids look like [namespace/]Name-vN, e.g. "CartPole-v1"`);
  return { namespace: m[1], name: m[2]!, version: m[3] === undefined ? undefined : Number(m[3]) };
}

/** Register an env id. Re-registering an id replaces it. */
export function register(opts: RegisterOptions): void {
  parseId(opts.id);
  registry.set(opts.id, {
    id: opts.id,
    entryPoint: opts.entryPoint,
    maxEpisodeSteps: opts.maxEpisodeSteps,
    rewardThreshold: opts.rewardThreshold,
    nondeterministic: opts.nondeterministic ?? false,
    kwargs: { ...(opts.kwargs ?? {}) },
    family: opts.family,
  });
}

/** All registered specs, sorted by id. */
export function specs(): EnvSpec[] {
  return [...registry.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The spec of `id`, or a clear error with the closest registered ids. */
export function spec(id: string): EnvSpec {
  const s = registry.get(id);
  if (s) return s;
  const { namespace, name } = parseId(id);
  const sameName = specs().filter((x) => {
    const p = parseId(x.id);
    return p.name === name && p.namespace === namespace;
  });
  if (sameName.length > 0) {
    throw new RxgymError(`env "${id}" has no such version; registered versions: ${sameName.map((x) => `"${x.id}"`).join(', ')}`);
  }
  const close = closest(id, specs().map((x) => x.id), 3);
  const hint = close.length ? `; did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : '; run `rxgym envs` to list the registered ids';
  throw new RxgymError(`unknown env id "${id}"${hint}`);
}

/** Build an env: kwargs merged over the spec's, then the passive checker, OrderEnforcing and TimeLimit. */
export function make<O = unknown, A = unknown>(id: string, kwargs: Record<string, unknown> = {}, opts: MakeOptions = {}): Env<O, A> {
  const s = spec(id);
  const merged = { ...structuredClone(s.kwargs), ...kwargs };
  let env = s.entryPoint(merged);
  env.spec = { ...s, kwargs: merged };
  if (passiveChecker && !opts.disableEnvChecker) env = passiveChecker(env);
  env = new OrderEnforcing(env);
  const limit = opts.maxEpisodeSteps ?? s.maxEpisodeSteps;
  if (limit !== undefined && limit !== -1) env = new TimeLimit(env, limit);
  return env as Env<O, A>;
}

/** The `k` registered ids nearest to `id` by edit distance (case-insensitive). */
export function closest(id: string, ids: string[], k: number): string[] {
  const a = id.toLowerCase();
  return ids
    .map((x) => ({ x, d: editDistance(a, x.toLowerCase()) }))
    .filter(({ d, x }) => d <= Math.max(3, Math.floor(x.length / 3)))
    .sort((p, q) => p.d - q.d || p.x.localeCompare(q.x))
    .slice(0, k)
    .map(({ x }) => x);
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = t;
    }
  }
  return prev[b.length]!;
}
