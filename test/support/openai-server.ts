import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

/**
 * A scripted answer of the test server.
 * - `text`: a chat completion with these contents (one choice each; a string repeats for every `n`).
 * - `status`: an HTTP error with an OpenAI-style error body (`body` overrides it).
 * - `garbage`: HTTP 200 with this raw, non-JSON body.
 * - `json`: HTTP 200 with this JSON, whatever its shape (off-format answers).
 * - `hang`: never answer (the client must time out).
 * - `drop`: close the connection without an answer.
 * - `embeddings`: these vectors for an embeddings request.
 * - `choices`: at most this many choices whatever `n` asks (llama.cpp and Ollama answer with one).
 * `delayMs` delays any of them.
 */
export interface ScriptedAnswer {
  text?: string | string[];
  status?: number;
  body?: string;
  garbage?: string;
  json?: unknown;
  hang?: boolean;
  drop?: boolean;
  embeddings?: number[][];
  choices?: number;
  delayMs?: number;
}

/** A request the server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** Chooses the answer to a request when the script queue is empty. */
export type Responder = (req: RecordedRequest) => ScriptedAnswer;

/** A running OpenAI-protocol test server on 127.0.0.1. */
export interface OpenAiTestServer {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Queue answers, consumed one per request, before the responder is asked. */
  script(...answers: ScriptedAnswer[]): void;
  /** Replace the responder used when the queue is empty. */
  respond(responder: Responder): void;
  /** Stop listening and cut every open connection (hanging ones too). */
  close(): Promise<void>;
}

/** A message's content: text, or parts (text and images, as vision requests send them). */
type Content = string | Array<{ type: string; text?: string; image_url?: { url: string } }>;

function lastUser(req: RecordedRequest): Content {
  const messages = (req.body as { messages?: Array<{ role: string; content: Content }> } | null)?.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return messages[i]!.content;
  return '';
}

/** The last user message of a chat request (its text parts, for a vision request), for responders by content. */
export function lastUserMessage(req: RecordedRequest): string {
  const c = lastUser(req);
  return typeof c === 'string' ? c : c.map((p) => p.text ?? '').join('\n');
}

/** The image URLs (data URLs) of the last user message of a chat request. */
export function lastUserImages(req: RecordedRequest): string[] {
  const c = lastUser(req);
  return typeof c === 'string' ? [] : c.flatMap((p) => (p.image_url ? [p.image_url.url] : []));
}

/** FNV-1a of a text: a deterministic answer from a request's content. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A deterministic judge: a frame-judge request (an image and a task) gets a score from 0 to 10 that depends only on
 * the image; a step-judge request ("New step: ...") gets `correct` or `incorrect` from the step alone (an arithmetic
 * step `a op b = c` is checked); anything else is answered like `defaultResponder`.
 */
export const judgeResponder: Responder = (req) => {
  const images = lastUserImages(req);
  if (images.length > 0) return { text: String(fnv(images.join('')) % 11) };
  const step = /New step: (.*)/.exec(lastUserMessage(req))?.[1];
  if (step === undefined) return defaultResponder(req);
  const m = /^(-?\d+) ([-+*/]) (-?\d+) = (-?\d+)/.exec(step);
  if (!m) return { text: fnv(step) % 2 ? 'correct' : 'incorrect' };
  const [a, b, c] = [Number(m[1]), Number(m[3]), Number(m[4])];
  const v = m[2] === '+' ? a + b : m[2] === '-' ? a - b : m[2] === '*' ? a * b : a / b;
  return { text: v === c ? 'correct' : 'incorrect' };
};

/** A deterministic 8-dimensional embedding of a text (character-code hashing), for the default responder. */
export function fakeEmbedding(text: string): number[] {
  const v = new Array<number>(8).fill(0);
  for (let i = 0; i < text.length; i++) v[i % 8]! += (text.charCodeAt(i) % 31) / 31;
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

/** The default responder: `ok` to chat, `fakeEmbedding` vectors to embeddings. */
export const defaultResponder: Responder = (req) => {
  if (req.path.endsWith('/embeddings')) {
    const input = (req.body as { input?: string | string[] }).input ?? [];
    return { embeddings: (Array.isArray(input) ? input : [input]).map(fakeEmbedding) };
  }
  return { text: 'ok' };
};

function chatBody(texts: string[], model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model,
    choices: texts.map((content, index) => ({ index, message: { role: 'assistant', content }, finish_reason: 'stop' })),
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Start a server on 127.0.0.1 that speaks /v1/chat/completions and /v1/embeddings, on an ephemeral port unless
 * `port` is given (a server coming back where one was down).
 */
export async function startOpenAiServer(
  responder: Responder = defaultResponder,
  opts: { port?: number } = {},
): Promise<OpenAiTestServer> {
  const queue: ScriptedAnswer[] = [];
  const requests: RecordedRequest[] = [];
  let current = responder;
  const timers = new Set<NodeJS.Timeout>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
    requests.push(rec);
    const known = rec.path === '/v1/chat/completions' || rec.path === '/v1/embeddings';
    const answer: ScriptedAnswer = !known
      ? { status: 404, body: JSON.stringify({ error: { message: `unknown path ${rec.path}` } }) }
      : (queue.shift() ?? current(rec));
    if (answer.hang) return;
    if (answer.delayMs) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, answer.delayMs);
        timers.add(t);
      });
    }
    if (answer.drop) {
      req.socket.destroy();
      return;
    }
    const send = (status: number, text: string, type = 'application/json'): void => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': type });
      res.end(text);
    };
    if (answer.status !== undefined && answer.status >= 400) {
      send(
        answer.status,
        answer.body ??
          JSON.stringify({ error: { message: `scripted failure ${answer.status}`, type: 'server_error' } }),
      );
    } else if (answer.garbage !== undefined) {
      send(200, answer.garbage, 'text/plain');
    } else if (answer.json !== undefined) {
      send(200, JSON.stringify(answer.json));
    } else if (answer.embeddings) {
      send(
        200,
        JSON.stringify({
          object: 'list',
          data: answer.embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding })),
        }),
      );
    } else {
      const n = (body as { n?: number } | null)?.n ?? 1;
      const model = (body as { model?: string } | null)?.model ?? 'test';
      const texts = Array.isArray(answer.text) ? answer.text : new Array<string>(n).fill(answer.text ?? '');
      send(200, chatBody(texts.slice(0, answer.choices ?? texts.length), model));
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...answers) => void queue.push(...answers),
    respond: (r) => {
      current = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port of 127.0.0.1 that was free a moment ago: nothing listens there (a server that is down). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}
