import type { RewardEvent } from '../../src/core/reward.js';
import type { AnnotatedBatch, FrameBatch, TransitionBatch } from '../../src/stream/batch.js';

/**
 * Remembers the latest frame a vlm source scored in a batch and, once the stack has scaled the batch (the source's
 * `update`), describes it as a `frame` reward event: a copy of the frame, its raw and scaled reward. `watch` shows it.
 */
export class ScoredFrameReporter {
  private row = -1;
  private raw = 0;

  constructor(private readonly source: string) {}

  /** Note the last scored row of a batch (`rows[0..m)` ascending) and its raw value. */
  note(rows: Int32Array, m: number, values: Float32Array): void {
    this.row = m > 0 ? rows[m - 1]! : -1;
    if (this.row >= 0) this.raw = values[this.row]!;
  }

  /** The event for the noted row of `batch` (an AnnotatedBatch when the stack calls update), or undefined. */
  event(batch: TransitionBatch): RewardEvent | undefined {
    const frames: FrameBatch | undefined = batch.frames;
    const row = this.row;
    this.row = -1;
    if (!frames || row < 0 || row >= frames.count) return undefined;
    const size = frames.width * frames.height * 3;
    const comp = (batch as Partial<AnnotatedBatch>).components?.[this.source];
    const n = batch.numEnvs;
    return {
      source: this.source,
      kind: 'frame',
      time: Date.now(),
      data: {
        step: batch.globalStep + (Math.floor(row / n) + 1) * n,
        envIndex: row % n,
        frame: { width: frames.width, height: frames.height, data: frames.data.slice(row * size, (row + 1) * size) },
        raw: comp ? comp.raw[row]! : this.raw,
        scaled: comp ? comp.scaled[row]! : Number.NaN,
      },
    };
  }
}
