/**
 * ONI is non-blocking: the agent's steps/s with an LLM server that answers after 500 ms must be at
 * least 0.9x its steps/s with the rubric annotator. Each bench runs a random agent on
 * Dungeon-StaircaseLvl3-v0 (8 envs x 64 steps per batch, 16 batches per sample) through rollout -> reward stack
 * (extrinsic + ONI retrieval, so the reward model's training cost does not mask the annotator's) -> stack.update,
 * yielding to the event loop between batches as
 * a trainer does. The slow server is a separate process (test/support/openai-server-process.ts). The LLM annotator runs
 * its client in a worker thread from the compiled package: build first. Run: npm run build && npx vitest bench --run
 * --config test/vitest.config.ts test/bench/oni.bench.ts. Whole training runs (label coverage and steps/s against the
 * rubric, 0 ms and 500 ms servers): test/bench/oni-annotation.mjs.
 */
import { afterAll, bench, describe } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { makeVec } from '../../src/core/vector/sync.js';
import type { Discrete } from '../../src/core/spaces.js';
import { Rollout } from '../../src/stream/rollout.js';
import type { Policy } from '../../src/stream/policy.js';
import { initBackend, setBackendLogger } from '../../src/tensor/backend.js';
import { registerAll } from '../../envs/index.js';
import { type RewardStack } from '../../rewards/index.js';
import { startOpenAiServerProcess } from '../support/openai-server-process.js';
import { buildRewardStack } from '../support/registry.js';

registerAll();
setBackendLogger(() => {});
await initBackend();

const ENV = 'Dungeon-StaircaseLvl3-v0';
const NUM_ENVS = 8,
  STEPS = 64,
  BATCHES = 16;

function randomPolicy(n: number, seed: number): Policy {
  const rng = new Rng(seed);
  return { act: (_obs, count) => ({ actions: Int32Array.from({ length: count }, () => rng.int(0, n)) }) };
}

function setup(stackOf: (ctx: Parameters<typeof buildRewardStack>[1]) => RewardStack): {
  rollout: Rollout;
  stack: RewardStack;
} {
  const env = makeVec(ENV, { numEnvs: NUM_ENVS, autoresetMode: 'same-step' });
  const n = (env.singleActionSpace as Discrete).n;
  const rollout = new Rollout(env, randomPolicy(n, 0), STEPS, { seed: 0 });
  const stack = stackOf({
    envId: ENV,
    observationSpace: env.singleObservationSpace,
    actionSpace: env.singleActionSpace,
    numEnvs: NUM_ENVS,
    seed: 0,
  });
  return { rollout, stack };
}

async function run(s: { rollout: Rollout; stack: RewardStack }): Promise<void> {
  for (let b = 0; b < BATCHES; b++) {
    const a = s.stack.annotate(s.rollout.collect());
    await s.stack.update(a);
    await new Promise<void>((r) => setImmediate(r));
  }
}

// The server runs in its own process, as a real LLM server does: its CPU time is not charged to the agent.
const server = await startOpenAiServerProcess(500, '<reasoning>judged</reasoning><label>NOT HELPFUL</label>');
const rubric = setup((ctx) =>
  buildRewardStack([{ source: 'extrinsic' }, { source: 'oni', model: 'retrieval', annotator: 'rubric' }], ctx),
);
const llm = setup((ctx) =>
  buildRewardStack(
    [
      { source: 'extrinsic' },
      { source: 'oni', model: 'retrieval', annotator: 'llm', llm: { baseUrl: server.url, cacheDir: 'off' } },
    ],
    ctx,
  ),
);
afterAll(async () => {
  rubric.stack.dispose();
  llm.stack.dispose();
  await server.close();
});

describe(`ONI annotator cost: ${BATCHES} batches of ${NUM_ENVS}x${STEPS} steps on ${ENV}`, () => {
  bench(
    'rubric annotator',
    async () => {
      await run(rubric);
    },
    { iterations: 5, warmupIterations: 1 },
  );
  bench(
    'LLM annotator, server answers after 500 ms',
    async () => {
      await run(llm);
    },
    { iterations: 5, warmupIterations: 1 },
  );
});
