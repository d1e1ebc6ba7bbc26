import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Box, Discrete } from '../../src/core/spaces.js';
import { initBackend, setBackendLogger } from '../../src/tensor/backend.js';
import { type RewardContext } from '../../rewards/index.js';
import { LlmAnnotator, type LlmAnnotatorSettings, type OniLabel } from '../../rewards/intrinsic/oni/annotator.js';
import { ClassificationModel, RankingModel } from '../../rewards/intrinsic/oni/models.js';
import { OniSource } from '../../rewards/intrinsic/oni/oni.js';
import { parseClassification, parseRanking } from '../../rewards/intrinsic/oni/prompts.js';
import { rubricLabel, rubricPreference } from '../../rewards/intrinsic/oni/rubric.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setWarningHandler } from '../../src/core/warn.js';
import type { RewardEvent } from '../../src/core/reward.js';
import { freePort, lastUserMessage, startOpenAiServer, type OpenAiTestServer } from '../support/openai-server.js';
import { startOpenAiServerProcess } from '../support/openai-server-process.js';
import { makeBatch } from './batch.js';
import { buildRewardStack } from '../support/registry.js';
const ctx = (numEnvs = 1): RewardContext => ({
  envId: 'T',
  observationSpace: new Box(0, 1, [1]),
  actionSpace: new Discrete(3),
  numEnvs,
  seed: 1,
});
const msgBatch = (messages: string[][], episodeIds?: number[][]) => {
  const z = messages.map((row) => row.map(() => [0]));
  return makeBatch({ obs: z, next: z, messages, episodeIds });
};
const llmOpts = (url: string) => ({ baseUrl: url, cacheDir: 'off', maxRetries: 0, retryBaseMs: 0, timeoutMs: 5000 });
const settings = (extra: Partial<LlmAnnotatorSettings> = {}): LlmAnnotatorSettings => ({
  maxQueue: 10,
  concurrency: 1,
  parseRetries: 2,
  temperature: 0.1,
  maxTokens: 64,
  reasks: 0,
  reaskDelayMs: 0,
  warnAfter: 20,
  ...extra,
});

let server: OpenAiTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
beforeAll(async () => {
  setBackendLogger(() => {});
  await initBackend();
});

describe('rubric and parsing', () => {
  it('scores progress, not noise', () => {
    expect(rubricLabel('You kill the jackal!')).toBe(1);
    expect(rubricLabel('Welcome to experience level 2.')).toBe(1);
    expect(rubricLabel('You miss the newt.')).toBe(0);
    expect(rubricLabel('You hear a jackal howling.')).toBe(0);
    expect(rubricLabel('The jackal bites you!')).toBe(0);
    expect(rubricPreference('You miss the newt.', 'You kill the newt!')).toBe(1);
    expect(rubricPreference('You hit the newt.', 'You hit the rat.')).toBe(0.5);
  });
  it('parses strictly', () => {
    expect(parseClassification('<reasoning>progress</reasoning>\n<label>HELPFUL</label>')).toBe(1);
    expect(parseClassification('<label> not helpful </label>')).toBe(0);
    expect(parseClassification('HELPFUL')).toBeUndefined();
    expect(parseClassification('<label>HELPFUL</label><label>NOT HELPFUL</label>')).toBeUndefined();
    expect(parseRanking('<best>2</best>')).toBe(1);
    expect(parseRanking('<best>tie</best>')).toBe(0.5);
    expect(parseRanking('the first one')).toBeUndefined();
  });
});

