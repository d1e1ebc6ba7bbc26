import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { merge, Subject, type Observable } from 'rxjs';
import { RxgymError } from '../src/core/env.js';
import type {
  AnnotatedBatch,
  BatchAnnotator,
  PartStats,
  RewardComponentValues,
  TransitionBatch,
} from '../src/stream/batch.js';
import { makeNormalizer, type RewardNormalizer } from './normalize.js';
import { loadStateFile, saveStateFile } from '../src/tensor/state-file.js';
import { closestName, defineParams, pickParams, resolveParams } from '../src/core/params.js';
import { REWARD_WORDING } from './options.js';
import type { FrameRequest } from '../src/core/capabilities.js';
import type { ConstraintValues } from '../src/stream/batch.js';
import { BatchStepTransform, parseTransform } from './process/step-transform.js';
import { LagrangeMultiplier, parseConstraint, type RangedSource } from './process/constraints.js';
import { EpisodeFilter, parseFilter } from './process/filter.js';
import {
  RewardConfigError,
  type NormalizeMode,
  type RewardComponentConfig,
  type RewardContext,
  type RewardEvent,
  type RewardRegistry,
  type RewardSource,
  type RewardSourceEntry,
} from '../src/core/reward.js';

export type { RewardComponentConfig, RewardContext } from '../src/core/reward.js';

/** The reward stack: named, weighted, normalised components summed into the reward the agent learns from. */
export interface RewardStack extends BatchAnnotator {
  annotate(batch: TransitionBatch): AnnotatedBatch;
  update(batch: AnnotatedBatch): Promise<void>;
  /** Sources' side-channel events plus one `info` event per annotated batch with every component's stats. */
  readonly events$: Observable<RewardEvent>;
  readonly needsStates: boolean;
  /** Component names in config order. */
  readonly componentNames: readonly string[];
  /** The built sources by component name (for inspection and tests). */
  readonly sources: ReadonlyMap<string, RewardSource>;
  /** Names of the constraint components (`constraint:`), in config order: the agent gives each a value head. */
  readonly constraintNames: readonly string[];
  /** True when a component filters the batch's episodes (PF-PPO): the agent must learn from `batch.filter`. */
  readonly filtered: boolean;
  /** Write every component's learned state to `dir/stack.json`, its network weights to `dir/stack.bin`. */
  save(dir: string): void;
  /** Restore what `save` wrote; throws when the components differ. */
  load(dir: string): void;
  /** At the end of a run's budget: each source takes in the answers still in flight (see `RewardSource.settle`). */
  settle(deadline: number, signal: AbortSignal): Promise<void>;
  dispose(): void;
}

/** A source whose learned state goes into checkpoints (count, rnd, noveld, e3b, oni implement it). */
export interface CheckpointableSource {
  saveState(): unknown;
  loadState(state: unknown): void;
}

function checkpointable(s: RewardSource): s is RewardSource & CheckpointableSource {
  const c = s as unknown as Partial<CheckpointableSource>;
  return typeof c.saveState === 'function' && typeof c.loadState === 'function';
}

/** Per-component summary of an annotated batch, the shape of the `rewards` RunEvent. */
export type ComponentSummary = Record<
  string,
  { rawMean: number; scaledMean: number; rawStd: number; min: number; max: number }
>;

/** The stack's keys of a component (beside `source`); a source's registry defaults override these defaults. */
const STACK_PARAMS = defineParams({
  name: { kind: 'string', nonEmpty: true, optional: true, doc: 'component name (default: the source name)' },
  weight: { kind: 'number', default: 1, doc: 'weight in the total (negative only for sources that allow it)' },
  normalize: {
    kind: 'enum',
    values: ['none', 'rms', 'minmax'] satisfies NormalizeMode[],
    default: 'none',
    doc: 'normalisation',
  },
  clip: { kind: 'number', positive: true, optional: true, doc: 'values are clipped to [-clip, clip]' },
  decay: {
    kind: 'object',
    optional: true,
    doc: 'weight decay beta * (1 - kappa)^step',
    fields: {
      beta: { kind: 'number', min: 0, required: true, doc: 'initial scale' },
      kappa: { kind: 'number', min: 0, below: 1, required: true, doc: 'decay rate per env step' },
    },
  },
  episodic: { kind: 'boolean', default: true, doc: "whether an episode's end resets the component" },
  gamma: { kind: 'number', min: 0, below: 1, default: 0.99, doc: 'discount of the rms normaliser' },
  group: { kind: 'enum', values: ['extrinsic', 'intrinsic'], optional: true, doc: 'value head (default by kind)' },
});
/** Keys of step-wise components (rewards/process): a bounded transform, and a constraint instead of a weight. */
const PROCESS_KEYS = ['transform', 'eta', 'constraint', 'filter'];
const STACK_KEYS = ['source', ...Object.keys(STACK_PARAMS), ...PROCESS_KEYS];

