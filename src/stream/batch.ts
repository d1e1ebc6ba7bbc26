import type { FrameRequest } from '../core/capabilities.js';
import type { ObsBatch } from '../core/obs-batch.js';
import type { BatchFilter } from './episodes.js';

export type { ObsArray, ObsBatch } from '../core/obs-batch.js';

/**
 * One rollout: T steps of N envs, time-major (index t * N + i), typed arrays laid out once and reused.
 * `nextObs` is the true successor (the final observation when an episode ended at that step).
 */
export interface TransitionBatch {
  readonly numSteps: number;
  readonly numEnvs: number;
  obs: ObsBatch;
  nextObs: ObsBatch;
  /** Discrete: one action index per transition; continuous/MultiDiscrete: `actionDim` values per transition. */
  actions: Float32Array | Int32Array;
  actionDim: number;
  /** The env's own (extrinsic) reward. */
  rewards: Float32Array;
  terminations: Uint8Array;
  truncations: Uint8Array;
  /** Global step counter at the first transition of this batch. */
  globalStep: number;
  /** Per-env episode index and step within the episode, for episodic bonuses. */
  episodeIds: Int32Array;
  episodeSteps: Int32Array;
  /** Message line text per transition, where the env has one (dungeon). */
  messages?: string[];
  /** Compact `state()` before and after each transition, collected only when a source asks for them. */
  prevStates?: unknown[];
  nextStates?: unknown[];
  /** `info.success` per transition where the env reports it (1, 0), else undefined. */
  success?: Uint8Array;
  /** Per-transition policy outputs recorded at acting time (e.g. PPO's `logProb`, `value`), each `T x N x k` values. */
  extras?: Record<string, Float32Array>;
  /** Discrete action masks seen when acting (`T x N x n`, 1 = allowed), where the env reports `info.actionMask`. */
  actionMasks?: Uint8Array;
  /** Episodes that ended inside this batch (extrinsic return, length, success), in the order they ended. */
  episodes?: EpisodeSummary[];
  /** The frame after each transition (the episode's last frame where it ended), when a source asks for frames. */
  frames?: FrameBatch;
  /** Each step's labels, where the env declares the `stepLabels` capability (step-wise reasoning envs). */
  stepLabels?: StepLabelBatch;
}

/**
 * Per-transition labels of a step-wise env, from its `info`: the ground truth (`stepCorrect`, `stepUseful`,
 * `onTrack`: for evaluation and oracle rewards only, 1/0) and `problemId`, which tells the episodes of one sub-env
 * that pose the same problem (-1 where the env gives none).
 */
export interface StepLabelBatch {
  correct: Uint8Array;
  useful: Uint8Array;
  onTrack: Uint8Array;
  problem: Int32Array;
}

/** `count` RGB frames of one size in one buffer: frame k is `data[k * height * width * 3 ...]`, row-major. */
export interface FrameBatch {
  width: number;
  height: number;
  count: number;
  data: Uint8Array;
}

/** One finished episode, as the rollout saw it. */
export interface EpisodeSummary {
  envIndex: number;
  return: number;
  length: number;
  success?: boolean;
}

/** Raw and scaled values of one reward component over a batch. */
export interface RewardComponentValues {
  raw: Float32Array;
  scaled: Float32Array;
  group: 'extrinsic' | 'intrinsic';
}

/** A batch after the reward stack: every component, the weighted total, and totals per value-head group. */
export interface AnnotatedBatch extends TransitionBatch {
  components: Record<string, RewardComponentValues>;
  /** The reward the agent learns from: sum of scaled components. */
  total: Float32Array;
  /** Sums of scaled components per group, for agents with separate value heads. */
  groups: { extrinsic: Float32Array; intrinsic: Float32Array };
  /** Which groups are episodic (bootstrap cut at episode ends) — RND's intrinsic group is not. */
  episodic: { extrinsic: boolean; intrinsic: boolean };
  /**
   * Raw statistics of named parts of a component's values (a code source's `components`), keyed
   * `<component>/<part>`: logged and plotted beside the components, not summed into the reward.
   */
  parts?: Record<string, PartStats>;
  /** Constraint components (not summed into `total`): their values and Lagrange multipliers, in config order. */
  constraints?: ConstraintValues[];
  /** PF-PPO: the rows to learn from (1) by a reward model's ranking of each problem's episodes, and its statistics. */
  filter?: BatchFilter;
}

/** One constraint component of an annotated batch. */
export interface ConstraintValues {
  name: string;
  kind: 'atLeast' | 'equal';
  /** θ: the mean episodic value the component must reach (atLeast) or hold (equal). */
  threshold: number;
  /** The component's per-transition values (after its transform), for its own advantage. */
  rewards: Float32Array;
  /** λ, squashed: sigmoid (atLeast) or tanh (equal). */
  multiplier: number;
  /** Mean episodic value of the episodes that ended in this batch, when some did. */
  episodeMean?: number;
}

/** Statistics of one reward part over a batch (the shape of a `rewards` event entry). */
export interface PartStats {
  rawMean: number;
  scaledMean: number;
  rawStd: number;
  min: number;
  max: number;
}

/** What `annotate` needs: a reward stack, as defined in rewards/stack.ts. */
export interface BatchAnnotator {
  annotate(batch: TransitionBatch): AnnotatedBatch;
  update?(batch: AnnotatedBatch): void | Promise<void>;
  /** True when some source reads `prevStates`/`nextStates`. */
  readonly needsStates?: boolean;
  /** The frames some source reads, when one does. */
  readonly needsFrames?: FrameRequest;
}
