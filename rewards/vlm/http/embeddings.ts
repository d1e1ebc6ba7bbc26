import { RxgymError } from '../../../src/core/env.js';
import { resolveLlmOptions } from '../../../src/llm/config.js';
import type { LlmOptions } from '../../../src/llm/types.js';
import type { FrameBatch } from '../../../src/stream/batch.js';
import { normalizeRows, type ImageTextEncoder } from '../encoder.js';
import { pngDataUrl } from './judge.js';

/** Why an embeddings request failed: the kinds counted like the judge's. */
export type EmbeddingFailure = 'unreachable' | 'http' | 'timeout' | 'badAnswer';

/** A failed embeddings request, with its kind and a one-line cause. */
export class EmbeddingsError extends RxgymError {
  constructor(
    readonly kind: EmbeddingFailure,
    message: string,
  ) {
    super(message);
    this.name = 'EmbeddingsError';
  }
}

/** The text part sent beside each image (VLM2Vec-style embedding models expect an instruction). */
export const IMAGE_PROMPT = 'Represent the given image.';

/**
 * An image+text embeddings endpoint of an OpenAI-compatible server (vLLM serving a multimodal embedding model):
 * `POST <baseUrl>/embeddings` with `{ model, input: [texts], encoding_format: "float" }` for texts, and for one image
 * `{ model, messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: <PNG data URL> } },
 * { type: "text", text: IMAGE_PROMPT }] }], encoding_format: "float" }` (vLLM's chat-style embeddings request; one
 * embedding per conversation). Answers must be `{ data: [{ embedding: number[] }] }` with one row per input and the
 * same length throughout; anything else is a `badAnswer` error.
 */
export class EmbeddingsClient {
  readonly baseUrl: string;
  readonly model: string;
  private readonly apiKey?: string;
  private readonly timeoutMs: number;
  /** Embedding length, set by the first answer. */
  dim = 0;

  constructor(llm: LlmOptions) {
    const o = resolveLlmOptions(llm);
    this.baseUrl = o.baseUrl;
    this.model = o.model;
    this.apiKey = o.apiKey;
    this.timeoutMs = o.timeoutMs;
  }

  /** Embeddings of `texts` (raw, as the server gives them), `texts.length x dim` values. */
  embedTexts(texts: readonly string[]): Promise<Float32Array> {
    return this.post({ model: this.model, input: texts, encoding_format: 'float' }, texts.length);
  }

  /** The embedding of one image given as a data URL. */
  embedImage(dataUrl: string): Promise<Float32Array> {
    const content = [
      { type: 'image_url', image_url: { url: dataUrl } },
      { type: 'text', text: IMAGE_PROMPT },
    ];
    return this.post({ model: this.model, messages: [{ role: 'user', content }], encoding_format: 'float' }, 1);
  }

  private async post(body: unknown, rows: number): Promise<Float32Array> {
    const where = `${this.baseUrl}/embeddings`;
    let res: Response;
    try {
      res = await fetch(where, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const err = e as Error;
      if (err.name === 'TimeoutError' || err.name === 'AbortError')
        throw new EmbeddingsError('timeout', `${where}: no answer within ${this.timeoutMs} ms`);
      const cause = (err.cause as { code?: string } | undefined)?.code ?? err.message;
      throw new EmbeddingsError('unreachable', `${where} is unreachable (${cause}); is the embeddings server running?`);
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) throw new EmbeddingsError('http', `${where} answered HTTP ${res.status}: ${text.slice(0, 160)}`);
    return this.parse(where, text, rows);
  }

  private parse(where: string, text: string, rows: number): Float32Array {
    const bad = (why: string): EmbeddingsError =>
      new EmbeddingsError(
        'badAnswer',
        `${where} (model ${this.model}) gave no usable embeddings: ${why}; expected { data: [{ embedding: ` +
          `[numbers] }] } with ${rows} row(s)`,
      );
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw bad(`the answer is not JSON (${JSON.stringify(text.slice(0, 60))})`);
    }
    const data = (json as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) throw bad('no data array');
    if (data.length !== rows) throw bad(`${data.length} row(s)`);
    // rows come back in `index` order where the server gives one
    const ordered = data.every((d) => typeof (d as { index?: unknown }).index === 'number')
      ? [...data].sort((a, b) => (a as { index: number }).index - (b as { index: number }).index)
      : data;
    let dim = 0;
    const vecs = ordered.map((d, i) => {
      const v = (d as { embedding?: unknown } | null)?.embedding;
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
        throw bad(`row ${i} is not a list of finite numbers`);
      if (dim === 0) dim = v.length;
      else if (v.length !== dim) throw bad(`rows of different lengths (${dim} and ${v.length})`);
      return v as number[];
    });
    if (this.dim !== 0 && dim !== this.dim)
      throw bad(`${dim} values per embedding where earlier answers had ${this.dim}`);
    this.dim = dim;
    const out = new Float32Array(rows * dim);
    vecs.forEach((v, i) => out.set(v, i * dim));
    return normalizeRows(out, dim);
  }
}

/**
 * `encoder: http` in `mode: embeddings` for `rxgym vlm score`: every frame (a PNG data URL) and sentence embedded by
 * the server, `concurrency` image requests at a time. Asynchronous only: training uses `EmbeddedVlmSource`, which never
 * waits for the server.
 */
export function httpEmbeddingEncoder(llm: LlmOptions, frameSize = { width: 64, height: 64 }): ImageTextEncoder {
  const client = new EmbeddingsClient(llm);
  const concurrency = resolveLlmOptions(llm).concurrency;
  return {
    name: `http:embeddings(${client.model})`,
    get dim() {
      return client.dim;
    },
    frameSize,
    embedTexts: (texts) => client.embedTexts(texts),
    embedImages: async (frames: FrameBatch, rows: ArrayLike<number>) => {
      const parts: Float32Array[] = new Array(rows.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < rows.length) {
          const i = next++;
          parts[i] = await client.embedImage(pngDataUrl(frames, rows[i]!));
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
      const out = new Float32Array(rows.length * client.dim);
      parts.forEach((p, i) => out.set(p, i * client.dim));
      return out;
    },
    dispose: () => {},
  };
}
