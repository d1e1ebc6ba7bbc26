import type { FrameBatch, TransitionBatch } from '../../../src/stream/batch.js';
import { IMAGE_DIM, imageInput } from '../builtin/features.js';
import type { VlmEvery } from '../options.js';
import type { ScoredFrameReporter } from '../scored-frame.js';
import { scoredRows } from '../scored-rows.js';
import type { FrameRewardModel } from './frame-model.js';

/**
 * The batch-side half of a distilled http reward (judge or embeddings): scores a batch's frames with the small frame
 * model at once, and picks the frames to send to the server, each with its own copy of the model input.
 */
export class DistilledFrameScorer {
  private rows = new Int32Array(0);
  private xs = new Float32Array(0);

  constructor(
    private readonly model: FrameRewardModel,
    private readonly scored: ScoredFrameReporter,
  ) {}

  /** The batch's rewards (0 on rows not scored); `ask` receives up to `perBatch` scored rows spread over the batch. */
  score(
    batch: TransitionBatch,
    frames: FrameBatch,
    every: VlmEvery,
    perBatch: number,
    ask: (row: number, input: Float32Array) => void,
  ): Float32Array {
    const n = batch.numSteps * batch.numEnvs;
    if (this.rows.length < n) this.rows = new Int32Array(n);
    const m = scoredRows(batch, every, this.rows);
    if (this.xs.length < m * IMAGE_DIM) this.xs = new Float32Array(m * IMAGE_DIM);
    for (let i = 0; i < m; i++) imageInput(frames, this.rows[i]!, this.xs, i * IMAGE_DIM);
    const pred = this.model.labels > 0 ? this.model.predict(this.xs, m) : new Float32Array(m);
    const out = new Float32Array(n);
    for (let i = 0; i < m; i++) out[this.rows[i]!] = pred[i]!;
    this.scored.note(this.rows, m, out);
    const k = Math.min(perBatch, m);
    for (let j = 0; j < k; j++) {
      const i = Math.floor(((j + 0.5) * m) / k);
      ask(this.rows[i]!, this.xs.slice(i * IMAGE_DIM, (i + 1) * IMAGE_DIM));
    }
    return out;
  }
}