describe('ONI with the rubric annotator', () => {
  it('retrieval: r(m) / N_ep(m)^3, counts restart each episode, empty messages give 0', () => {
    const s = new OniSource('oni', { source: 'oni', annotator: 'rubric' }, ctx());
    const b = msgBatch(
      [['You kill the newt!'], [''], ['You kill the newt!'], ['You miss the rat.'], ['You kill the newt!']],
      [[0], [0], [0], [0], [1]],
    );
    // rubric labels arrive synchronously on submit, before the batch is predicted
    expect(Array.from(s.compute(b))).toEqual([1, 0, 1 / 8, 0, 1].map(Math.fround));
    s.dispose();
  });
  it('classification generalises from labels to unseen messages', () => {
    const m = new ClassificationModel(
      { features: 256, hidden: [32], lr: 0.01, trainSteps: 200, batchSize: 64, seed: 3 },
      0.5,
    );
    const train = [
      'You kill the jackal!',
      'You kill the newt!',
      'You kill the rat!',
      'You miss the jackal.',
      'You miss the newt.',
      'You miss the rat.',
      'Welcome to experience level 2.',
      'Welcome to experience level 3.',
      'You hear a jackal howling.',
      'You hear the sound of digging.',
    ];
    for (const msg of train) m.addLabel({ kind: 'cls', message: msg, label: rubricLabel(msg) });
    m.train();
    expect(
      Array.from(m.predict(['You kill the coyote!', 'You miss the coyote.', 'Welcome to experience level 5.'])),
    ).toEqual([1, 0, 1]);
    m.dispose();
  });
  it('ranking: Bradley–Terry orders messages as the pairs say; z-scored with a threshold', () => {
    const m = new RankingModel(
      { features: 256, hidden: [32], lr: 0.01, trainSteps: 200, batchSize: 64, seed: 3 },
      -0.5,
    );
    const msgs = ['You kill the jackal!', 'You hit the jackal.', 'You miss the jackal.', 'The jackal bites you!'];
    for (let i = 0; i < msgs.length; i++)
      for (let j = 0; j < msgs.length; j++) {
        if (i !== j) m.addLabel({ kind: 'pair', a: msgs[i]!, b: msgs[j]!, pref: rubricPreference(msgs[i]!, msgs[j]!) });
      }
    m.train();
    const r = m.scores(msgs);
    expect(r[0]!).toBeGreaterThan(r[1]!);
    expect(r[1]!).toBeGreaterThan(r[2]!);
    expect(r[2]!).toBeGreaterThan(r[3]!);
    const v = Float32Array.from(r);
    m.transform(v, new Uint8Array(4).fill(1));
    expect(v[0]!).toBeGreaterThan(0);
    expect(v[3]!).toBe(0);
    m.dispose();
  });
  it('builds all three models through the stack; rejects an unknown model and a bad LLM URL', async () => {
    for (const model of ['retrieval', 'classification', 'ranking']) {
      const st = buildRewardStack([{ source: 'extrinsic' }, { source: 'oni', model, annotator: 'rubric' }], ctx(2));
      const b = msgBatch([
        ['You kill the newt!', 'You miss the newt.'],
        ['Welcome to experience level 2.', ''],
      ]);
      const a = st.annotate(b);
      await st.update(a);
      const a2 = st.annotate(b);
      expect(a2.components.oni!.raw.length).toBe(4);
      st.dispose();
    }
    const st = buildRewardStack([{ source: 'oni', annotator: 'rubric' }], ctx(1));
    const seen: { kind: string; data: Record<string, unknown> }[] = [];
    st.events$.subscribe((e) => seen.push(e));
    await st.update(st.annotate(msgBatch([['You kill the newt!'], ['You miss the newt.']])));
    expect(seen.find((e) => e.kind === 'annotation')?.data).toMatchObject({
      annotator: 'rubric',
      model: 'retrieval',
      labelled: 2,
      queued: 0,
      failures: 0,
    });
    expect(seen.find((e) => e.kind === 'info')?.data.components).toHaveProperty('oni');
    st.dispose();
    expect(() => buildRewardStack([{ source: 'oni', model: 'regression' }], ctx())).toThrow(
      /^rewards\[0\]\.model: must be one of retrieval, classification, ranking, got "regression"/,
    );
    expect(() => buildRewardStack([{ source: 'oni', llm: { baseUrl: 'localhost:8000' } }], ctx())).toThrow(
      /^rewards\[0\]\.llm\.baseUrl: "localhost:8000" is not an http\(s\) URL/,
    );
  });
});