interface Component {
  name: string;
  source: RewardSource;
  weight: number;
  normalizer: RewardNormalizer;
  clip: number | undefined;
  decay: { beta: number; kappa: number } | undefined;
  episodic: boolean;
  group: 'extrinsic' | 'intrinsic';
  /** A bounded transform of the source's values (clip, delta, clip+delta, shaping), applied before normalising. */
  transform?: BatchStepTransform;
  /** Set for a constraint: the component stays out of the total and gets a Lagrange multiplier instead. */
  constraint?: LagrangeMultiplier;
  /** PF-PPO: the batch's episodes are kept by this component's ranking of them. */
  filter?: EpisodeFilter;
}

/** Throws when `url` is not an absolute http(s) URL. */
export function checkUrl(url: unknown, path: string): void {
  let ok = false;
  if (typeof url === 'string') {
    try {
      const u = new URL(url);
      ok = u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      ok = false;
    }
  }
  if (!ok)
    throw new RewardConfigError(
      path,
      `${JSON.stringify(url)} is not an http(s) URL; use e.g. "http://127.0.0.1:8000/v1"`,
    );
}

/**
 * The checks of one component that need no env: an object, a known source, only that source's options. Returns the
 * source's registry entry; throws a RewardConfigError naming `rewards[i]...` otherwise.
 */
