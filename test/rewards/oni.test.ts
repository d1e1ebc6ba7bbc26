import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Box, Discrete } from '../../src/core/spaces.js';
import { createLlmClient } from '../../src/llm/index.js';
import { initBackend, setBackendLogger } from '../../src/tensor/backend.js';
import { buildRewardStack, registerAllSources, type RewardContext } from '../../rewards/index.js';
import { LlmAnnotator, type OniLabel } from '../../rewards/intrinsic/oni/annotator.js';
import { ClassificationModel, RankingModel } from '../../rewards/intrinsic/oni/models.js';
import { OniSource } from '../../rewards/intrinsic/oni/oni.js';
import { parseClassification, parseRanking } from '../../rewards/intrinsic/oni/prompts.js';
import { rubricLabel, rubricPreference } from '../../rewards/intrinsic/oni/rubric.js';
import { lastUserMessage, startOpenAiServer, type OpenAiTestServer } from '../support/openai-server.js';
import { makeBatch } from './batch.js';

registerAllSources();
const ctx = (numEnvs = 1): RewardContext => ({ envId: 'T', observationSpace: new Box(0, 1, [1]), actionSpace: new Discrete(3), numEnvs, seed: 1 });
const msgBatch = (messages: string[][], episodeIds?: number[][]) => {
  const z = messages.map((row) => row.map(() => [0]));
  return makeBatch({ obs: z, next: z, messages, episodeIds });
};
const llmOpts = (url: string) => ({ baseUrl: url, cacheDir: 'off', maxRetries: 0, retryBaseMs: 0, timeoutMs: 5000 });

let server: OpenAiTestServer | undefined;
afterEach(async () => { await server?.close(); server = undefined; });
beforeAll(async () => { setBackendLogger(() => {}); await initBackend(); });

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
    const b = msgBatch([['You kill the newt!'], [''], ['You kill the newt!'], ['You miss the rat.'], ['You kill the newt!']], [[0], [0], [0], [0], [1]]);
    // rubric labels arrive synchronously on submit, before the batch is predicted
    expect(Array.from(s.compute(b))).toEqual([1, 0, 1 / 8, 0, 1].map(Math.fround));
    s.dispose();
  });
  it('classification generalises from labels to unseen messages', () => {
    const m = new ClassificationModel({ features: 256, hidden: [32], lr: 0.01, trainSteps: 200, batchSize: 64, seed: 3 }, 0.5);
    const train = ['You kill the jackal!', 'You kill the newt!', 'You kill the rat!', 'You miss the jackal.', 'You miss the newt.', 'You miss the rat.',
      'Welcome to experience level 2.', 'Welcome to experience level 3.', 'You hear a jackal howling.', 'You hear the sound of digging.'];
    for (const msg of train) m.addLabel({ kind: 'cls', message: msg, label: rubricLabel(msg) });
    m.train();
    expect(Array.from(m.predict(['You kill the coyote!', 'You miss the coyote.', 'Welcome to experience level 5.']))).toEqual([1, 0, 1]);
    m.dispose();
  });
  it('ranking: Bradley–Terry orders messages as the pairs say; z-scored with a threshold', () => {
    const m = new RankingModel({ features: 256, hidden: [32], lr: 0.01, trainSteps: 200, batchSize: 64, seed: 3 }, -0.5);
    const msgs = ['You kill the jackal!', 'You hit the jackal.', 'You miss the jackal.', 'The jackal bites you!'];
    for (let i = 0; i < msgs.length; i++) for (let j = 0; j < msgs.length; j++) {
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
      const b = msgBatch([['You kill the newt!', 'You miss the newt.'], ['Welcome to experience level 2.', '']]);
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
    expect(seen.find((e) => e.kind === 'annotation')?.data).toMatchObject({ annotator: 'rubric', model: 'retrieval', labelled: 2, queued: 0, failures: 0 });
    expect(seen.find((e) => e.kind === 'info')?.data.components).toHaveProperty('oni');
    st.dispose();
    expect(() => buildRewardStack([{ source: 'oni', model: 'regression' }], ctx())).toThrow(/^rewards\[0\]\.model: unknown value "regression"; use one of retrieval, classification, ranking/);
    expect(() => buildRewardStack([{ source: 'oni', llm: { baseUrl: 'localhost:8000' } }], ctx())).toThrow(/^rewards\[0\]\.llm\.baseUrl: "localhost:8000" is not an http\(s\) URL/);
  });
});

describe('ONI with an LLM server (real HTTP, scripted)', () => {
  it('never blocks: compute returns while a slow server labels in the background', async () => {
    server = await startOpenAiServer((req) => ({ delayMs: 300, text: /^"You kill/m.test(lastUserMessage(req)) ? '<reasoning>a kill</reasoning><label>HELPFUL</label>' : '<reasoning>noise</reasoning><label>NOT HELPFUL</label>' }));
    const s = new OniSource('oni', { source: 'oni', annotator: 'llm', llm: llmOpts(server.url) }, ctx());
    const b = msgBatch([['You kill the newt!'], ['You miss the newt.']]);
    const t0 = performance.now();
    expect(Array.from(s.compute(b))).toEqual([0, 0]);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(s.annotator.stats().pending).toBe(2);
    await s.annotator.idle();
    s.update();
    expect(Array.from(s.compute(msgBatch([['You kill the newt!'], ['You miss the newt.']], [[5], [6]])))).toEqual([1, 0]);
    expect(s.annotator.stats()).toMatchObject({ labelled: 2, failures: 0, dropped: 0 });
    s.dispose();
  });
  it('counts 500s and garbage; retries off-format answers then drops them', async () => {
    server = await startOpenAiServer();
    server.script({ status: 500 }, { garbage: 'not json at all' }, { text: 'I think it is good' }, { text: 'still no label' }, { text: 'nope' });
    const client = createLlmClient(llmOpts(server.url));
    const a = new LlmAnnotator(client, { maxQueue: 10, concurrency: 1, parseRetries: 2, temperature: 0.1, maxTokens: 64 });
    const got: OniLabel[] = [];
    a.labels$.subscribe((l) => got.push(l));
    a.submit([{ kind: 'cls', message: 'c' }, { kind: 'cls', message: 'b' }, { kind: 'cls', message: 'a' }]);
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
    const client = createLlmClient(llmOpts(server.url));
    const a = new LlmAnnotator(client, { maxQueue: 3, concurrency: 1, parseRetries: 0, temperature: 0.1, maxTokens: 64 });
    const order: string[] = [];
    a.labels$.subscribe((l) => { if (l.kind === 'cls') order.push(l.message); });
    a.submit(['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map((message) => ({ kind: 'cls' as const, message })));
    expect(a.stats()).toMatchObject({ queued: 2, pending: 1, dropped: 3 });
    await a.idle();
    expect(order).toEqual(['m6', 'm5', 'm4']);
    a.dispose();
  });
});
