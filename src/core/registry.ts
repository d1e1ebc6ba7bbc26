import type { Env, EnvSource, EnvSpec } from './env.js';
import { RxgymError } from './env.js';
import { OrderEnforcing } from './wrappers/order-enforcing.js';
import { TimeLimit } from './wrappers/time-limit.js';
import { PassiveEnvChecker } from './checker/passive.js';
import { closestNames } from './names.js';
import { AgentRegistry } from './agent.js';
import { RewardRegistry } from './reward.js';

/** What `register` takes. */
export interface RegisterOptions {
  id: string;
  entryPoint: (kwargs: Record<string, unknown>) => Env<unknown, unknown>;
  maxEpisodeSteps?: number;
  rewardThreshold?: number;
  nondeterministic?: boolean;
  kwargs?: Record<string, unknown>;
  family?: string;
  /** The module and registrar export that register this id (pass `import.meta.url`), so worker threads can too. */
  source?: EnvSource;
}

/** Options of `make` beyond the env's own kwargs. */
export interface MakeOptions {
  /** Overrides the spec's episode limit; -1 disables TimeLimit. */
  maxEpisodeSteps?: number;
  disableEnvChecker?: boolean;
}

const ID_RE = /^(?:([\w:-]+)\/)?([\w:.-]+?)(?:-v(\d+))?$/;

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

/** A set of registered env ids: `make(id)` builds them. `envRegistry` is the default one behind `register`/`make`. */
export class EnvRegistry {
  private readonly byId = new Map<string, EnvSpec>();

  /** True when `id` is registered. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Register an env id. Re-registering an id replaces it. */
  register(opts: RegisterOptions): void {
    parseId(opts.id);
    if (typeof opts.entryPoint !== 'function') {
      throw new RxgymError(
        `env "${opts.id}": entryPoint must be a function building the env, e.g. entryPoint: (kw) => new MyEnv(kw)`,
      );
    }
    this.byId.set(opts.id, {
      id: opts.id,
      entryPoint: opts.entryPoint,
      maxEpisodeSteps: opts.maxEpisodeSteps,
      rewardThreshold: opts.rewardThreshold,
      nondeterministic: opts.nondeterministic ?? false,
      kwargs: { ...(opts.kwargs ?? {}) },
      family: opts.family,
      source: opts.source,
    });
  }

