// Run after `npm run build`: node test/explore/probe-sparse.mjs (ENV, SEEDS, STEPS, STACKS from the environment).
// Small sparse-dungeon probe: PPO on a dungeon task with blstats + message observations (MLP + n-grams, wasm),
// stacks from the STACKS variable; prints training success rate, returns and exploration metrics.
import { makeVec } from '../../dist/src/core/vector.js';
import { Rollout } from '../../dist/src/stream/rollout.js';
import { initBackend, setBackendLogger } from '../../dist/src/tensor/backend.js';
import { agentDefinition } from '../../dist/src/train/agent.js';
import { resolveParams } from '../../dist/src/train/schema.js';
import { registerAgents } from '../../dist/agents/index.js';
import { registerAll } from '../../dist/envs/index.js';
import { ExplorationTracker } from '../../dist/envs/explore/metrics.js';
import { buildRewardStack, registerAllSources } from '../../dist/rewards/index.js';
registerAll();
registerAgents();
registerAllSources();
setBackendLogger(() => {});
await initBackend();
const ENV = process.env.ENV ?? 'Dungeon-KeyRoom-S5-v0',
  STEPS = Number(process.env.STEPS ?? 30720),
  N = 8;
const E = { source: 'extrinsic', weight: 1 };
const stacks = {
  extrinsic: [E],
  count: [E, { source: 'count', weight: 0.1, key: 'blstats', fields: [0, 1, 12], episodic: true }],
  'oni-retrieval': [E, { source: 'oni', weight: 0.04, model: 'retrieval', annotator: 'rubric' }],
};
const seeds = (process.env.SEEDS ?? '1').split(',').map(Number);
for (const seed of seeds)
  for (const name of (process.env.STACKS ?? 'extrinsic,count,oni-retrieval').split(',')) {
    const t0 = Date.now();
    const env = makeVec(ENV, {
      numEnvs: N,
      autoresetMode: 'same-step',
      kwargs: { observationKeys: ['blstats', 'message'] },
    });
    const def = agentDefinition('ppo');
    const hp = resolveParams('agent', {}, def.params);
    const agent = def.create(hp, {
      observationSpace: env.singleObservationSpace,
      actionSpace: env.singleActionSpace,
      numEnvs: N,
      seed,
      totalSteps: STEPS,
    });
    const ro = new Rollout(env, agent, def.rolloutSteps(hp), { seed });
    const stack = buildRewardStack(stacks[name], {
      envId: ENV,
      observationSpace: env.singleObservationSpace,
      actionSpace: env.singleActionSpace,
      numEnvs: N,
      seed,
    });
    const tr = new ExplorationTracker(env.singleObservationSpace);
    let eps = 0,
      succ = 0,
      ret = 0,
      first = -1,
      lastEps = 0,
      lastSucc = 0,
      m;
    while (ro.globalStep < STEPS) {
      const b = ro.collect();
      const late = ro.globalStep > STEPS * 0.75;
      for (let k = 0; k < b.rewards.length; k++) {
        ret += b.rewards[k];
        if (b.terminations[k] || b.truncations[k]) {
          eps++;
          const s = b.success?.[k] ? 1 : 0;
          succ += s;
          if (late) {
            lastEps++;
            lastSucc += s;
          }
          if (s && first < 0) first = b.globalStep + k;
        }
      }
      const a = stack.annotate(b);
      m = tr.observe(a);
      await agent.learn(a);
      await stack.update(a);
    }
    console.log(
      JSON.stringify({
        env: ENV,
        stack: name,
        seed,
        steps: ro.globalStep,
        episodes: eps,
        successRate: succ / Math.max(1, eps),
        lastQuarterSuccessRate: lastSucc / Math.max(1, lastEps),
        meanReturn: ret / Math.max(1, eps),
        firstSuccessStep: first,
        ...m,
        seconds: (Date.now() - t0) / 1000,
      }),
    );
    stack.dispose();
    agent.dispose();
  }
