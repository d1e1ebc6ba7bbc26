// Learning from the VLM reward alone (issue 14): PPO with `source: vlm` (built-in encoder) against the sparse or the
// env's own reward and a random policy, 3 seeds, on two tasks:
// - VlmArena-TopLeft-v0 (registered here: Explore-Arena-v0 whose info.success says the mass is in the top-left third
// of the arena, 100-step episodes; its sparse reward is 1 per step in that region), goal "the dot is in the top left";
// - InvertedPendulum-v0 (200-step episodes), goal "the pole is upright"; its own reward is +1 per step alive.
// Also training steps/s with the VLM reward scored every step and every 4th step. Prints one JSON line per run.
// Run after `npx tsc -p tsconfig.json`: node test/bench/vlm-learning.mjs [arena|ip] [steps] > runs.jsonl
// (RXGYM_DIST=file:///path/to/dist/ uses another build). The sparse-goal comparison is vlm-learning-sparse.mjs.
// Note: the id VlmArena-TopLeft-v0 does not start with Explore-Arena, so the vlm source's default baseline here is
// "a scene", not the arena's "a dot in an arena" (it matters for alpha > 0).
import { rmSync } from 'node:fs';

const dist = (process.env.RXGYM_DIST ?? new URL('../../dist/', import.meta.url).href).replace(/\/?$/, '/');
const { builtinRegistry, initBackend, setBackendLogger, startRun, loadScenario } = await import(`${dist}src/index.js`);
const { ExploreArena } = await import(`${dist}envs/explore/arena.js`);

class TopLeftArena extends ExploreArena {
  constructor(kw = {}) {
    const { sparse, ...rest } = kw;
    super(rest);
    this.sparse = sparse === true;
  }
  step(action) {
    const r = super.step(action);
    const inside = r.obs[0] < -this.size / 3 && r.obs[1] > this.size / 3;
    r.info.success = inside;
    return { ...r, reward: this.sparse && inside ? 1 : 0 };
  }
}

setBackendLogger(() => {});
await initBackend();
const registry = builtinRegistry();
registry.envs.register({ id: 'VlmArena-TopLeft-v0', entryPoint: (kw) => new TopLeftArena(kw), maxEpisodeSteps: 100 });

const ppo = {
  type: 'ppo',
  numSteps: 256,
  lr: 3e-4,
  gamma: 0.99,
  numMinibatches: 8,
  updateEpochs: 10,
  entCoef: 0.0,
  network: { hidden: [64, 64], activation: 'tanh' },
};
const vlm = (goal, every = 1) => [{ source: 'vlm', goal, alpha: 0.25, every }];
const TASKS = {
  arena: {
    env: { id: 'VlmArena-TopLeft-v0', numEnvs: 4 },
    goal: 'the dot is in the top left',
    own: [{ source: 'extrinsic', weight: 1 }],
    kwargsOwn: { sparse: true },
  },
  ip: {
    env: { id: 'InvertedPendulum-v0', numEnvs: 4, maxEpisodeSteps: 200 },
    goal: 'the pole is upright',
    own: [{ source: 'extrinsic', weight: 1 }],
  },
};
const only = process.argv[2];
const steps = Number(process.argv[3] ?? 20000);
for (const [task, t] of Object.entries(TASKS)) {
  if (only && only !== task) continue;
  const runs = [];
  for (const seed of [1, 2, 3]) {
    runs.push({ cond: 'vlm', seed, rewards: vlm(t.goal), agent: ppo, kwargs: {} });
    runs.push({
      cond: task === 'arena' ? 'sparse' : 'own',
      seed,
      rewards: t.own,
      agent: ppo,
      kwargs: t.kwargsOwn ?? {},
    });
    runs.push({ cond: 'random', seed, rewards: t.own, agent: { type: 'random' }, kwargs: t.kwargsOwn ?? {} });
  }
  runs.push({ cond: 'vlm-every4', seed: 1, rewards: vlm(t.goal, 4), agent: ppo, kwargs: {} });
  for (const r of runs) {
    const dir = `/tmp/vlm-learning/${task}-${r.cond}-${r.seed}`;
    rmSync(dir, { recursive: true, force: true });
    const scenario = loadScenario(
      {
        name: `${task}-${r.cond}`,
        env: { ...t.env, kwargs: r.kwargs },
        agent: r.agent,
        rewards: r.rewards,
        budget: { steps: r.agent.type === 'random' ? 2048 : steps },
        seeds: [r.seed],
        eval: { every: 0, episodes: 20 },
        checkpoint: { every: 0 },
      },
      registry,
    );
    const s = await startRun(scenario, { runDir: dir, quiet: true, registry, seed: r.seed, exploration: false }).done;
    process.stdout.write(
      `${JSON.stringify({ task, cond: r.cond, seed: r.seed, steps: s.steps, stepsPerSecond: Math.round(s.stepsPerSecond), evalReturn: s.lastEval?.meanReturn, evalSuccess: s.lastEval?.successRate, trainSuccess: s.successRate, profile: s.profile })}\n`,
    );
  }
}
