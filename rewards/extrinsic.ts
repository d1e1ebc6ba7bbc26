import type { TransitionBatch } from '../src/stream/batch.js';
import type { RewardSource } from '../src/core/reward.js';

/** The env's own reward, passed through unchanged (the stack weights and normalises it). */
export class ExtrinsicSource implements RewardSource {
  readonly kind = 'extrinsic' as const;
  constructor(readonly name = 'extrinsic') {}
  compute(batch: TransitionBatch): Float32Array {
    return Float32Array.from(batch.rewards);
  }
}