describe('ONI with an LLM server (real HTTP, scripted)', () => {
  it('never blocks: compute returns while a slow server labels in the background', async () => {
    server = await startOpenAiServer((req) => ({
      delayMs: 300,
      text: /^"You kill/m.test(lastUserMessage(req))
        ? '<reasoning>a kill</reasoning><label>HELPFUL</label>'
        : '<reasoning>noise</reasoning><label>NOT HELPFUL</label>',
    }));
    const s = new OniSource('oni', { source: 'oni', annotator: 'llm', llm: llmOpts(server.url) }, ctx());
    const b = msgBatch([['You kill the newt!'], ['You miss the newt.']]);
    const t0 = performance.now();
    expect(Array.from(s.compute(b))).toEqual([0, 0]);
    expect(performance.now() - t0).toBeLessThan(100);
    // asked in the worker thread: queued there or in flight
    const st = s.annotator.stats();
    expect(st.queued + st.pending).toBe(2);
    await s.annotator.idle();
    s.update();
    expect(Array.from(s.compute(msgBatch([['You kill the newt!'], ['You miss the newt.']], [[5], [6]])))).toEqual([
      1, 0,
    ]);
    expect(s.annotator.stats()).toMatchObject({ labelled: 2, failures: 0, dropped: 0 });
    s.dispose();
  });
  it('counts 500s and garbage; retries off-format answers then drops them', async () => {
    server = await startOpenAiServer();
    server.script(
      { status: 500 },
      { garbage: 'not json at all' },
      { text: 'I think it is good' },
      { text: 'still no label' },
      { text: 'nope' },
    );
    const a = new LlmAnnotator(llmOpts(server.url), settings());
    const got: OniLabel[] = [];
    a.labels$.subscribe((l) => got.push(l));
    a.submit([
      { kind: 'cls', message: 'c' },
      { kind: 'cls', message: 'b' },
      { kind: 'cls', message: 'a' },
    ]);
    await a.idle();
    // newest first: 'a' hit the 500, 'b' the garbage, 'c' three off-format answers
    expect(got).toEqual([]);
    expect(a.stats()).toMatchObject({ labelled: 0, failures: 2, dropped: 3, unparsed: 3 });
    server.script({ text: '<label>HELPFUL</label>' });
    a.submit([{ kind: 'cls', message: 'd' }]);
    await a.idle();
    expect(got).toEqual([{ kind: 'cls', message: 'd', label: 1 }]);
    a.dispose();
  });
  it('keeps a bounded queue and labels the newest first', async () => {
    server = await startOpenAiServer(() => ({ delayMs: 20, text: '<label>NOT HELPFUL</label>' }));
    const a = new LlmAnnotator(llmOpts(server.url), settings({ maxQueue: 3, parseRetries: 0 }));
    const order: string[] = [];
    a.labels$.subscribe((l) => {
      if (l.kind === 'cls') order.push(l.message);
    });
    a.submit(['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map((message) => ({ kind: 'cls' as const, message })));
    await a.idle();
    expect(order).toEqual(['m6', 'm5', 'm4']);
    expect(a.stats()).toMatchObject({ labelled: 3, queued: 0, pending: 0, dropped: 3 });
    a.dispose();
  });
});

/** Burn CPU for `ms` without yielding, as a synchronous training step does. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* training */
  }
}
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const HELPFUL = '<reasoning>progress</reasoning><label>HELPFUL</label>';

describe('ONI LLM annotator off the training thread (issue 13, item 7)', () => {
  it('labels every message while the training loop never yields, disk cache on', async () => {
    // the server is its own process: a server in this process could not answer while the loop below spins either
    const proc = await startOpenAiServerProcess(50, HELPFUL);
    try {
      const cacheDir = mkdtempSync(join(tmpdir(), 'rxgym-oni-cache-'));
      const cfg = { source: 'oni', annotator: 'llm', llm: { ...llmOpts(proc.url), cacheDir } };
      const s = new OniSource('oni', cfg, ctx(12));
      const row = Array.from({ length: 12 }, (_, i) => `You kill the newt number ${i}!`);
      let ep = 0;
      const batch = () => {
        ep++;
        return msgBatch([row], [row.map(() => ep)]);
      };
      s.compute(batch());
      const t0 = performance.now();
      let labelled = 0;
      while (performance.now() - t0 < 8000 && labelled < 12) {
        busy(25); // one synchronous batch of env steps and learning, no await anywhere
        s.compute(batch());
        s.update();
        labelled = s.annotator.stats().labelled;
      }
      expect(labelled).toBe(12);
      s.update(); // labels taken in by the last stats() reach the reward model at the next update, as in training
      expect(Array.from(s.compute(batch()))).toEqual(row.map(() => 1));
      s.dispose();
    } finally {
      await proc.close();
    }
  });
});

