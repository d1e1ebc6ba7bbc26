// The sparse tasks of test/bench/vlm-learning-sparse.mjs (issue 14), registered as wrappers of existing envs (no env
// code changed); shared with test/bench/vlm-pendulum-probe.mjs. See the learning script's header for the tasks.

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

/**
 * Wraps an InvertedPendulum-v0 (in place) so that a fall does not end the episode (the hinge stops at ±90°, the pole
 * can lie there or be swung back; only a non-finite state still ends it) and success = |angle| <= 0.2 (the env's own
 * threshold) at every one of the first `window` steps. Reward: if `oracle`, 1 every step the pole is upright (the
 * true angle as a dense reward, a calibration of what PPO does with a perfect per-step signal); else 1 at the step
 * success is reached if `sparse`; else, if `report`, 1 every step the pole is upright (for runs whose reward stack
 * ignores the env's reward, e.g. the VLM reward alone, so that the evaluation's return counts the upright steps).
 */
function uprightWindow(env, sparse, window, oracle, report) {
  const reset = env.reset.bind(env);
  const step = env.step.bind(env);
  let t = 0;
  let fell = false;
  let done = false;
  env.reset = (opts) => {
    t = 0;
    fell = false;
    done = false;
    const r = reset(opts);
    r.info.success = false;
    return r;
  };
  env.step = (action) => {
    const r = step(action);
    t += 1;
    const finite = Array.from(r.obs).every(Number.isFinite);
    fell = fell || !(Math.abs(r.obs[1]) <= 0.2);
    const now = !fell && t >= window;
    const first = now && !done;
    done = done || now;
    r.info.success = done;
    r.info.upright = Math.abs(r.obs[1]) <= 0.2;
    const reward = oracle || (report && !sparse) ? Number(r.info.upright) : sparse && first ? 1 : 0;
    return { ...r, reward, terminated: !finite };
  };
  return env;
}

/** A small seeded generator (mulberry32) for the wrapper's start positions: [0, 1). */
function uniform01(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Wraps an Explore-Arena-v0 (in place): each episode starts uniformly in the 1x1 square of one of the four corners
 * (|x|, |y| in [9, 10], the corner chosen uniformly; drawn by the wrapper, seeded by `reset({ seed })`), and success =
 * the mass is inside the centre square |x|, |y| < `half` at step `window` (the episode's last, with
 * maxEpisodeSteps = window). Reward: 1 at that step if `sparse` and inside, else 0. The start is written into the
 * arena's own observation array (the one reset returns is the env's state), so the next step starts from it.
 */
function centreAtEnd(env, sparse, half, window) {
  const reset = env.reset.bind(env);
  const step = env.step.bind(env);
  let rand = uniform01(1);
  let t = 0;
  env.reset = (opts) => {
    if (opts?.seed !== undefined) rand = uniform01(opts.seed * 7919 + 17);
    t = 0;
    const r = reset(opts);
    const corner = Math.floor(rand() * 4);
    r.obs[0] = (corner & 1 ? 1 : -1) * (9 + rand());
    r.obs[1] = (corner & 2 ? 1 : -1) * (9 + rand());
    r.info.success = false;
    return r;
  };
  env.step = (action) => {
    const r = step(action);
    t += 1;
    const now = t >= window && Math.abs(r.obs[0]) < half && Math.abs(r.obs[1]) < half;
    r.info.success = now;
    return { ...r, reward: sparse && now ? 1 : 0 };
  };
  return env;
}

/**
 * Wraps a MountainCar-v0 made with an unreachable `goalVelocity` (so reaching the flag does not end the episode, as
 * in the other tasks: a positive per-step reward must not punish reaching the goal): success = the car has reached
 * position >= 0.5 (the flag, the env's own goal) in the episode, sticky; reward 1 at the first such step if `sparse`,
 * else 0 (the env's -1 per step is dropped). The agent sees the observation rescaled to about [-1, 1] by a fixed
 * affine map ((position + 0.3) / 0.9, velocity / 0.07): unscaled, the velocity (|v| <= 0.07) is nearly invisible to
 * an MLP. The classic envs return one frozen info, so the wrapper returns copies.
 */
