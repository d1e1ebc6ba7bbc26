import type { FrameBatch } from '../../src/stream/batch.js';

/** What a synchronous encoder offers the training hot path (it computes locally: builtin, onnx). */
export interface SyncEmbedder {
  /** Unit embeddings of `texts`, `texts.length x dim` values. */
  embedTexts(texts: readonly string[]): Float32Array;
  /** Unit embeddings of the frames at `rows` of `frames`, written into `out` (`rows.length x dim` values). */
  embedImages(frames: FrameBatch, rows: ArrayLike<number>, out: Float32Array): void;
}

/**
 * An image-text encoder: frames and sentences mapped to unit vectors of one space, where a frame lies close to the
 * sentences that describe it. Every encoder answers asynchronously; local ones (`sync`) also synchronously.
 */
export interface ImageTextEncoder {
  /** How it was chosen (`builtin`, `onnx:<dir>`, `http`). */
  readonly name: string;
  /** Embedding length. */
  readonly dim: number;
  /** The frame size it is made for: the default `width`/`height` of frames rendered for it. */
  readonly frameSize: { width: number; height: number };
  /** Unit embeddings of `texts`, `texts.length x dim` values. */
  embedTexts(texts: readonly string[]): Promise<Float32Array>;
  /** Unit embeddings of the frames at `rows`, `rows.length x dim` values. */
  embedImages(frames: FrameBatch, rows: ArrayLike<number>): Promise<Float32Array>;
  /** Present when the encoder can also answer without waiting. */
  readonly sync?: SyncEmbedder;
  dispose(): void;
}

/** Scale each `dim`-long row of `x` to unit length (rows of zeros stay zero). */
export function normalizeRows(x: Float32Array, dim: number): Float32Array {
  for (let o = 0; o < x.length; o += dim) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += x[o + j]! * x[o + j]!;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < dim; j++) x[o + j]! *= inv;
  }
  return x;
}

/** An async encoder from a synchronous one. */
export function fromSync(
  base: Omit<ImageTextEncoder, 'embedTexts' | 'embedImages'> & { sync: SyncEmbedder },
): ImageTextEncoder {
  return {
    ...base,
    embedTexts: async (texts) => base.sync.embedTexts(texts),
    embedImages: async (frames, rows) => {
      const out = new Float32Array(rows.length * base.dim);
      base.sync.embedImages(frames, rows, out);
      return out;
    },
    dispose: () => base.dispose(),
  };
}