export function checkComponentKeys(raw: unknown, i: number, sources: RewardRegistry): RewardSourceEntry {
  const at = `rewards[${i}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new RewardConfigError(
      at,
      `expected an object like { source: "count", weight: 0.1 }, got ${JSON.stringify(raw)}`,
    );
  }
  const cfg = raw as RewardComponentConfig;
  if (typeof cfg.source !== 'string') {
    throw new RewardConfigError(`${at}.source`, `missing; name one of ${sources.names().join(', ')}`);
  }
  const entry = sources.entry(cfg.source);
  if (!entry) {
    const hint = closestName(cfg.source, sources.names());
    throw new RewardConfigError(
      `${at}.source`,
      `unknown reward source "${cfg.source}"${hint ? `; did you mean "${hint}"?` : ''} (known: ` +
        `${sources.names().join(', ')})`,
    );
  }
  const info = entry.info;
  if (info.options) {
    for (const key of Object.keys(cfg)) {
      if (STACK_KEYS.includes(key) || info.options.includes(key)) continue;
      const hint = closestName(key, [...STACK_KEYS, ...info.options]);
      throw new RewardConfigError(
        `${at}.${key}`,
        `unknown option for source "${cfg.source}"${hint ? `; did you mean "${hint}"?` : ''} (options: ` +
          `${[...STACK_KEYS, ...info.options].join(', ')})`,
      );
    }
  }
  return entry;
}

function buildComponent(
  raw: unknown,
  i: number,
  ctx: RewardContext,
  taken: Set<string>,
  sources: RewardRegistry,
): Component {
  const at = `rewards[${i}]`;
  const entry = checkComponentKeys(raw, i, sources);
  const cfg = raw as RewardComponentConfig;
  const info = entry.info;
  const d = info.defaults ?? {};
  const full: RewardComponentConfig = { ...d, ...cfg };
  const {
    weight,
    normalize,
    clip,
    decay,
    episodic,
    gamma,
    name = cfg.source,
    group: groupCfg,
  } = resolveParams(at, pickParams(full, STACK_PARAMS), STACK_PARAMS, REWARD_WORDING);
  if (weight < 0 && !info.allowNegativeWeight) {
    throw new RewardConfigError(
      `${at}.weight`,
      `negative weight ${weight} is not allowed for source "${cfg.source}"; use a weight >= 0 (0 disables it)`,
    );
  }
  if (taken.has(name))
    throw new RewardConfigError(
      `${at}.name`,
      `duplicate component name "${name}"; give one of them a distinct \`name:\``,
    );
  taken.add(name);

  let source: RewardSource;
  try {
    source = entry.factory(full, ctx);
  } catch (e) {
    if (e instanceof RewardConfigError) throw new RewardConfigError(`${at}.${e.path}`, e.detail);
    if (e instanceof RxgymError) throw new RewardConfigError(at, `source "${cfg.source}": ${e.message}`);
    throw e;
  }
  if (typeof source?.compute !== 'function') {
    const got = source === undefined ? 'undefined' : 'an object without compute()';
    throw new RewardConfigError(
      at,
      `the factory of source "${cfg.source}" returned ${got} instead of a RewardSource; ` +
        'return { name, kind, compute(batch) }',
    );
  }
  const group = groupCfg ?? (source.kind === 'extrinsic' ? 'extrinsic' : 'intrinsic');
  let transform: BatchStepTransform | undefined;
  let constraint: LagrangeMultiplier | undefined;
  let filter: EpisodeFilter | undefined;
  try {
    const f = parseFilter(cfg, at);
    if (f) filter = new EpisodeFilter(f, ctx.seed + 7907 * (i + 1));
    const t = parseTransform(full, at, gamma);
    if (t) transform = new BatchStepTransform(t, ctx.numEnvs);
    const c = parseConstraint(cfg, at, source as RangedSource, t);
    if (c) constraint = new LagrangeMultiplier(name, c, ctx.numEnvs, ctx.seed + 7919 * (i + 1));
  } catch (e) {
    source.dispose?.();
    throw e;
  }
  return {
    name,
    source,
    weight,
    episodic,
    group,
    normalizer: makeNormalizer(normalize, ctx.numEnvs, episodic, gamma),
    clip,
    decay,
    ...(transform ? { transform } : {}),
    ...(constraint ? { constraint } : {}),
    ...(filter ? { filter } : {}),
  };
}

/** A component's entry in stack.json: its normaliser, and the learned state of its source, transform, constraint. */
interface SavedComponent {
  normalizer: unknown;
  source?: unknown;
  transform?: unknown;
  constraint?: unknown;
}

/** The one frame request of the sources that read frames (they must agree: the rollout renders one size). */
function framesOf(comps: Component[]): FrameRequest | undefined {
  const reqs = comps.flatMap((c) => (c.source.needsFrames ? [{ name: c.name, req: c.source.needsFrames }] : []));
  const key = (r: FrameRequest): string => `${r.width}x${r.height} camera ${r.camera ?? 'default'}`;
  const other = reqs.find((r) => key(r.req) !== key(reqs[0]!.req));
  if (other) {
    throw new RxgymError(
      `reward sources "${reqs[0]!.name}" and "${other.name}" ask for different frames (${key(reqs[0]!.req)} vs ` +
        `${key(other.req)}); give them the same width, height and camera`,
    );
  }
  return reqs[0]?.req;
}

class Stack implements RewardStack {
  readonly events$: Observable<RewardEvent>;
  readonly needsStates: boolean;
  readonly needsFrames: FrameRequest | undefined;
  readonly componentNames: readonly string[];
  readonly sources: ReadonlyMap<string, RewardSource>;
  readonly constraintNames: readonly string[];
  readonly filtered: boolean;
  private readonly own = new Subject<RewardEvent>();
  private readonly episodicGroups: { extrinsic: boolean; intrinsic: boolean };

