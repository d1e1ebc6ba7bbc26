import { RxgymError } from '../src/core/env.js';
import type { Space } from '../src/core/spaces.js';
import type { LlmOptions } from '../src/llm/index.js';
import type { RewardSource } from '../src/core/reward.js';

/** How the stack normalises a component before weighting it. */
export type NormalizeMode = 'none' | 'rms' | 'minmax';

/** Options an LLM-backed source uses (src/llm `LlmOptions`). */
export type RewardLlmOptions = LlmOptions;

/** One entry of a scenario's `rewards:` list. */
export interface RewardComponentConfig {
  source: string;
  weight?: number;
  normalize?: NormalizeMode;
  clip?: number;
  decay?: { beta: number; kappa: number };
  episodic?: boolean;
  [option: string]: unknown;
}

/** What every source factory may read about the run. */
export interface RewardContext {
  envId: string;
  observationSpace: Space<unknown>;
  actionSpace: Space<unknown>;
  numEnvs: number;
  seed: number;
  runDir?: string;
  llm?: RewardLlmOptions;
}

/** A factory building one source from its (validated, defaults-filled) config. */
export type RewardSourceFactory = (cfg: RewardComponentConfig, ctx: RewardContext) => RewardSource;

/** What the stack knows about a source besides its factory. */
export interface RewardSourceInfo {
  /** Defaults of the stack-level keys (RND: `normalize: 'rms', episodic: false`). */
  defaults?: Partial<Pick<RewardComponentConfig, 'weight' | 'normalize' | 'clip' | 'decay' | 'episodic'>>;
  /** Source-specific option names it accepts; any other key is an error. Omit to accept anything. */
  options?: readonly string[];
  /** Whether a negative weight makes sense (penalties); default false. */
  allowNegativeWeight?: boolean;
  /** One line for listings. */
  description?: string;
}

/** A configuration error at `path` (e.g. `rewards[2].model`); the stack prefixes the list index. */
export class RewardConfigError extends RxgymError {
  constructor(readonly path: string, readonly detail: string) {
    super(`${path}: ${detail}`);
    this.name = 'RewardConfigError';
  }
}

interface Entry { factory: RewardSourceFactory; info: RewardSourceInfo }
const entries = new Map<string, Entry>();

/** Register a reward source under `name` (re-registering the same name replaces it). */
export function registerRewardSource(name: string, factory: RewardSourceFactory, info: RewardSourceInfo = {}): void {
  entries.set(name, { factory, info });
}

/** The registered source names, sorted. */
export function rewardSourceNames(): string[] {
  return [...entries.keys()].sort();
}

/** Factory and info of `name`, or undefined. */
export function rewardSourceEntry(name: string): Entry | undefined {
  return entries.get(name);
}
