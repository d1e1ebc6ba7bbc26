import type { Observable } from 'rxjs';
import type { TransitionBatch } from '../stream/batch.js';

/** Kinds of reward models. */
export type RewardKind = 'extrinsic' | 'code' | 'vlm' | 'intrinsic' | 'process';

/** An asynchronous side-channel event of a source (labels arriving, model updated, failures). */
export interface RewardEvent {
  source: string;
  kind: 'annotation' | 'model' | 'error' | 'info';
  data: Record<string, unknown>;
  time: number;
}

/** Every reward model, whatever its kind. */
export interface RewardSource {
  readonly name: string;
  readonly kind: RewardKind;
  /** One reward per transition; the fast path, never awaits an LLM. */
  compute(batch: TransitionBatch): Float32Array;
  /** Learning sources (RND predictor, ONI reward model, E3B) learn here. */
  update?(batch: TransitionBatch): void | Promise<void>;
  /** Asynchronous side channel (annotations, model updates). */
  readonly events$?: Observable<RewardEvent>;
  /** True when the source reads `prevStates`/`nextStates`. */
  readonly needsStates?: boolean;
  dispose?(): void;
}
