import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RxgymError } from '../../src/core/env.js';
import { Rng } from '../../src/core/rng.js';
import { backoffDelay } from '../../src/llm/backoff.js';
import {
  createLlmClient,
  describeFailures,
  LlmError,
  resolveLlmOptions,
  type LlmOptions,
  type RetryInfo,
} from '../../src/llm/index.js';
import { defaultResponder, startOpenAiServer, type OpenAiTestServer } from '../support/openai-server.js';

let server: OpenAiTestServer;
const dirs: string[] = [];
const fresh = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'rxgym-llm-'));
  dirs.push(d);
  return d;
};
const opts = (extra: LlmOptions = {}): LlmOptions => ({
  baseUrl: server.url,
  model: 'm',
  cacheDir: 'off',
  retryBaseMs: 1,
  retryMaxMs: 5,
  ...extra,
});
const user = [{ role: 'user' as const, content: 'hello' }];

beforeAll(async () => {
  server = await startOpenAiServer();
});
afterAll(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  server.requests.length = 0;
  server.respond(defaultResponder);
});

describe('LLM client against a real HTTP server', () => {
  it('sends an OpenAI chat request and returns every completion', async () => {
    server.script({ text: ['a', 'b', 'c'] });
    const client = createLlmClient(opts({ apiKey: 'sk-test' }));
    const res = await client.chat(user, { n: 3, temperature: 0.5, maxTokens: 10 });
    expect(res).toEqual({ texts: ['a', 'b', 'c'], cached: false });
    const req = server.requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.body).toMatchObject({ model: 'm', messages: user, n: 3, temperature: 0.5, max_tokens: 10 });
    expect(req.headers.authorization).toBe('Bearer sk-test');
    expect(client.stats()).toMatchObject({ requests: 1, failures: 0, retries: 0, cacheHits: 0, inFlight: 0 });
  });

  it('answers a rerun from the disk cache without touching the server', async () => {
    const cacheDir = fresh();
    server.script({ text: 'first' });
    const a = await createLlmClient(opts({ cacheDir })).chat(user);
    const second = createLlmClient(opts({ cacheDir }));
    const b = await second.chat(user);
    expect(a.texts).toEqual(['first']);
    expect(b).toEqual({ texts: ['first'], cached: true });
    expect(server.requests).toHaveLength(1);
    expect(second.stats().cacheHits).toBe(1);
    // no temp files are left behind by the atomic write
    const files = readdirSync(cacheDir, { recursive: true }).map(String);
    expect(files.some((f) => f.endsWith('.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);
    // a different request is a different key
    server.script({ text: 'other' });
    expect((await second.chat([{ role: 'user', content: 'bye' }])).texts).toEqual(['other']);
  });

  it('retries 500s with backoff and counts them', async () => {
    server.script({ status: 500 }, { status: 503 }, { text: 'fine' });
    const client = createLlmClient(opts());
    expect((await client.chat(user)).texts).toEqual(['fine']);
    expect(client.stats()).toMatchObject({ requests: 1, failures: 2, retries: 2 });
  });

  it('gives up after maxRetries with an HTTP error naming the status', async () => {
    server.respond(() => ({ status: 500 }));
    const client = createLlmClient(opts({ maxRetries: 2 }));
    const err = await client.chat(user).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toBeInstanceOf(RxgymError);
    expect((err as LlmError).kind).toBe('http');
    expect((err as Error).message).toMatch(/HTTP 500.*gave up after 3 attempts/);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 401 and says to check the key', async () => {
    server.script({ status: 401, body: JSON.stringify({ error: { message: 'bad key' } }) });
    const client = createLlmClient(opts());
    await expect(client.chat(user)).rejects.toThrow(/HTTP 401: bad key \(check OPENAI_API_KEY\)/);
    expect(server.requests).toHaveLength(1);
    expect(client.stats().retries).toBe(0);
  });

  it('retries garbage and off-format answers, then succeeds', async () => {
    server.script(
      { garbage: '<html>502 bad gateway</html>' },
      { json: { foo: 1 } },
      { json: { choices: [{ message: {} }] } },
      { text: 'good' },
    );
    const client = createLlmClient(opts());
    expect((await client.chat(user)).texts).toEqual(['good']);
    expect(client.stats()).toMatchObject({ failures: 3, retries: 3 });
  });

  it('reports persistent garbage as a bad answer quoting it', async () => {
    server.respond(() => ({ garbage: 'not json at all' }));
    const client = createLlmClient(opts({ maxRetries: 1 }));
    const err = (await client.chat(user).catch((e: unknown) => e)) as LlmError;
    expect(err.kind).toBe('bad-answer');
    expect(err.message).toContain('not json at all');
  });

  it('times out slow answers and succeeds on a later fast one', async () => {
    server.script({ text: 'late', delayMs: 400 }, { hang: true }, { text: 'quick', delayMs: 20 });
    const client = createLlmClient(opts({ timeoutMs: 150 }));
    const t0 = Date.now();
    expect((await client.chat(user)).texts).toEqual(['quick']);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(client.stats()).toMatchObject({ failures: 2, retries: 2, inFlight: 0 });
  });

  it('reports a time-out when every attempt is too slow', async () => {
    server.respond(() => ({ hang: true }));
    const client = createLlmClient(opts({ timeoutMs: 50, maxRetries: 1 }));
    const err = (await client.chat(user).catch((e: unknown) => e)) as LlmError;
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/did not answer within 50 ms/);
  });

  it('retries a dropped connection', async () => {
    server.script({ drop: true }, { text: 'back' });
    const client = createLlmClient(opts());
    expect((await client.chat(user)).texts).toEqual(['back']);
    expect(client.stats().failures).toBe(1);
  });

  it('names the URL and how to configure when the server is unreachable', async () => {
    // a port that was free a moment ago: nothing listens there
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const client = createLlmClient({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      cacheDir: 'off',
      maxRetries: 1,
      retryBaseMs: 1,
    });
    const err = (await client.chat(user).catch((e: unknown) => e)) as LlmError;
    expect(err.kind).toBe('unreachable');
    expect(err.message).toContain(`http://127.0.0.1:${port}/v1/chat/completions`);
    expect(err.message).toContain('--llm-url');
    expect(err.message).toContain('OPENAI_BASE_URL');
    expect(client.stats()).toMatchObject({ failures: 2, retries: 1 });
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let active = 0;
    let peak = 0;
    server.respond(() => {
      active++;
      peak = Math.max(peak, active);
      setTimeout(() => active--, 60);
      return { text: 'x', delayMs: 60 };
    });
    const client = createLlmClient(opts({ concurrency: 2 }));
    const calls = [0, 1, 2, 3, 4].map((i) => client.chat([{ role: 'user', content: `q${i}` }]));
    await new Promise((r) => setTimeout(r, 20));
    expect(client.stats().inFlight).toBe(2);
    expect(client.stats().queued).toBe(3);
    await Promise.all(calls);
    expect(peak).toBe(2);
    expect(server.requests).toHaveLength(5);
  });

  it('embeds texts in input order', async () => {
    const client = createLlmClient(opts());
    const res = await client.embed(['a', 'bb']);
    expect(res.vectors).toHaveLength(2);
    expect(res.vectors[0]).toHaveLength(8);
    expect(server.requests[0]!.path).toBe('/v1/embeddings');
    expect(server.requests[0]!.body).toMatchObject({ model: 'm', input: ['a', 'bb'] });
  });
});

describe('servers that ignore n, cancellation, failure counts (issue 13, items 8-10)', () => {
  it('asks for the missing samples separately when the server answers one choice whatever n says', async () => {
    let k = 0;
    server.respond(() => ({ text: `sample ${k++}`, choices: 1 }));
    const client = createLlmClient(opts({ cacheDir: fresh() }));
    const res = await client.chat(user, { n: 3, temperature: 0.8 });
    expect(res.texts).toEqual(['sample 0', 'sample 1', 'sample 2']);
    expect(res.errors).toBeUndefined();
    expect(server.requests.map((r) => (r.body as { n: number }).n)).toEqual([3, 1, 1]);
    expect(client.stats()).toMatchObject({ requests: 3, failures: 0, ignoresN: true });
    // from then on, separate requests straight away; the cache holds the whole answer
    server.requests.length = 0;
    expect((await client.chat([{ role: 'user', content: 'again' }], { n: 2 })).texts).toHaveLength(2);
    expect(server.requests.map((r) => (r.body as { n: number }).n)).toEqual([1, 1]);
    const again = await client.chat(user, { n: 3, temperature: 0.8 });
    expect(again).toEqual({ texts: ['sample 0', 'sample 1', 'sample 2'], cached: true });
  });

  it('returns the samples that came back and the errors of those that did not', async () => {
    server.script({ text: 'first', choices: 1 }, { text: 'second' }, { status: 400 });
    const client = createLlmClient(opts());
    const res = await client.chat(user, { n: 3 });
    expect(res.texts).toEqual(['first', 'second']);
    expect(res.errors?.map((e) => e.kind)).toEqual(['http']);
  });

  it('close() cuts a hanging request at once and refuses new calls', async () => {
    server.respond(() => ({ hang: true }));
    const client = createLlmClient(opts({ timeoutMs: 60_000 }));
    const call = client.chat(user).then(
      () => undefined,
      (e: unknown) => e as LlmError,
    );
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    client.close();
    const err = await call;
    expect(Date.now() - t0).toBeLessThan(200);
    expect(err?.kind).toBe('cancelled');
    await expect(client.chat(user)).rejects.toThrow(/is closed/);
    expect(client.stats()).toMatchObject({ failures: 0, inFlight: 0 });
  });

  it('close() stops a retry loop waiting in its backoff; an AbortSignal cancels one call', async () => {
    server.respond(() => ({ status: 503 }));
    const client = createLlmClient(opts({ retryBaseMs: 30_000, retryMaxMs: 30_000 }));
    const retries: RetryInfo[] = [];
    const call = client.chat(user, { onRetry: (r) => retries.push(r) }).then(
      () => undefined,
      (e: unknown) => e as LlmError,
    );
    await new Promise((r) => setTimeout(r, 100));
    client.close();
    expect((await call)?.kind).toBe('cancelled');
    expect(server.requests).toHaveLength(1);
    expect(retries).toHaveLength(1);
    expect(retries[0]!.error.message).toMatch(/HTTP 503/);
    expect(retries[0]!.delayMs).toBeGreaterThan(1000);
    server.respond(() => ({ hang: true }));
    const ac = new AbortController();
    const other = createLlmClient(opts());
    const pending = other.chat(user, { signal: ac.signal }).then(
      () => undefined,
      (e: unknown) => e as LlmError,
    );
    setTimeout(() => ac.abort(), 50);
    expect((await pending)?.kind).toBe('cancelled');
  });

  it('counts failed attempts by kind and status, and says so in words', async () => {
    server.script({ status: 500 }, { status: 503 }, { status: 500 });
    server.script({ garbage: 'oops' }, { hang: true }, { text: 'ok' });
    const client = createLlmClient(opts({ timeoutMs: 100, maxRetries: 5 }));
    await client.chat(user);
    const st = client.stats();
    expect(st.errors).toEqual({ unreachable: 0, http: 3, timeout: 1, badAnswer: 1 });
    expect(st.statuses).toEqual({ 500: 2, 503: 1 });
    expect(st.lastError).toMatch(/did not answer within 100 ms/);
    expect(describeFailures(st.errors, st.statuses)).toBe(
      '3 HTTP errors (500 x2, 503 x1), 1 time-out, 1 unparsable answer (not an OpenAI chat answer)',
    );
  });
});

describe('LLM configuration', () => {
  it('fails at construction for a URL that is not a URL', () => {
    expect(() => createLlmClient({ baseUrl: 'localhost 8000' })).toThrow(/"localhost 8000" is not a URL/);
    expect(() => createLlmClient({ baseUrl: 'ftp://x/v1' })).toThrow(/http or https/);
  });

  it('says how to point at a server when none is configured', () => {
    expect(() => resolveLlmOptions({}, {})).toThrow(/no LLM server configured.*--llm-url.*OPENAI_BASE_URL/);
  });

  it('reads the environment and appends /v1 to a bare host', () => {
    const r = resolveLlmOptions(
      {},
      { OPENAI_BASE_URL: 'http://h:8000/', RXGYM_LLM_MODEL: 'qwen', OPENAI_API_KEY: 'k', RXGYM_LLM_CACHE: 'off' },
    );
    expect(r).toMatchObject({ baseUrl: 'http://h:8000/v1', model: 'qwen', apiKey: 'k', cacheDir: undefined });
    expect(resolveLlmOptions({ baseUrl: 'http://h/api/v2/' }, {}).baseUrl).toBe('http://h/api/v2');
  });

  it('rejects bad numeric options by name', () => {
    expect(() => resolveLlmOptions({ baseUrl: 'http://h', concurrency: 0 }, {})).toThrow(
      /concurrency must be an integer >= 1/,
    );
  });

  it('draws backoff jitter from the seeded Rng', () => {
    const a = [0, 1, 2, 3].map((k) => backoffDelay(k, 100, 1000, new Rng(7)));
    const b = [0, 1, 2, 3].map((k) => backoffDelay(k, 100, 1000, new Rng(7)));
    expect(a).toEqual(b);
    a.forEach((d, k) => {
      expect(d).toBeGreaterThanOrEqual(Math.min(1000, 100 * 2 ** k) * 0.5);
      expect(d).toBeLessThanOrEqual(1000);
    });
  });
});