  constructor(private readonly comps: Component[]) {
    this.componentNames = comps.map((c) => c.name);
    this.constraintNames = comps.filter((c) => c.constraint).map((c) => c.name);
    this.filtered = comps.some((c) => c.filter);
    this.sources = new Map(comps.map((c) => [c.name, c.source]));
    this.needsStates = comps.some((c) => c.source.needsStates === true);
    this.needsFrames = framesOf(comps);
    const side = comps.flatMap((c) => (c.source.events$ ? [c.source.events$] : []));
    this.events$ = merge(this.own, ...side);
    const ofGroup = (g: 'extrinsic' | 'intrinsic') =>
      comps.filter((c) => c.group === g && !c.constraint).every((c) => c.episodic);
    this.episodicGroups = { extrinsic: ofGroup('extrinsic'), intrinsic: ofGroup('intrinsic') };
  }

  annotate(batch: TransitionBatch): AnnotatedBatch {
    const n = batch.numSteps * batch.numEnvs;
    const total = new Float32Array(n);
    const groups = { extrinsic: new Float32Array(n), intrinsic: new Float32Array(n) };
    const components: Record<string, RewardComponentValues> = {};
    const parts: Record<string, PartStats> = {};
    const constraints: ConstraintValues[] = [];
    for (const c of this.comps) {
      let raw = c.source.compute(batch);
      if (raw.length !== n) {
        throw new RxgymError(
          `reward source "${c.name}" returned ${raw.length} values for a batch of ${n} transitions; a source must ` +
            `return one value per transition`,
        );
      }
      let bad = 0;
      for (let k = 0; k < n; k++)
        if (!Number.isFinite(raw[k]!)) {
          raw[k] = 0;
          bad++;
        }
      if (bad > 0) {
        const message = `${bad} non-finite values replaced by 0`;
        this.emit(c.name, 'error', { message, count: bad, zeroed: 'nonFinite' });
      }
      if (c.transform) raw = c.transform.apply(raw, batch);
      if (c.constraint) {
        constraints.push(c.constraint.observe(raw, batch));
        components[c.name] = { raw, scaled: raw, group: c.group };
        continue;
      }
      const scaled = c.normalizer.apply(raw, batch, new Float32Array(n));
      for (let k = 0; k < n; k++) {
        let v = scaled[k]!;
        if (c.clip !== undefined) v = v > c.clip ? c.clip : v < -c.clip ? -c.clip : v;
        let w = c.weight;
        if (c.decay) w *= c.decay.beta * (1 - c.decay.kappa) ** (batch.globalStep + k);
        v *= w;
        scaled[k] = v;
        total[k]! += v;
        groups[c.group][k]! += v;
      }
      components[c.name] = { raw, scaled, group: c.group };
      const sourceParts = c.source.parts?.();
      if (sourceParts) for (const [part, st] of Object.entries(sourceParts)) parts[`${c.name}/${part}`] = st;
    }
    const out: AnnotatedBatch = {
      ...batch,
      components,
      total,
      groups,
      episodic: { ...this.episodicGroups },
      ...(Object.keys(parts).length > 0 ? { parts } : {}),
      ...(constraints.length > 0 ? { constraints } : {}),
    };
    const f = this.comps.find((c) => c.filter);
    if (f) out.filter = f.filter!.apply(batch, components[f.name]!.raw);
    this.emit('stack', 'info', { step: batch.globalStep, components: summarizeComponents(out) });
    return out;
  }

  async update(batch: AnnotatedBatch): Promise<void> {
    for (const c of this.comps) if (c.source.update) await c.source.update(batch);
  }

  save(dir: string): void {
    const components: Record<string, SavedComponent> = {};
    for (const c of this.comps) {
      components[c.name] = {
        normalizer: c.normalizer.state(),
        ...(checkpointable(c.source) ? { source: c.source.saveState() } : {}),
        ...(c.transform ? { transform: c.transform.state() } : {}),
        ...(c.constraint ? { constraint: c.constraint.state() } : {}),
      };
    }
    saveStateFile(dir, 'stack', { version: 2, components });
  }