  /** All registered specs, sorted by id. */
  specs(): EnvSpec[] {
    return [...this.byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The spec of `id`, or a clear error with the closest registered ids. */
  spec(id: string): EnvSpec {
    const s = this.byId.get(id);
    if (s) return s;
    const { namespace, name } = parseId(id);
    const sameName = this.specs().filter((x) => {
      const p = parseId(x.id);
      return p.name === name && p.namespace === namespace;
    });
    if (sameName.length > 0) {
      throw new RxgymError(
        `env "${id}" has no such version; registered versions: ${sameName.map((x) => `"${x.id}"`).join(', ')}`,
      );
    }
    const close = closestNames(
      id,
      this.specs().map((x) => x.id),
      3,
    );
    const hint = close.length
      ? `; did you mean ${close.map((c) => `"${c}"`).join(' or ')}?`
      : '; run `rxgym envs` to list the registered ids';
    throw new RxgymError(`unknown env id "${id}"${hint}`);
  }

  /** Build an env: kwargs merged over the spec's, then the passive checker, OrderEnforcing and TimeLimit. */
  make<O = unknown, A = unknown>(id: string, kwargs: Record<string, unknown> = {}, opts: MakeOptions = {}): Env<O, A> {
    const s = this.spec(id);
    const merged = { ...cloneKwargs(s.kwargs), ...kwargs };
    let env: Env<unknown, unknown>;
    try {
      env = s.entryPoint(merged);
    } catch (e) {
      throw makeOptionHint(e, kwargs);
    }
    // a block-bodied arrow without `return` is an easy slip in plain JS
    if (typeof env !== 'object' || env === null) {
      throw new RxgymError(
        `env "${id}": its entryPoint returned ${String(env)} instead of an env; return it, e.g. (kw) => new MyEnv(kw)`,
      );
    }
    const limit = opts.maxEpisodeSteps ?? s.maxEpisodeSteps;
    // the spec tells the limit in force (Gymnasium's env.spec.max_episode_steps), not the registered one
    env.spec = { ...s, kwargs: merged, maxEpisodeSteps: limit === -1 ? undefined : limit };
    if (passiveChecker && !opts.disableEnvChecker) env = passiveChecker(env);
    env = new OrderEnforcing(env);
    if (limit !== undefined && limit !== -1) env = new TimeLimit(env, limit);
    return env as Env<O, A>;
  }
}

/** What `make` takes as its third argument; Gymnasium users pass them among the kwargs (max_episode_steps=). */
const MAKE_OPTION_KEYS: readonly (keyof MakeOptions)[] = ['maxEpisodeSteps', 'disableEnvChecker'];

/** An env's unknown-kwarg error for a make option given as a kwarg, plus where it belongs; other errors unchanged. */
function makeOptionHint(e: unknown, kwargs: Record<string, unknown>): unknown {
  if (!(e instanceof RxgymError)) return e;
  const key = MAKE_OPTION_KEYS.find((k) => k in kwargs && e.message.includes(`"${k}"`));
  if (!key) return e;
  // the same error object, so its class (e.g. ScenarioError, a usage error in the CLI) is kept
  e.message = `${e.message}; ${key} is an option of make, not an env kwarg: make(id, kwargs, { ${key}: ... })`;
  return e;
}

/**
 * A copy of registered kwargs for one env, as Gymnasium's deepcopy: plain objects, arrays, typed arrays, Maps and Sets
 * are copied (an env that mutates its kwargs leaves the spec alone); functions and class instances are passed as they
 * are (structuredClone refused a function and turned an instance into a plain object without its methods).
 */
function cloneKwargs<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (ArrayBuffer.isView(v)) return structuredClone(v);
  if (Array.isArray(v)) return v.map(cloneKwargs) as T;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, cloneKwargs(x)])) as T;
  if (v instanceof Set) return new Set([...v].map(cloneKwargs)) as T;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
  for (const [k, x] of Object.entries(v)) out[k] = cloneKwargs(x);
  return out as T;
}

/** The default env registry (Gymnasium's global registry): what `register`, `make`, `spec` and `specs` use. */
export const envRegistry = new EnvRegistry();

/** Register an env id in the default registry. Re-registering an id replaces it. */
export function register(opts: RegisterOptions): void {
  envRegistry.register(opts);
}

/** All specs of the default registry, sorted by id. */
export function specs(): EnvSpec[] {
  return envRegistry.specs();
}

/** The spec of `id` in the default registry, or a clear error with the closest registered ids. */
export function spec(id: string): EnvSpec {
  return envRegistry.spec(id);
}

/** Build an env of the default registry (see `EnvRegistry.make`). */
export function make<O = unknown, A = unknown>(
  id: string,
  kwargs: Record<string, unknown> = {},
  opts: MakeOptions = {},
): Env<O, A> {
  return envRegistry.make<O, A>(id, kwargs, opts);
}

/** The `k` registered ids nearest to `id` by edit distance (case-insensitive). */
export function closest(id: string, ids: string[], k: number): string[] {
  return closestNames(id, ids, k);
}

/**
 * The composition root's one object: every env id, agent type and reward source a run can name. Built once by the
 * application (the CLI, a library user: `builtinRegistry()`) and passed explicitly to `startRun` and the bench runner.
 */
export interface Registry {
  readonly envs: EnvRegistry;
  readonly agents: AgentRegistry;
  readonly rewards: RewardRegistry;
}

/** An empty registry (envs default to the global env registry, which env workers rebuild from the families). */
export function createRegistry(envs: EnvRegistry = envRegistry): Registry {
  return { envs, agents: new AgentRegistry(), rewards: new RewardRegistry() };
}
