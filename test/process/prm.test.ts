import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewardComponentConfig, RewardContext } from '../../src/core/reward.js';
import { makeVec } from '../../src/core/vector/sync.js';
import type { VectorEnv } from '../../src/core/vector/types.js';
import { Rng } from '../../src/core/rng.js';
import { Rollout } from '../../src/stream/rollout.js';
import type { ActOptions, Policy, PolicyOutput } from '../../src/stream/policy.js';
import type { ObsBatch } from '../../src/stream/batch.js';
import { initBackend } from '../../src/tensor/backend.js';
import type { LlmPrm } from '../../rewards/process/llm-prm.js';
import { parseVerdict } from '../../rewards/process/judge-prompt.js';
import type { RewardStack } from '../../rewards/stack.js';
import { buildRewardStack, testRegistry } from '../support/registry.js';
import { lastUserMessage, startOpenAiServer, type OpenAiTestServer } from '../support/openai-server.js';

beforeAll(async () => {
  await initBackend();
});

/** Follows the scripted solver with probability `p`, else a random allowed action. */
class Mixed implements Policy {
  private readonly rng: Rng;
  constructor(
    private readonly venv: VectorEnv,
    private readonly p: number,
    seed: number,
  ) {
    this.rng = new Rng(seed);
  }
  act(_obs: ObsBatch, count: number, opts: ActOptions = {}): PolicyOutput {
    const expert = this.venv.call('expertAction') as number[];
    const n =
      this.venv.singleActionSpace.shape.length === 0 ? (this.venv.singleActionSpace as unknown as { n: number }).n : 0;
    const actions = new Int32Array(count);
    for (let r = 0; r < count; r++) {
      if (this.rng.random() < this.p) {
        actions[r] = expert[r]!;
        continue;
      }
      const ok: number[] = [];
      for (let a = 0; a < n; a++) if (opts.actionMask?.[r * n + a]) ok.push(a);
      actions[r] = ok[this.rng.int(0, ok.length)]!;
    }
    return { actions };
  }
}

function setup(id: string, rewards: RewardComponentConfig[], kwargs: Record<string, unknown> = {}, extra = {}) {
  const venv = makeVec(id, { numEnvs: 4, autoresetMode: 'same-step', kwargs, envs: testRegistry.envs });
  const ctx: RewardContext = {
    envId: id,
    observationSpace: venv.singleObservationSpace,
    actionSpace: venv.singleActionSpace,
    numEnvs: 4,
    seed: 1,
    capabilities: venv.capabilities,
    ...extra,
  };
  const stack = buildRewardStack(rewards, ctx);
  return { venv, stack, ctx };
}

describe('prm', () => {
  it("oracle: each step's ground-truth correctness", () => {
    const { venv, stack } = setup('Reason-Arith-v0', [{ source: 'prm', model: 'oracle' }]);
    const ro = new Rollout(venv, new Mixed(venv, 0.5, 2), 32, { seed: 1 });
    const b = stack.annotate(ro.collect());
    expect(Array.from(b.components.prm!.raw)).toEqual(Array.from(b.stepLabels!.correct));
    expect(b.stepLabels!.correct.some((x) => x === 0)).toBe(true);
    expect(b.stepLabels!.correct.some((x) => x === 1)).toBe(true);
    stack.dispose();
    venv.close();
  });

  it('refuses an env without steps, and a missing model, naming the fix', () => {
    const cp = makeVec('CartPole-v1', { numEnvs: 1, envs: testRegistry.envs });
    const ctx: RewardContext = {
      envId: 'CartPole-v1',
      observationSpace: cp.singleObservationSpace,
      actionSpace: cp.singleActionSpace,
      numEnvs: 1,
      seed: 0,
      capabilities: cp.capabilities,
    };
    expect(() => buildRewardStack([{ source: 'prm', model: 'oracle' }], ctx)).toThrow(
      'rewards[0].source: prm scores reasoning steps, but env CartPole-v1 has none (it does not declare ' +
        'the stepLabels capability); use a Reason-* env',
    );
    expect(() => buildRewardStack([{ source: 'prm' }], { ...ctx, capabilities: { stepLabels: true } })).toThrow(
      'rewards[0].model: missing; use oracle, learned or llm',
    );
    expect(() => buildRewardStack([{ source: 'prm', model: 'gpt' }], ctx)).toThrow(/^rewards\[0\]\.model: /);
    expect(() =>
      buildRewardStack([{ source: 'prm', model: 'llm' }], { ...ctx, capabilities: { stepLabels: true } }),
    ).toThrow(/rewards\[0\]\.model: llm needs an OpenAI-compatible server: add llm: \{ baseUrl, model \}/);
    cp.close();
  });

  it('learned: Monte-Carlo completion labels teach it to score on-track steps above off-track ones', () => {
    const { venv, stack } = setup('Reason-Arith-v0', [{ source: 'prm', model: 'learned', updates: 8 }], {
      difficulty: 1,
    });
    const ro = new Rollout(venv, new Mixed(venv, 0.6, 3), 64, { seed: 5 });
    let b = stack.annotate(ro.collect());
    for (let i = 0; i < 25; i++) {
      void stack.update(b);
      b = stack.annotate(ro.collect());
    }
    const raw = b.components.prm!.raw;
    const on: number[] = [],
      off: number[] = [];
    for (let k = 0; k < raw.length; k++) (b.stepLabels!.onTrack[k] ? on : off).push(raw[k]!);
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    expect(raw.every((x) => x >= 0 && x <= 1)).toBe(true);
    expect(off.length).toBeGreaterThan(10);
    expect(mean(on) - mean(off)).toBeGreaterThan(0.1); // 0.18 at this seed; ~0 untrained
    stack.dispose();
    venv.close();
  }, 60_000);
});