function flagOnce(env, sparse) {
  const reset = env.reset.bind(env);
  const step = env.step.bind(env);
  const obs = new Float32Array(2);
  const scaled = (o) => {
    obs[0] = (o[0] + 0.3) / 0.9;
    obs[1] = o[1] / 0.07;
    return obs;
  };
  let done = false;
  env.reset = (opts) => {
    done = false;
    const r = reset(opts);
    return { ...r, obs: scaled(r.obs), info: { ...r.info, success: false } };
  };
  env.step = (action) => {
    const r = step(action);
    const now = r.obs[0] >= 0.5;
    const first = now && !done;
    done = done || now;
    return { ...r, obs: scaled(r.obs), reward: sparse && first ? 1 : 0, info: { ...r.info, success: done } };
  };
  return env;
}

/** Registers the wrapped envs of the sparse tasks in `registry`, and the `constant` reward source of the controls. */
export function registerSparseTasks(registry) {
  // the same value every step: a reward with the VLM reward's mean and group but no information about the frame
  registry.rewards.register(
    'constant',
    (cfg) => ({
      kind: 'vlm',
      name: 'constant',
      compute: (batch) => new Float32Array(batch.rewards.length).fill(cfg.value),
    }),
    { options: ['value'], description: 'a constant per-step reward (a control)' },
  );
  const arenaSpec = registry.envs.spec('Explore-Arena-v0');
  const reachSpec = registry.envs.spec('Manip-Reach-v0');
  const ipSpec = registry.envs.spec('InvertedPendulum-v0');
  const carSpec = registry.envs.spec('MountainCar-v0');
  // the id starts with MountainCar- so that the VLM source's default baseline is the family's scene
  registry.envs.register({
    id: 'MountainCar-Flag-v0',
    entryPoint: ({ sparse, ...kw }) => flagOnce(carSpec.entryPoint({ ...kw, goalVelocity: 1 }), sparse === true),
    maxEpisodeSteps: 200,
  });
  registry.envs.register({
    id: 'Explore-Arena-Corner-v0',
    entryPoint: ({ sparse, edge = 9, sx = -1, sy = 1, ...kw }) =>
      sparseOnce(arenaSpec.entryPoint(kw), sparse === true, (_e, r) => sx * r.obs[0] > edge && sy * r.obs[1] > edge),
    maxEpisodeSteps: 100,
  });
  // the middle of one wall: a 1x1 square (like a corner's) at |x| > edge or |y| > edge, within `half` of the axis
  registry.envs.register({
    id: 'Explore-Arena-Edge-v0',
    entryPoint: ({ sparse, edge = 9, half = 0.5, axis = 'x', side = -1, ...kw }) =>
      sparseOnce(arenaSpec.entryPoint(kw), sparse === true, (_e, r) => {
        const [along, across] = axis === 'x' ? [r.obs[0], r.obs[1]] : [r.obs[1], r.obs[0]];
        return side * along > edge && Math.abs(across) < half;
      }),
    maxEpisodeSteps: 100,
  });
  // the centre of the arena at the end of an episode started in a random corner (see centreAtEnd)
  registry.envs.register({
    id: 'Explore-Arena-Centre-v0',
    entryPoint: ({ sparse, half = 2, window = 100, ...kw }) =>
      centreAtEnd(arenaSpec.entryPoint(kw), sparse === true, half, window),
    maxEpisodeSteps: 100,
  });
  registry.envs.register({
    id: 'Manip-Reach-Sparse-v0',
    entryPoint: ({ sparse, ...kw }) =>
      sparseOnce(reachSpec.entryPoint({ ...kw, dense: false }), sparse === true, (_e, r) => r.info.success === true),
    maxEpisodeSteps: 100,
  });
  // the id starts with InvertedPendulum so that the VLM source's default baseline is "a cart with a pole"
  registry.envs.register({
    id: 'InvertedPendulum-Upright-v0',
    entryPoint: ({ sparse, window = 100, oracle, report, ...kw }) =>
      uprightWindow(ipSpec.entryPoint(kw), sparse === true, window, oracle === true, report === true),
    maxEpisodeSteps: 100,
  });
}
