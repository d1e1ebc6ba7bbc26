import type { Space } from './spaces.js';
import { RxgymError } from './env.js';
import type { AnnotatedBatch } from '../stream/batch.js';
import type { TrainStats } from '../stream/events.js';
import type { Policy } from '../stream/policy.js';
import { closestName, resolveParams, type ParamSchema, type ParamsOf } from './params.js';

/** What an agent is built for. */
export interface AgentContext {
  observationSpace: Space<unknown>;
  actionSpace: Space<unknown>;
  numEnvs: number;
  seed: number;
  /** The run's step budget (learning-rate annealing and exploration schedules use it). */
  totalSteps: number;
  /** Observation keys that hold text (the env's `capabilities.textKeys`), for the networks' text encoder. */
  textKeys?: readonly string[];
  /** Observation keys that hold token ids (the env's `capabilities.tokenKeys`), for the networks' token embedding. */
  tokenKeys?: readonly string[];
  /** Names of the reward stack's constraint components: agents that support them give each a value head. */
  constraints?: readonly string[];
}

/** A learning agent: a policy that learns from annotated batches and saves/loads everything it needs to resume. */
export interface Agent extends Policy {
  readonly type: string;
  learn(batch: AnnotatedBatch): TrainStats | Promise<TrainStats>;
  /**
   * Resolves when the agent's own threads have started (their module loading is start-up, like the main thread's):
   * the trainer awaits it before the training loop's clock starts. Rejects with a clear error if one failed to.
   */
  ready?(): Promise<void>;
  /** Write weights, optimizer state and RNG state into `dir` (which exists). */
  save(dir: string): void;
  /** Restore what `save` wrote; throws a clear error if it was written for another env or agent. */
  load(dir: string): void;
  /** Load only the network weights of what `save` wrote (fine-tuning from pre-trained weights): optimizer, RNG,
   * counters and replay stay as they are. */
  loadWeights(dir: string): void;
  dispose(): void;
}

/**
 * How a kind of agent is registered: its hyper-parameter schema, rollout length, space checks and constructor.
 * `S` is the schema: `rolloutSteps` and `create` receive the table it resolves to (`ParamsOf<S>`).
 */
export interface AgentDefinition<S extends ParamSchema = ParamSchema> {
  type: string;
  description: string;
  params: S;
  /** Steps per env per rollout batch for these hyper-parameters. */
  rolloutSteps(hp: ParamsOf<S>): number;
  /** Why this agent cannot act in these spaces (undefined when it can). */
  unsupported(observationSpace: Space<unknown>, actionSpace: Space<unknown>): string | undefined;
  create(hp: ParamsOf<S>, ctx: AgentContext): Agent;
  /** True when the agent mixes constraint advantages by the batch's Lagrange multipliers (`batch.constraints`). */
  constraints?: boolean;
  /** True when the agent learns only from the rows a reward stack's filter kept (`batch.filter`, PF-PPO). */
  filters?: boolean;
}

/**
 * A typed agent definition as the registry holds it (schema type erased). The erased entry points take any
 * table and resolve it against the schema (a no-op for a table the scenario already resolved), which is what
 * proves its type: no cast between the untyped table and `ParamsOf<S>`.
 */
export function defineAgent<const S extends ParamSchema>(def: AgentDefinition<S>): AgentDefinition {
  const typed = (hp: ParamsOf<ParamSchema>): ParamsOf<S> => resolveParams('agent', hp, def.params);
  // every other field (type, description, params, unsupported, constraints, ...) is carried over as it is
  return { ...def, rolloutSteps: (hp) => def.rolloutSteps(typed(hp)), create: (hp, ctx) => def.create(typed(hp), ctx) };
}

/** The agent types of a registry: every kind of agent a run can be given, by `type`. */
export class AgentRegistry {
  private readonly defs = new Map<string, AgentDefinition>();

  /** Register an agent type (re-registering a type replaces it). */
  register(def: AgentDefinition): void {
    const missing = ['rolloutSteps', 'unsupported', 'create'].filter(
      (k) => typeof (def as unknown as Record<string, unknown> | undefined)?.[k] !== 'function',
    );
    if (typeof def?.type !== 'string' || missing.length > 0) {
      const what = typeof def?.type === 'string' ? `agent "${def.type}"` : 'an agent definition without a type';
      const lacks = [...(typeof def?.type === 'string' ? [] : ['type']), ...missing];
      throw new RxgymError(`${what} lacks ${lacks.join(', ')}; build it with defineAgent({ type, params, ... })`);
    }
    this.defs.set(def.type, def);
  }

  /** Registered agent types, in registration order. */
  types(): string[] {
    return [...this.defs.keys()];
  }

  /** The definition of an agent type, or a clear error naming the known ones (`path` is the scenario key). */
  get(type: string, path = 'agent.type'): AgentDefinition {
    const d = this.defs.get(type);
    if (d) return d;
    const known = this.types();
    if (known.length === 0)
      throw new RxgymError(
        'no agents are registered in this registry; build it with builtinRegistry() or register agent definitions',
      );
    const hint = closestName(type, known);
    throw new RxgymError(
      `${path}: unknown agent "${type}"${hint ? `; did you mean "${hint}"?` : ''} (known: ${known.join(', ')})`,
    );
  }
}