describe('prm with an LLM judge (a real OpenAI-compatible server on 127.0.0.1)', () => {
  let server: OpenAiTestServer;
  let stack: RewardStack | undefined;
  let venv: VectorEnv | undefined;
  afterAll(async () => {
    stack?.dispose();
    venv?.close();
    await server?.close();
  });

  it('asks in the background, never blocks, counts garbage, and distils the verdicts', async () => {
    let asked = 0;
    server = await startOpenAiServer((req) => {
      asked++;
      // judge Arith steps "a op b = c" by evaluating them; every 7th answer is garbage
      if (asked % 7 === 0) return { delayMs: 150, text: 'as an AI I cannot say' };
      const m = /New step: (-?\d+) ([-+*/]) (-?\d+) = (-?\d+)/.exec(lastUserMessage(req));
      if (!m) return { delayMs: 150, text: 'correct' };
      const [a, b, c] = [Number(m[1]), Number(m[3]), Number(m[4])];
      const v = m[2] === '+' ? a + b : m[2] === '-' ? a - b : m[2] === '*' ? a * b : a / b;
      return { delayMs: 150, text: v === c ? 'Correct.' : 'incorrect' };
    });
    const llm = { baseUrl: server.url, cacheDir: 'off', maxRetries: 0, timeoutMs: 5000 };
    const built = setup(
      'Reason-Arith-v0',
      [{ source: 'prm', model: 'llm', labelsPerBatch: 24, updates: 4 }],
      { difficulty: 1 },
      { llm },
    );
    stack = built.stack;
    venv = built.venv;
    const ro = new Rollout(venv, new Mixed(venv, 0.5, 4), 32, { seed: 2, needsStates: stack.needsStates });
    const source = stack.sources.get('prm') as LlmPrm;
    for (let i = 0; i < 8; i++) {
      const b = ro.collect();
      const t0 = performance.now();
      const a = stack.annotate(b);
      await stack.update(a);
      // the judge answers after 150 ms; annotating and updating never wait for it
      expect(performance.now() - t0).toBeLessThan(150 * 8);
      expect(a.components.prm!.raw.every((x) => x >= 0 && x <= 1)).toBe(true);
    }
    await source.idle();
    const st = source.stats();
    expect(st.labelled).toBeGreaterThan(50);
    expect(st.unparsed).toBeGreaterThan(0);
    expect(st.failures).toBe(0);
    expect(server.requests.length).toBe(st.labelled + st.unparsed);
  }, 60_000);

  it('reads verdicts strictly', () => {
    expect(parseVerdict('Correct.')).toBe(1);
    expect(parseVerdict(' incorrect')).toBe(0);
    expect(parseVerdict('0.75')).toBe(0.75);
    expect(parseVerdict('correct or incorrect')).toBeUndefined();
    expect(parseVerdict('hmm')).toBeUndefined();
  });
});
