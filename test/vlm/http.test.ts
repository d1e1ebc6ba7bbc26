import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildRewardStack, testRegistry } from '../support/registry.js';
import { startOpenAiServer, type OpenAiTestServer, type RecordedRequest } from '../support/openai-server.js';
import { makeVec } from '../../src/core/vector/sync.js';
import { Rollout } from '../../src/stream/rollout.js';
import type { Policy } from '../../src/stream/policy.js';
import type { RewardEvent } from '../../src/core/reward.js';
import { initBackend } from '../../src/tensor/backend.js';
import { parseJudgeScore } from '../../rewards/vlm/http/judge.js';

const drift: Policy = { act: (_o, n) => ({ actions: new Float32Array(2 * n).fill(0.5) }) } as Policy;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let server: OpenAiTestServer | undefined;

beforeAll(async () => {
  await initBackend();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function imageOf(req: RecordedRequest): string | undefined {
  const msgs = (req.body as { messages: Array<{ content: unknown }> }).messages;
  const parts = msgs[0]!.content as Array<{ type: string; image_url?: { url: string } }>;
  return parts.find((p) => p.type === 'image_url')?.image_url?.url;
}

/** Rollouts until `until(latest annotation counters)` holds (then `extra` more), or `rounds` of them. */
async function run(
  answer: () => Parameters<OpenAiTestServer['script']>[0],
  rounds: number,
  until: (a: Record<string, unknown>) => boolean = () => false,
  extra = 0,
) {
  server = await startOpenAiServer(answer);
  const vec = makeVec('Explore-Arena-v0', {
    numEnvs: 2,
    autoresetMode: 'same-step',
    envs: testRegistry.envs,
    maxEpisodeSteps: 50,
  });
  const ctx = {
    envId: 'Explore-Arena-v0',
    observationSpace: vec.singleObservationSpace,
    actionSpace: vec.singleActionSpace,
    numEnvs: 2,
    seed: 0,
    capabilities: vec.capabilities,
  };
  const stack = buildRewardStack(
    [
      {
        source: 'vlm',
        goal: 'the dot is in the top right',
        encoder: 'http',
        width: 32,
        height: 32,
        http: {
          baseUrl: server.url,
          model: 'vision',
          perBatch: 6,
          trainSteps: 30,
          warnAfter: 12,
          timeoutMs: 2000,
          maxRetries: 0,
        },
      },
    ],
    { ...ctx, llm: { cacheDir: 'off' } },
  );
  const events: RewardEvent[] = [];
  const sub = stack.events$.subscribe((e) => events.push(e));
  const r = new Rollout(vec, drift, 20, { seed: 0, frames: stack.needsFrames });
  const times: number[] = [];
  let last = new Float32Array(0);
  let left = Infinity;
  try {
    for (let i = 0; i < rounds && left > 0; i++) {
      const b = r.collect();
      const t0 = performance.now();
      const a = stack.annotate(b);
      await stack.update(a);
      times.push(performance.now() - t0);
      last = a.components.vlm!.raw.slice();
      const latest = events.filter((e) => e.kind === 'annotation').at(-1)?.data as Record<string, unknown> | undefined;
      if (left === Infinity && latest && until(latest)) left = extra + 1;
      left--;
      await sleep(150);
    }
  } finally {
    sub.unsubscribe();
    stack.dispose();
    vec.close();
  }
  const annotations = events
    .filter((e) => e.source === 'vlm' && e.kind === 'annotation')
    .map((e) => e.data as Record<string, unknown>);
  return { last, times, annotations, errors: events.filter((e) => e.kind === 'error') };
}

describe('encoder: http (a vision chat judge distilled into a frame reward model)', () => {
  it('frames go to the server as PNG images; its scores are learned by the frame model', async () => {
    const { last, annotations } = await run(
      () => ({ text: '7' }),
      60,
      (a) => (a.labelled as number) > 10,
      4,
    );
    const reqs = server!.requests.filter((q) => q.path === '/v1/chat/completions');
    expect(reqs.length).toBeGreaterThan(0);
    expect(imageOf(reqs[0]!)).toMatch(/^data:image\/png;base64,iVBOR/);
    const a = annotations.at(-1)!;
    expect(a.labelled as number).toBeGreaterThan(10);
    // every label is 0.7: the distilled model's scores approach it
    const mean = last.reduce((s, v) => s + v, 0) / last.length;
    expect(Math.abs(mean - 0.7)).toBeLessThan(0.2);
  });

  it('garbage answers are counted as unparsed, a failing server by kind; training goes on with a warning', async () => {
    let k = 0;
    const garbage = () => (k++ % 2 === 0 ? { text: 'a fine frame, about seven' } : { status: 500 });
    const { annotations, errors } = await run(garbage, 60, (a) => {
      const http = (a.failures as Record<string, number>).http ?? 0;
      return (a.unparsed as number) > 0 && http > 0 && (a.unparsed as number) + http >= 12;
    });
    const a = annotations.at(-1)!;
    expect(a.labelled).toBe(0);
    expect(a.unparsed as number).toBeGreaterThan(0);
    expect((a.failures as Record<string, number>).http).toBeGreaterThan(0);
    expect(errors.some((e) => /no frame was labelled in \d+ answers/.test(String(e.data.message)))).toBe(true);
  });

  it('a hanging server never stalls a batch', async () => {
    const { times, last } = await run(() => ({ hang: true }), 4);
    expect(Math.max(...times)).toBeLessThan(1500);
    expect(last.every((v) => v === 0)).toBe(true);
  });

  it('parses judge answers strictly', () => {
    expect(parseJudgeScore('7')).toBeCloseTo(0.7);
    expect(parseJudgeScore(' 8.5 ')).toBeCloseTo(0.85);
    expect(parseJudgeScore('9/10')).toBeCloseTo(0.9);
    expect(parseJudgeScore('11')).toBeUndefined();
    expect(parseJudgeScore('about 7')).toBeUndefined();
    expect(parseJudgeScore('')).toBeUndefined();
  });
});
