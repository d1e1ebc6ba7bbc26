// Run after `npm run build`: node test/explore/probe-arena.mjs (STEPS from the environment).
// Reward-free exploration on Explore-Arena-v0: PPO driven by none / count / RND, coverage of the unit grid.
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
console.log('backend', await initBackend());
const STEPS = Number(process.env.STEPS ?? 40960),
  N = 8;
const stacks = {
  none: [{ source: 'extrinsic', weight: 0 }],
  count: [
    { source: 'extrinsic', weight: 0 },
    { source: 'count', weight: 1, fields: [0, 1], resolution: 1, episodic: false },
  ],
  rnd: [
    { source: 'extrinsic', weight: 0 },
    { source: 'rnd', weight: 1 },
  ],
  noveld: [
    { source: 'extrinsic', weight: 0 },
    { source: 'noveld', weight: 1, resolution: 1, fields: [0, 1], normalize: 'rms' },
  ],
  e3b: [
    { source: 'extrinsic', weight: 0 },
    { source: 'e3b', weight: 1 },
  ],
};
const only = (process.env.STACKS ?? 'none,count,rnd').split(',');
for (const seed of (process.env.SEEDS ?? '1,2').split(',').map(Number))
  for (const [name, cfg] of Object.entries(stacks).filter(([n]) => only.includes(n))) {
    const t0 = Date.now();
    const env = makeVec('Explore-Arena-v0', { numEnvs: N, autoresetMode: 'same-step' });
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
    const stack = buildRewardStack(cfg, {
      envId: 'Explore-Arena-v0',
      observationSpace: env.singleObservationSpace,
      actionSpace: env.singleActionSpace,
      numEnvs: N,
      seed,
    });
    const tr = new ExplorationTracker(env.singleObservationSpace, { numCells: 400 });
    let m;
    while (ro.globalStep < STEPS) {
      const a = stack.annotate(ro.collect());
      m = tr.observe(a);
      await agent.learn(a);
      await stack.update(a);
    }
    console.log(JSON.stringify({ stack: name, seed, steps: ro.globalStep, ...m, seconds: (Date.now() - t0) / 1000 }));
    stack.dispose();
    agent.dispose();
    env.close?.();
  }
