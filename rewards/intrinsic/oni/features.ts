/**
 * Hashed bag of character 1–3-grams and words of a message, log-scaled and L2-normalised, into `dim`
 * buckets: a cheap text encoding for the ONI reward networks.
 */
export function messageFeatures(message: string, dim: number, out = new Float32Array(dim), off = 0): Float32Array {
  const s = ` ${message.toLowerCase()} `;
  const add = (token: string, salt: number) => {
    let h = 0x811c9dc5 ^ salt;
    for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193);
    out[off + ((h >>> 0) % dim)]! += 1;
  };
  for (let n = 1; n <= 3; n++) for (let i = 0; i + n <= s.length; i++) add(s.slice(i, i + n), n);
  for (const w of s.split(/[^a-z0-9]+/).filter(Boolean)) add(w, 7);
  let norm = 0;
  for (let j = 0; j < dim; j++) {
    const v = Math.log1p(out[off + j]!);
    out[off + j] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let j = 0; j < dim; j++) out[off + j]! /= norm;
  return out;
}

/** Features of many messages, `messages.length x dim`. */
export function featureMatrix(messages: readonly string[], dim: number): Float32Array {
  const out = new Float32Array(messages.length * dim);
  messages.forEach((m, r) => messageFeatures(m, dim, out, r * dim));
  return out;
}