describe('ONI LLM failures are visible (issue 13, item 9)', () => {
  const events = (s: OniSource): RewardEvent[] => {
    const seen: RewardEvent[] = [];
    s.events$.subscribe((e) => seen.push(e));
    return seen;
  };
  const warnings: string[] = [];
  let restore: ((m: string) => void) | undefined;
  beforeAll(() => {
    restore = setWarningHandler((m) => warnings.push(m));
  });
  afterEach(() => {
    warnings.length = 0;
  });
  afterAll(() => {
    if (restore) setWarningHandler(restore);
  });

  it('server down: counts refused connections, warns once, and asks the messages again when it is back', async () => {
    const port = await freePort();
    const llm = llmOpts(`http://127.0.0.1:${port}/v1`);
    const cfg = { source: 'oni', annotator: 'llm', llm, reasks: 4, reaskDelayMs: 300, warnAfter: 3 };
    const s = new OniSource('oni', cfg, ctx());
    const seen = events(s);
    s.compute(msgBatch([['You kill the newt!'], ['You find a key.'], ['You miss the newt.']]));
    for (let i = 0; i < 50 && !seen.some((e) => e.kind === 'error'); i++) {
      await sleep(50);
      s.update();
    }
    const errs = seen.filter((e) => e.kind === 'error');
    expect(errs).toHaveLength(1);
    const said = String(errs[0]!.data.message);
    expect(said).toMatch(/labelled nothing in its last \d+ requests to http:\/\/127\.0\.0\.1:\d+\/v1 \(\d+ connection/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^oni: the LLM annotator has labelled nothing/);
    server = await startOpenAiServer(() => ({ text: HELPFUL }), { port });
    await s.annotator.idle();
    s.update();
    const last = seen.filter((e) => e.kind === 'annotation').at(-1)!.data;
    expect(last).toMatchObject({ labelled: 3, dropped: 0, messages: 3 });
    expect(last.failures as number).toBeGreaterThanOrEqual(3);
    expect(last.reasked as number).toBeGreaterThanOrEqual(3);
    expect((last.errors as Record<string, number>).unreachable).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 5; i++) s.update();
    expect(seen.filter((e) => e.kind === 'error')).toHaveLength(1); // once
    s.dispose();
  });

  it('HTTP 500s: counted by status, warned, dropped after the bounded re-asks', async () => {
    server = await startOpenAiServer(() => ({ status: 500 }));
    const cfg = {
      source: 'oni',
      annotator: 'llm',
      llm: llmOpts(server.url),
      reasks: 1,
      reaskDelayMs: 10,
      warnAfter: 4,
    };
    const s = new OniSource('oni', cfg, ctx());
    const seen = events(s);
    s.compute(msgBatch([['a'], ['b']]));
    await s.annotator.idle();
    s.update();
    const last = seen.filter((e) => e.kind === 'annotation').at(-1)!.data;
    expect(last).toMatchObject({ labelled: 0, failures: 4, reasked: 2, dropped: 2, statuses: { 500: 4 } });
    expect(last.errors).toEqual({ http: 4, unreachable: 0, timeout: 0, badAnswer: 0 });
    expect(server.requests).toHaveLength(4);
    const said = String(seen.find((e) => e.kind === 'error')!.data.message);
    expect(said).toMatch(/last 4 requests .*\(4 HTTP errors \(500 x4\)\); latest: .*HTTP 500: scripted failure 500/);
    s.dispose();
  });

  it('off-format answers: counted as unparsed, warned, dropped after the parse retries', async () => {
    server = await startOpenAiServer(() => ({ text: 'It is fine, I guess.' }));
    const cfg = { source: 'oni', annotator: 'llm', llm: llmOpts(server.url), parseRetries: 1, warnAfter: 4 };
    const s = new OniSource('oni', cfg, ctx());
    const seen = events(s);
    s.compute(msgBatch([['a'], ['b']]));
    await s.annotator.idle();
    s.update();
    const last = seen.filter((e) => e.kind === 'annotation').at(-1)!.data;
    expect(last).toMatchObject({ labelled: 0, unparsed: 4, dropped: 2, failures: 0 });
    const said = String(seen.find((e) => e.kind === 'error')!.data.message);
    expect(said).toMatch(/no failed request, 4 off-format answer\(s\)\); latest: off-format answer: "It is fine/);
    s.dispose();
  });

  it('a server that never answers within the run: a stderr line when the source is disposed', async () => {
    server = await startOpenAiServer(() => ({ hang: true }));
    const s = new OniSource('oni', { source: 'oni', annotator: 'llm', llm: llmOpts(server.url) }, ctx());
    s.compute(msgBatch([['a'], ['b']]));
    s.update();
    expect(warnings).toEqual([]);
    s.dispose();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^oni: the LLM annotator labelled nothing during training: 2 item\(s\) still unanswered/,
    );
    expect(warnings[0]).toMatch(/\(no failed request\); latest: none$/);
  });
});
