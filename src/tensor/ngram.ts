/**
 * Hashed character n-gram features of a message line: each n-gram of the text (for every n in `ngrams`)
 * adds 1 to bucket FNV-1a(n-gram) mod `buckets`; counts are scaled by 1/sqrt(total) so long lines do not dominate.
 * `bytes` holds the line as NLE does (character codes, 0-terminated); written into `out` at `offset`.
 */
export function hashNgrams(
  bytes: ArrayLike<number>,
  start: number,
  length: number,
  ngrams: readonly number[],
  buckets: number,
  out: Float32Array,
  offset: number,
): void {
  let end = start;
  while (end < start + length && bytes[end] !== 0) end++;
  if (end === start) return; // empty line: all zeros
  let total = 0;
  for (const n of ngrams) {
    for (let i = start - 1; i + n <= end + 1; i++) {
      // Positions start-1 and end stand for begin/end-of-line markers, so short words still get n-grams.
      let h = 0x811c9dc5;
      for (let j = i; j < i + n; j++) {
        const c = j < start ? 2 : j >= end ? 3 : bytes[j]! | 32; // lower-case letters
        h = Math.imul(h ^ c, 0x01000193) >>> 0;
      }
      h = Math.imul(h ^ n, 0x01000193) >>> 0;
      out[offset + (h % buckets)]! += 1;
      total++;
    }
  }
  const s = 1 / Math.sqrt(total);
  for (let b = 0; b < buckets; b++) out[offset + b]! *= s;
}

/** Character codes of a string in a fixed-length 0-padded byte row (how a message line is carried in observations). */
export function encodeMessage(text: string, length: number, out: Uint8Array, offset = 0): void {
  const n = Math.min(text.length, length);
  for (let i = 0; i < n; i++) out[offset + i] = text.charCodeAt(i) & 0xff;
  out.fill(0, offset + n, offset + length);
}
