import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewardContext, RewardEvent } from '../../src/core/reward.js';
import { makeVec } from '../../src/core/vector/sync.js';
import type { VectorEnv } from '../../src/core/vector/types.js';
import type { Policy } from '../../src/stream/policy.js';
import { Rollout } from '../../src/stream/rollout.js';
import { initBackend } from '../../src/tensor/backend.js';
import { EmbeddingsClient, EmbeddingsError, IMAGE_PROMPT } from '../../rewards/vlm/http/embeddings.js';
import { pngDataUrl } from '../../rewards/vlm/http/judge.js';
import { EmbeddedVlmSource } from '../../rewards/vlm/http/embed-source.js';
import { JudgedVlmSource } from '../../rewards/vlm/http/source.js';
import { freePort, startOpenAiServer, type OpenAiTestServer } from '../support/openai-server.js';
import { buildRewardStack, testRegistry } from '../support/registry.js';
import { CLI, ROOT } from '../viz/tmux.js';
import { hashedVector, multimodalEmbeddings } from './embedding-responder.js';

let server: OpenAiTestServer;
beforeAll(async () => {
  await initBackend();
  server = await startOpenAiServer(multimodalEmbeddings);
});
afterAll(() => server.close());

const drift: Policy = {
  act: (_o, n) => ({ actions: Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? -1 : 1)) }),
} as Policy;

function arena(): { vec: VectorEnv; ctx: RewardContext } {
  const vec = makeVec('Explore-Arena-v0', { numEnvs: 2, autoresetMode: 'same-step', envs: testRegistry.envs });
  const ctx: RewardContext = {
    envId: 'Explore-Arena-v0',
    observationSpace: vec.singleObservationSpace,
    actionSpace: vec.singleActionSpace,
    numEnvs: 2,
    seed: 0,
    capabilities: vec.capabilities,
  };
  return { vec, ctx };
}

const unit = (v: number[]): number[] => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

