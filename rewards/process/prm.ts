import {
  RewardConfigError,
  type RewardComponentConfig,
  type RewardContext,
  type RewardSource,
} from '../../src/core/reward.js';
import type { TransitionBatch } from '../../src/stream/batch.js';
import { labelsOf, outcomeAt } from './labels.js';
import type { RingSlot } from './obs-ring.js';
import { processOptions, PRM_PARAMS } from './options.js';
import { Scorer } from './scorer.js';
import { LlmPrm, PRM_JUDGE_PROMPT_VERSION } from './llm-prm.js';
import { annotationServiceOption } from '../../src/llm/service/options.js';

/** `prm` with `model: oracle`: each step's ground-truth correctness (1 or 0), the upper bound of any PRM. */
export class OraclePrm implements RewardSource {
  readonly kind = 'process' as const;
  readonly stepRange = [0, 1] as const;
  readonly episodeRange = [0, Infinity] as const;
  constructor(readonly name: string) {}

  compute(batch: TransitionBatch): Float32Array {
    return Float32Array.from(labelsOf(batch, this.name).correct);
  }
}

/**
 * `prm` with `model: learned`: a step scorer trained online from Monte-Carlo completion labels, as Math-Shepherd
 * labels steps without humans: a step is good when completions from it reach the answer. The completer is the
 * policy itself, one completion per visited step (the rest of its episode), so the scorer learns the soft estimate
 * P(the answer is reached | the state after the step) under the current policy. Steps are scored from the
 * observation after them; the rows of a running episode wait in the ring, unlabelled, until its outcome is known.
 */
export class LearnedPrm implements RewardSource {
  readonly kind = 'process' as const;
  readonly stepRange = [0, 1] as const;
  readonly episodeRange = [0, Infinity] as const;
  /** Ring slots of each env's running episode. */
  private readonly open: RingSlot[][];

  constructor(
    readonly name: string,
    readonly scorer: Scorer,
    numEnvs: number,
  ) {
    this.open = Array.from({ length: numEnvs }, () => []);
  }

  compute(batch: TransitionBatch): Float32Array {
    labelsOf(batch, this.name);
    return this.scorer.score(batch.nextObs, batch.numSteps * batch.numEnvs);
  }

  update(batch: TransitionBatch): void {
    const N = batch.numEnvs;
    for (let k = 0; k < batch.numSteps * N; k++) {
      const slots = this.open[k % N]!;
      if (batch.episodeSteps[k] === 0) slots.length = 0;
      slots.push(this.scorer.ring.push(batch.nextObs, k));
      if (batch.terminations[k] || batch.truncations[k]) {
        // a cut episode did not reach the answer: its steps are labelled with what the completion got, 0
        const y = batch.terminations[k] ? outcomeAt(batch, k) : 0;
        for (const s of slots) this.scorer.ring.label(s, y);
        slots.length = 0;
      }
    }
    this.scorer.train();
  }

  saveState(): unknown {
    return this.scorer.saveState();
  }

  loadState(s: unknown): void {
    this.scorer.loadState(s);
  }

  dispose(): void {
    this.scorer.dispose();
  }
}

/** Build a `prm` component's source. */
export function createPrm(cfg: RewardComponentConfig, ctx: RewardContext): RewardSource {
  const o = processOptions(cfg, PRM_PARAMS);
  const name = typeof cfg.name === 'string' ? cfg.name : 'prm';
  if (o.model === undefined) throw new RewardConfigError('model', 'missing; use oracle, learned or llm');
  if (ctx.capabilities && !ctx.capabilities.stepLabels) {
    throw new RewardConfigError(
      'source',
      `prm scores reasoning steps, but env ${ctx.envId} has none (it does not ` +
        'declare the stepLabels capability); use a Reason-* env',
    );
  }
  if (o.model === 'oracle') return new OraclePrm(name);
  const caps = ctx.capabilities ?? {};
  const settings = {
    hidden: o.hidden,
    lr: o.lr,
    batchSize: o.batchSize,
    updates: o.updates,
    capacity: o.capacity,
    seed: ctx.seed + 4241,
  };
  const scorer = new Scorer(`prm-${o.model}`, ctx.observationSpace, caps, settings);
  if (o.model === 'learned') return new LearnedPrm(name, scorer, ctx.numEnvs);
  let service: ReturnType<typeof annotationServiceOption>;
  try {
    service = annotationServiceOption(o.annotator, PRM_JUDGE_PROMPT_VERSION);
  } catch (e) {
    scorer.dispose();
    throw e;
  }
  if (!ctx.llm && !service) {
    scorer.dispose();
    throw new RewardConfigError(
      'model',
      'llm needs an OpenAI-compatible server: add llm: { baseUrl, model } to the scenario, or ' +
        'annotator: { queue: redis://... } for the shared annotation service (rxgym annotator)',
    );
  }
  const judge = {
    maxQueue: o.maxQueue,
    concurrency: o.concurrency,
    temperature: o.temperature,
    maxTokens: o.maxTokens,
    labelsPerBatch: o.labelsPerBatch,
    seed: ctx.seed + 4243,
  };
  return new LlmPrm(name, scorer, ctx.llm ?? {}, judge, service);
}
