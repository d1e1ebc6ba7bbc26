import { defaultResponder, type RecordedRequest, type Responder } from '../support/openai-server.js';

/** FNV-1a of a text. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A deterministic `dim`-long vector from a hash of `text` (a xorshift stream seeded by it), values in [-1, 1). */
export function hashedVector(text: string, dim = 8): number[] {
  let s = fnv(text) || 1;
  return Array.from({ length: dim }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  });
}

/** The image URLs of a chat-style embeddings request (`messages` with `image_url` parts). */
export function requestImages(req: RecordedRequest): string[] {
  const messages = (req.body as { messages?: { content: unknown }[] } | null)?.messages ?? [];
  return messages.flatMap((m) =>
    Array.isArray(m.content)
      ? (m.content as { image_url?: { url: string } }[]).flatMap((p) => (p.image_url ? [p.image_url.url] : []))
      : [],
  );
}

/**
 * A multimodal embeddings server, as vLLM serves one: texts (`input`) get `fakeEmbedding` vectors (8-d), an image
 * request (`messages` with an `image_url`) a vector hashed from the image's data URL; chat as the default responder.
 */
export const multimodalEmbeddings: Responder = (req) => {
  const images = requestImages(req);
  if (req.path.endsWith('/embeddings') && images.length > 0) return { embeddings: [hashedVector(images.join(''))] };
  return defaultResponder(req);
};