describe('http encoder, mode: embeddings (an image+text embeddings endpoint on 127.0.0.1)', () => {
  it('sends texts as input and an image as chat-style messages; answers are checked and unit-normalised', async () => {
    const client = new EmbeddingsClient({ baseUrl: server.url, model: 'vlm2vec', timeoutMs: 5000 });
    const t = await client.embedTexts(['a dot', 'an arena']);
    expect(client.dim).toBe(8);
    expect(t.length).toBe(16);
    expect(Math.hypot(...t.subarray(0, 8))).toBeCloseTo(1, 5);
    const textReq = server.requests.at(-1)!;
    expect(textReq.path).toBe('/v1/embeddings');
    expect(textReq.body).toEqual({ model: 'vlm2vec', input: ['a dot', 'an arena'], encoding_format: 'float' });

    const frames = { width: 2, height: 1, count: 1, data: Uint8Array.of(255, 0, 0, 0, 0, 255) };
    const url = pngDataUrl(frames, 0);
    const img = await client.embedImage(url);
    const imgReq = server.requests.at(-1)!;
    expect(imgReq.body).toEqual({
      model: 'vlm2vec',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url } },
            { type: 'text', text: IMAGE_PROMPT },
          ],
        },
      ],
      encoding_format: 'float',
    });
    expect(url).toMatch(/^data:image\/png;base64,/);
    const want = unit(hashedVector(url));
    [...img].forEach((x, j) => expect(x).toBeCloseTo(want[j]!, 5));
  });

  it('garbage, wrong dimensions or row counts, HTTP errors, time-outs, no server: errors by kind', async () => {
    const client = new EmbeddingsClient({ baseUrl: server.url, model: 'm', timeoutMs: 400 });
    await client.embedTexts(['x']);
    const fails = async (answer: Parameters<OpenAiTestServer['script']>[0]): Promise<EmbeddingsError> => {
      server.script(answer);
      const e = await client.embedTexts(['x']).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(EmbeddingsError);
      return e as EmbeddingsError;
    };
    let e = await fails({ garbage: '<html>oops</html>' });
    expect([e.kind, e.message]).toEqual(['badAnswer', expect.stringMatching(/gave no usable embeddings: the answer/)]);
    e = await fails({ embeddings: [[0.1, 0.2, 0.3]] });
    expect(e.message).toMatch(/3 values per embedding where earlier answers had 8/);
    e = await fails({ embeddings: [hashedVector('a'), hashedVector('b')] });
    expect(e.message).toMatch(/2 row\(s\); expected .* with 1 row\(s\)/);
    e = await fails({ json: { data: [{ embedding: ['1', null] }] } });
    expect(e.message).toMatch(/row 0 is not a list of finite numbers/);
    e = await fails({ json: { object: 'error' } });
    expect(e.message).toMatch(/no data array/);
    e = await fails({ status: 500 });
    expect([e.kind, e.message]).toEqual(['http', expect.stringMatching(/answered HTTP 500/)]);
    e = await fails({ hang: true });
    expect([e.kind, e.message]).toEqual(['timeout', expect.stringMatching(/no answer within 400 ms/)]);
    const down = new EmbeddingsClient({ baseUrl: `http://127.0.0.1:${await freePort()}/v1`, model: 'm' });
    const u = await down.embedTexts(['x']).catch((err: unknown) => err as EmbeddingsError);
    expect([u.kind, u.message]).toEqual(['unreachable', expect.stringMatching(/is unreachable .*server running/)]);
  });

  it('in training: rewards from the endpoint distilled into the frame model, never waiting for it', async () => {
    const { vec, ctx } = arena();
    const goal = 'the dot is in the top left';
    const stack = buildRewardStack(
      [
        {
          source: 'vlm',
          goal,
          alpha: 0.5,
          encoder: { type: 'http', mode: 'embeddings', url: server.url, model: 'vlm2vec', perBatch: 8 },
        },
      ],
      ctx,
    );
    const events: RewardEvent[] = [];
    stack.events$.subscribe((e) => events.push(e));
    try {
      expect(stack.needsFrames).toEqual({ width: 64, height: 64 });
      const r = new Rollout(vec, drift, 16, { seed: 1, frames: stack.needsFrames });
      const first = stack.annotate(r.collect());
      // nothing has arrived yet: the untrained model's zeros, at once
      expect(first.components.vlm!.raw.every((x) => x === 0)).toBe(true);
      await stack.update(first);
      for (let k = 0; k < 4; k++) {
        await new Promise((res) => setTimeout(res, 150)); // the server answers between batches
        const a = stack.annotate(r.collect());
        await stack.update(a);
      }
      const ann = events.filter((e) => e.kind === 'annotation').at(-1)!.data;
      expect(ann.labelled as number).toBeGreaterThan(0);
      expect(ann.failures).toBe(0);
      const last = stack.annotate(r.collect());
      expect(last.components.vlm!.raw.some((x) => x !== 0)).toBe(true);
      // the labels are VLM-RM rewards of the server's vectors
      const imageReqs = server.requests.filter((q) => (q.body as { messages?: unknown }).messages);
      expect(imageReqs.length).toBeGreaterThan(0);
      const texts = server.requests.find((q) => JSON.stringify((q.body as { input?: unknown }).input)?.includes(goal));
      expect((texts!.body as { input: string[] }).input).toEqual([goal, 'a dot in an arena']);
      expect(events.some((e) => e.kind === 'frame')).toBe(true);
    } finally {
      stack.dispose();
      vec.close();
    }
  });

  it('a garbage server: failures counted in annotation events, one warning, training goes on', async () => {
    const bad = await startOpenAiServer(() => ({ garbage: 'not json' }));
    const { vec, ctx } = arena();
    const stack = buildRewardStack(
      [
        {
          source: 'vlm',
          goal: 'the dot is in the top left',
          encoder: { type: 'http', mode: 'embeddings', url: bad.url, model: 'm', warnAfter: 2 },
        },
      ],
      ctx,
    );
    const events: RewardEvent[] = [];
    stack.events$.subscribe((e) => events.push(e));
    const stderr = process.stderr.write;
    const written: string[] = [];
    process.stderr.write = ((c: string) => written.push(String(c)) > 0) as typeof process.stderr.write;
    try {
      const r = new Rollout(vec, drift, 16, { seed: 1, frames: stack.needsFrames });
      for (let k = 0; k < 4; k++) {
        const a = stack.annotate(r.collect());
        expect(a.components.vlm!.raw.every((x) => x === 0)).toBe(true);
        await stack.update(a);
        await new Promise((res) => setTimeout(res, 100));
      }
      const ann = events.filter((e) => e.kind === 'annotation').at(-1)!.data;
      expect(ann.labelled).toBe(0);
      expect((ann.errors as Record<string, number>).badAnswer).toBeGreaterThanOrEqual(2);
      const warn = events.filter((e) => e.kind === 'error');
      expect(warn.length).toBe(1);
      expect(String(warn[0]!.data.message)).toMatch(/no frame was scored after \d+ failed requests.*not JSON/);
      expect(written.join('')).toMatch(/rxgym: vlm embeddings: no frame was scored/);
    } finally {
      process.stderr.write = stderr;
      stack.dispose();
      vec.close();
      await bad.close();
    }
  });

  it('bad encoder objects are config errors naming the key', () => {
    const { vec, ctx } = arena();
    try {
      const build = (encoder: unknown) => () => buildRewardStack([{ source: 'vlm', goal: 'x', encoder }], ctx);
      expect(build({ type: 'http', mode: 'vectors' })).toThrow(/encoder\.mode: must be "judge" .* or "embeddings"/);
      expect(build({ type: 'http', urll: 'x' })).toThrow(/encoder\.urll: unknown key/);
      expect(build({ type: 'clip' })).toThrow(/encoder\.type: an encoder object must be \{ type: http/);
      const withQueue = () =>
        buildRewardStack(
          [
            {
              source: 'vlm',
              goal: 'x',
              encoder: { type: 'http', mode: 'embeddings' },
              annotator: { queue: 'redis://q' },
            },
          ],
          ctx,
        );
      expect(withQueue).toThrow(/annotator: the embeddings endpoint is asked directly/);
      // mode judge (the default): the vision chat judge, with the object's server
      const judge = buildRewardStack([{ source: 'vlm', goal: 'x', encoder: { type: 'http', url: server.url } }], ctx);
      expect(judge.sources.get('vlm')).toBeInstanceOf(JudgedVlmSource);
      judge.dispose();
      // `http:embeddings`: the server of the run's llm block
      const emb = buildRewardStack([{ source: 'vlm', goal: 'x', encoder: 'http:embeddings' }], {
        ...ctx,
        llm: { baseUrl: server.url },
      });
      expect(emb.sources.get('vlm')).toBeInstanceOf(EmbeddedVlmSource);
      emb.dispose();
    } finally {
      vec.close();
    }
  });

  it('rxgym vlm score --encoder http:embeddings; a garbage server is one clear error line', async () => {
    // asynchronous: the servers answer from this process
    const run = (url: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const cmd =
          `${CLI} vlm score --env Explore-Arena-v0 --goal 'the dot is in the top left' --encoder http:embeddings ` +
          '--episodes 1 --max-steps 5 --json';
        const env = { ...process.env, OPENAI_BASE_URL: url, RXGYM_LLM_MODEL: 'vlm2vec' };
        const child = spawn('bash', ['-c', cmd], { cwd: ROOT, env });
        let stdout = '',
          stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d));
        child.stderr.on('data', (d: Buffer) => (stderr += d));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const ok = await run(server.url);
    expect(ok.stderr).not.toMatch(/error/i);
    expect(ok.code).toBe(0);
    const lines = ok.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBe(6);
    expect(lines.slice(0, 5).every((l) => typeof l.reward === 'number' && l.reward !== 0)).toBe(true);
    expect(lines[5]!.encoder).toBe('http:embeddings(vlm2vec)');
    const bad = await startOpenAiServer(() => ({ json: { data: [{ embedding: [1, 2] }, { embedding: [3] }] } }));
    try {
      const r = await run(bad.url);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/gave no usable embeddings: .*row\(s\)/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await bad.close();
    }
  }, 300_000);
});
