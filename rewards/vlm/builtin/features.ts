import type { FrameBatch } from '../../../src/stream/batch.js';

/** Edge of the square image the built-in model sees (frames are area-averaged down to it). */
export const IMAGE_SIDE = 24;
/** Length of a built-in image input: IMAGE_SIDE^2 RGB values. */
export const IMAGE_DIM = IMAGE_SIDE * IMAGE_SIDE * 3;
/** Hash buckets of the built-in text input (words and word pairs). */
export const TEXT_DIM = 2048;

/**
 * Frame `row` of `frames` as IMAGE_SIDE x IMAGE_SIDE x 3 values in [-0.5, 0.5] at `out[offset...]`: each output
 * pixel is the mean of the source pixels whose centres fall in its cell (frames are squashed, not cropped, as VLM-RM).
 */
export function imageInput(frames: FrameBatch, row: number, out: Float32Array, offset: number): void {
  const { width: w, height: h } = frames;
  const base = row * w * h * 3;
  const src = frames.data;
  const S = IMAGE_SIDE;
  for (let oy = 0; oy < S; oy++) {
    const y0 = Math.floor((oy * h) / S),
      y1 = Math.max(y0 + 1, Math.floor(((oy + 1) * h) / S));
    for (let ox = 0; ox < S; ox++) {
      const x0 = Math.floor((ox * w) / S),
        x1 = Math.max(x0 + 1, Math.floor(((ox + 1) * w) / S));
      let r = 0,
        g = 0,
        b = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const p = base + (y * w + x) * 3;
          r += src[p]!;
          g += src[p + 1]!;
          b += src[p + 2]!;
        }
      }
      const inv = 1 / ((y1 - y0) * (x1 - x0) * 255);
      const o = offset + (oy * S + ox) * 3;
      out[o] = r * inv - 0.5;
      out[o + 1] = g * inv - 0.5;
      out[o + 2] = b * inv - 0.5;
    }
  }
}

const STOP = new Set(['a', 'an', 'the', 'is', 'are', 'of', 'to', 'its', 'it', 'in', 'on', 'at', 'and', 'with']);

/** Lower-case words of a sentence without punctuation. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0);
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * A sentence as hashed bag-of-words features at `out[offset...]` (TEXT_DIM values, unit length): every content word
 * and every pair of neighbouring words (stop words kept in pairs, so "left of" and "on top" count), each hashed into
 * a bucket. Unknown words still land somewhere: there is no vocabulary to fall out of.
 */
export function textInput(text: string, out: Float32Array, offset: number): void {
  const ws = words(text);
  const feats: string[] = [];
  for (const w of ws) if (!STOP.has(w)) feats.push(w);
  for (let i = 0; i + 1 < ws.length; i++) feats.push(`${ws[i]} ${ws[i + 1]}`);
  for (const f of feats) out[offset + (fnv(f) % TEXT_DIM)]! += 1;
  let s = 0;
  for (let j = 0; j < TEXT_DIM; j++) s += out[offset + j]! * out[offset + j]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let j = 0; j < TEXT_DIM; j++) out[offset + j]! *= inv;
}
