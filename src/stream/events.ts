/** Statistics one learning update reports (losses, entropy, KL, learning rate ...). */
export type TrainStats = Record<string, number>;

/** Every event of a run, one discriminated union. */
export type RunEvent =
  | {
      type: 'start';
      runId: string;
      env: string;
      agent: string;
      numEnvs: number;
      seed: number;
      config?: unknown;
      time: number;
    }
  | {
      type: 'episode';
      step: number;
      envIndex: number;
      return: number;
      length: number;
      success?: boolean;
      components?: Record<string, number>;
      time: number;
    }
  | { type: 'batch'; step: number; steps: number; sps: number; time: number }
  | {
      type: 'rewards';
      step: number;
      components: Record<string, { rawMean: number; scaledMean: number; rawStd: number; min: number; max: number }>;
      time: number;
    }
  | {
      type: 'annotation';
      source: string;
      labelled: number;
      queued: number;
      cacheHits: number;
      failures: number;
      pending: number;
      samples?: { message: string; label: string | number; model: string }[];
      time: number;
      /** Items given up; answers off-format; failed HTTP attempts by kind (unreachable, http, timeout, badAnswer). */
      dropped?: number;
      unparsed?: number;
      errors?: Record<string, number>;
    }
  | { type: 'train'; step: number; stats: TrainStats; time: number }
  | {
      type: 'eval';
      step: number;
      meanReturn: number;
      stdReturn: number;
      successRate?: number;
      episodes: number;
      time: number;
    }
  | { type: 'explore'; step: number; metrics: Record<string, number>; time: number }
  | { type: 'multipliers'; step: number; multipliers: Record<string, MultiplierFigures>; time: number }
  | { type: 'checkpoint'; step: number; dir: string; time: number }
  | {
      type: 'frame';
      step: number;
      envIndex: number;
      frame: string | { width: number; height: number; data: Uint8Array };
      messages?: string[];
      time: number;
    }
  | {
      /** The latest frame a reward source (`vlm`) scored, with its value before and after the stack's scaling. */
      type: 'scoredFrame';
      source: string;
      step: number;
      envIndex: number;
      frame: { width: number; height: number; data: Uint8Array };
      raw: number;
      scaled: number;
      time: number;
    }
  | { type: 'error'; source: string; message: string; fatal: boolean; time: number; zeroed?: ZeroedRewards }
  | {
      type: 'end';
      step: number;
      reason: 'budget' | 'stopped' | 'error';
      summary?: Record<string, number>;
      time: number;
    }
  | { type: 'phase'; phase: RunPhase; step: number; budget: number; rewards: string[]; from?: string; time: number };

/**
 * Rewards of a batch that a source's failure replaced by 0 (the run goes on): `count` transitions, because the
 * source returned a non-finite value, or because its reward code failed under `onError: zero` (or `skip`).
 */
export interface ZeroedRewards {
  reason: 'nonFinite' | 'codeError';
  count: number;
}

/** One constraint component's Lagrange multiplier after a batch, with its threshold and latest episodic value. */
export interface MultiplierFigures {
  /** λ, squashed: sigmoid for `atLeast`, tanh for `equal`. */
  value: number;
  kind: 'atLeast' | 'equal';
  threshold: number;
  /** Mean episodic value of the component over the episodes that ended in the batch, when some did. */
  episodeMean?: number;
}

/**
 * The phases of a run with a `pretrain:` section (URLB): reward-free pre-training, then fine-tuning on the task reward.
 * In such a run every event also carries `phase` (see `PhaseTagged`), and a `phase` event opens each phase; the step
 * counter restarts at 0 for the fine-tuning phase. Runs without pre-training carry no phase.
 */
export type RunPhase = 'pretrain' | 'finetune';

/** A RunEvent as a run with pre-training writes it: tagged with its phase. */
export type PhaseTagged<E extends RunEvent = RunEvent> = E & { phase?: RunPhase };

/** The event with a given `type`. */
export type RunEventOf<K extends RunEvent['type']> = Extract<RunEvent, { type: K }>;