  load(dir: string): void {
    const path = join(dir, 'stack.json');
    if (!existsSync(path))
      throw new RxgymError(
        `reward stack checkpoint ${path} is missing; start a new run instead of resuming, or restore the file`,
      );
    const saved = loadStateFile(dir, 'stack') as { components: Record<string, SavedComponent> };
    const names = Object.keys(saved.components).sort().join(', ');
    if (names !== [...this.componentNames].sort().join(', ')) {
      throw new RxgymError(
        `reward stack checkpoint ${path} holds components [${names}] but the scenario has ` +
          `[${this.componentNames.join(', ')}]; resume with the same rewards: list`,
      );
    }
    for (const c of this.comps) {
      const s = saved.components[c.name]!;
      c.normalizer.restore(s.normalizer);
      if (s.source !== undefined && checkpointable(c.source)) c.source.loadState(s.source);
      if (s.transform !== undefined) c.transform?.restore(s.transform);
      if (s.constraint !== undefined) c.constraint?.restore(s.constraint);
    }
  }

  async settle(deadline: number, signal: AbortSignal): Promise<void> {
    await Promise.all(this.comps.map((c) => c.source.settle?.(deadline, signal)));
  }

  dispose(): void {
    for (const c of this.comps) c.source.dispose?.();
    this.own.complete();
  }

  private emit(source: string, kind: RewardEvent['kind'], data: Record<string, unknown>): void {
    this.own.next({ source, kind, data, time: Date.now() });
  }
}

/** Mean/std/min/max of every component of an annotated batch (raw and scaled means). */
export function summarizeComponents(batch: AnnotatedBatch): ComponentSummary {
  const out: ComponentSummary = {};
  for (const [name, v] of Object.entries(batch.components)) {
    const n = v.raw.length || 1;
    let s = 0,
      s2 = 0,
      ss = 0,
      min = Infinity,
      max = -Infinity;
    for (let k = 0; k < v.raw.length; k++) {
      const r = v.raw[k]!;
      s += r;
      s2 += r * r;
      ss += v.scaled[k]!;
      if (r < min) min = r;
      if (r > max) max = r;
    }
    const mean = s / n;
    out[name] = { rawMean: mean, scaledMean: ss / n, rawStd: Math.sqrt(Math.max(0, s2 / n - mean * mean)), min, max };
  }
  return out;
}

/**
 * Build the reward stack of a scenario's `rewards:` list (undefined: extrinsic only, weight 1).
 * Every config error is thrown here, before training, naming its key path (`rewards[1].weight`).
 */
export function buildRewardStack(
  configs: RewardComponentConfig[] | undefined,
  ctx: RewardContext,
  sources: RewardRegistry,
): RewardStack {
  if (configs === undefined && !sources.entry('extrinsic')) {
    // the default component names a source the user never wrote: say where it comes from
    throw new RewardConfigError(
      'rewards',
      'not given, so the run trains on the env reward (source "extrinsic"), which this registry lacks; register ' +
        'the built-in sources (registerAllSources(registry.rewards)) or list the rewards to use',
    );
  }
  const list: unknown = configs ?? [{ source: 'extrinsic', weight: 1 }];
  if (!Array.isArray(list))
    throw new RewardConfigError(
      'rewards',
      `must be a list of components like [{ source: extrinsic, weight: 1 }], got ${JSON.stringify(list)}`,
    );
  if (list.length === 0)
    throw new RewardConfigError('rewards', 'is empty; omit it for extrinsic-only or list at least one component');
  if (ctx.llm?.baseUrl !== undefined) checkUrl(ctx.llm.baseUrl, 'llm.baseUrl');
  const taken = new Set<string>();
  const comps: Component[] = [];
  try {
    list.forEach((c, i) => comps.push(buildComponent(c, i, ctx, taken, sources)));
    const filters = comps.flatMap((c, i) => (c.filter ? [i] : []));
    if (filters.length > 1) {
      throw new RewardConfigError(
        `rewards[${filters[1]}].filter`,
        `only one component can filter the batch ` +
          `(rewards[${filters[0]}] already does); keep the filter on the reward model that ranks the episodes`,
      );
    }
  } catch (e) {
    for (const c of comps) c.source.dispose?.();
    throw e;
  }
  return new Stack(comps);
}
