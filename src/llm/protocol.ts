import { LlmError } from './errors.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}...` : flat;
}

/** Parse a response body as JSON, or throw a retryable `bad-answer` error quoting the start of it. */
export function parseJsonBody(body: string, url: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new LlmError(
      'bad-answer',
      `LLM server at ${url} answered with something that is not JSON: "${excerpt(body)}"`,
      { retryable: true },
    );
  }
}

/** The texts of an OpenAI chat completion (`choices[i].message.content`), in choice order. */
export function parseChatCompletion(json: unknown, url: string): string[] {
  const choices = isRecord(json) ? json.choices : undefined;
  if (!Array.isArray(choices) || choices.length === 0) {
    throw new LlmError(
      'bad-answer',
      `LLM server at ${url} answered without "choices": ${excerpt(JSON.stringify(json) ?? '')}`,
      { retryable: true },
    );
  }
  const indexed = choices.map((c: unknown, i: number) => {
    const message = isRecord(c) ? c.message : undefined;
    const content = isRecord(message) ? message.content : undefined;
    if (typeof content !== 'string') {
      throw new LlmError(
        'bad-answer',
        `LLM server at ${url} answered with choice ${i} lacking a string message.content`,
        { retryable: true },
      );
    }
    const index = isRecord(c) && typeof c.index === 'number' ? c.index : i;
    return { index, content };
  });
  return indexed.sort((a, b) => a.index - b.index).map((c) => c.content);
}

/** The vectors of an OpenAI embeddings answer (`data[i].embedding`), in input order. */
export function parseEmbeddings(json: unknown, url: string, expected: number): number[][] {
  const data = isRecord(json) ? json.data : undefined;
  if (!Array.isArray(data) || data.length !== expected) {
    throw new LlmError('bad-answer', `LLM server at ${url} answered without ${expected} embeddings in "data"`, {
      retryable: true,
    });
  }
  const rows = data.map((d: unknown, i: number) => {
    const emb = isRecord(d) ? d.embedding : undefined;
    if (!Array.isArray(emb) || !emb.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new LlmError(
        'bad-answer',
        `LLM server at ${url} answered with embedding ${i} that is not an array of finite numbers`,
        { retryable: true },
      );
    }
    return { index: isRecord(d) && typeof d.index === 'number' ? d.index : i, embedding: emb as number[] };
  });
  return rows.sort((a, b) => a.index - b.index).map((r) => r.embedding);
}

/** The error message of an HTTP error answer: the server's `error.message` when it sent one. */
export function httpErrorDetail(body: string): string {
  try {
    const json: unknown = JSON.parse(body);
    if (isRecord(json) && isRecord(json.error) && typeof json.error.message === 'string') return json.error.message;
  } catch {
    // not JSON: quote the text
  }
  return excerpt(body);
}
