// Learning from the VLM reward alone against a truly sparse reward (issue 14): PPO with `source: vlm` (built-in
// encoder, alpha 0, every step) vs PPO with the sparse success reward vs a random policy, on two tasks whose goal
// a random policy seldom reaches. Both are registered here as wrappers of existing envs (no env code changed):
// - Explore-Arena-Corner-v0: Explore-Arena-v0 (start in the centre, 100-step episodes); success = the mass has
//   entered the top-left corner square x < -edge, y > edge: task `corner` edge 9 (a 1x1 square, 0.25% of the
//   arena), `corner8` edge 8 (2x2, 1%); goal "the dot is in the top left". `corner-br`: the bottom-right 1x1
//   square, goal "the dot is in the bottom right"; `corner-tr`: top right, a caption held out of pretraining.
// - Manip-Reach-Sparse-v0: Manip-Reach-v0 with 100-step episodes; success = the gripper has come within 0.05 of the
//   goal; goal "the gripper is at the goal".
// In both, `sparse: true` makes the env reward 1 at the first step of success in an episode and 0 otherwise (so at
// most 1 per episode); `info.success` stays true once reached, so the evaluation's success = reached in the episode.
// Episodes do not end on success, so the VLM reward (positive every step) does not punish reaching the goal.
// Usage (after `npx tsc -p tsconfig.json`):
//   node test/bench/vlm-learning-sparse.mjs <task> <steps> <conditions> <seeds>
// e.g. `corner 40000 vlm,sparse,random,vlm+sparse 1,2,3`
// prints one JSON line per run; set RXGYM_DIST to use another build of dist/.
import { rmSync } from 'node:fs';

const dist = process.env.RXGYM_DIST ?? new URL('../../dist/', import.meta.url).href;
const { builtinRegistry, initBackend, setBackendLogger, startRun, loadScenario } = await import(
  `${dist.replace(/\/?$/, '/')}src/index.js`
);

/** Wraps `env` (in place): sticky success from `reached(result)`, reward 1 at first success if `sparse`, else 0. */
function sparseOnce(env, sparse, reached) {
  const reset = env.reset.bind(env);
  const step = env.step.bind(env);
  let done = false;
  env.reset = (opts) => {
    done = false;
    const r = reset(opts);
    r.info.success = false;
    return r;
  };
  env.step = (action) => {
    const r = step(action);
    const now = reached(env, r);
    const first = now && !done;
    done = done || now;
    r.info.success = done;
    return { ...r, reward: sparse && first ? 1 : 0 };
  };
  return env;
}

setBackendLogger(() => {});
await initBackend();
const registry = builtinRegistry();
const arenaSpec = registry.envs.spec('Explore-Arena-v0');
const reachSpec = registry.envs.spec('Manip-Reach-v0');
registry.envs.register({
  id: 'Explore-Arena-Corner-v0',
  entryPoint: ({ sparse, edge = 9, sx = -1, sy = 1, ...kw }) =>
    sparseOnce(arenaSpec.entryPoint(kw), sparse === true, (_e, r) => sx * r.obs[0] > edge && sy * r.obs[1] > edge),
  maxEpisodeSteps: 100,
});
registry.envs.register({
  id: 'Manip-Reach-Sparse-v0',
  entryPoint: ({ sparse, ...kw }) =>
    sparseOnce(reachSpec.entryPoint({ ...kw, dense: false }), sparse === true, (_e, r) => r.info.success === true),
  maxEpisodeSteps: 100,
});

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
const TASKS = {
  corner: { env: 'Explore-Arena-Corner-v0', goal: 'the dot is in the top left', baseline: 'a dot in an arena' },
  'corner-br': {
    env: 'Explore-Arena-Corner-v0',
    kwargs: { sx: 1, sy: -1 },
    goal: 'the dot is in the bottom right',
    baseline: 'a dot in an arena',
  },
  'corner-tr': {
    env: 'Explore-Arena-Corner-v0',
    kwargs: { sx: 1, sy: 1 },
    goal: 'the dot is in the top right',
    baseline: 'a dot in an arena',
  },
  corner8: {
    env: 'Explore-Arena-Corner-v0',
    kwargs: { edge: 8 },
    goal: 'the dot is in the top left',
    baseline: 'a dot in an arena',
  },
  reach: {
    env: 'Manip-Reach-Sparse-v0',
    goal: 'the gripper is at the goal',
    baseline: 'a robot gripper above a table',
  },
};
const vlm = (t) => ({ source: 'vlm', goal: t.goal, baseline: t.baseline, alpha: 0, every: 1 });
const sparse = { source: 'extrinsic', weight: 1 };
const COND = {
  vlm: (t) => ({ rewards: [vlm(t)], agent: ppo, sparse: false }),
  sparse: () => ({ rewards: [sparse], agent: ppo, sparse: true }),
  'vlm+sparse': (t) => ({ rewards: [vlm(t), sparse], agent: ppo, sparse: true }),
  random: () => ({ rewards: [sparse], agent: { type: 'random' }, sparse: true }),
};

const [task, stepsArg, condsArg, seedsArg] = process.argv.slice(2);
const t = TASKS[task];
if (!t) throw new Error(`task must be one of ${Object.keys(TASKS).join(', ')}, got ${task}`);
const steps = Number(stepsArg ?? 30000);
const conds = (condsArg ?? 'vlm,sparse,random').split(',');
const seeds = (seedsArg ?? '1,2,3').split(',').map(Number);
// interleaved: seed 1 of every condition, then seed 2, ...
for (const seed of seeds) {
  for (const cond of conds) {
    const c = COND[cond]?.(t);
    if (!c) throw new Error(`condition must be one of ${Object.keys(COND).join(', ')}, got ${cond}`);
    const dir = `/tmp/vlm-learning-sparse/${task}-${cond}-${seed}`;
    rmSync(dir, { recursive: true, force: true });
    const scenario = loadScenario(
      {
        name: `${task}-${cond.replace('+', '-')}`,
        env: { id: t.env, numEnvs: 4, kwargs: { ...t.kwargs, sparse: c.sparse } },
        agent: c.agent,
        rewards: c.rewards,
        budget: { steps },
        seeds: [seed],
        eval: { every: 0, episodes: 20 },
        checkpoint: { every: 0 },
      },
      registry,
    );
    const t0 = Date.now();
    const s = await startRun(scenario, { runDir: dir, quiet: true, registry, seed, exploration: false }).done;
    const line = {
      task,
      cond,
      seed,
      steps: s.steps,
      seconds: Math.round((Date.now() - t0) / 1000),
      stepsPerSecond: Math.round(s.stepsPerSecond),
      evalSuccess: s.lastEval?.successRate,
      trainSuccess: s.successRate,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
