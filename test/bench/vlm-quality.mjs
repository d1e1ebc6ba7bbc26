// Reward quality of `source: vlm` encoders (issue 14): for each task, play episodes once (scripted/random/mixed),
// embed every frame once, then score them against the goal for alpha in {0, .25, .5, .75, 1}: Pearson correlation
// of the reward with the env's success and with a ground-truth progress measure, and the ROC-AUC of reward for
// success vs non-success frames. Also frames encoded per second.
// Seeds 50000+ are disjoint from the pretraining seeds (0-1399), so no frame here was trained on.
// Run after `npx tsc -p tsconfig.json`: node test/bench/vlm-quality.mjs [encoder] > out.json
import { builtinRegistry, initBackend, setBackendLogger } from '../../dist/src/index.js';
import { playEpisodes } from '../../dist/rewards/vlm/play.js';
import { openEncoder } from '../../dist/rewards/vlm/encoders.js';
import { GoalBaselineReward } from '../../dist/rewards/vlm/goal-baseline.js';
import { neutralBaseline } from '../../dist/rewards/vlm/options.js';
import { progressOf } from '../../dist/rewards/vlm/captions.js';
import { pearson, rocAuc } from '../../dist/rewards/vlm/quality.js';

const TASKS = [
  { env: 'Manip-Reach-v0', goal: 'the gripper is at the goal', policy: 'mixed', episodes: 6, maxSteps: 80 },
  { env: 'Manip-DrawerClose-v0', goal: 'the drawer is closed', policy: 'random', episodes: 6, maxSteps: 80 },
  { env: 'InvertedPendulum-v0', goal: 'the pole is upright', policy: 'random', episodes: 30, maxSteps: 100 },
  { env: 'Humanoid-ArmsUp-v0', goal: 'both arms are raised', policy: 'random', episodes: 8, maxSteps: 60 },
  { env: 'Humanoid-Kneel-v0', goal: 'the humanoid robot is kneeling', policy: 'random', episodes: 4, maxSteps: 150 },
  {
    env: 'Dungeon-Room-Random-5x5-v0',
    goal: 'the player is next to the stairs',
    policy: 'mixed',
    episodes: 30,
    maxSteps: 60,
  },
  { env: 'Explore-Arena-v0', goal: 'the dot is in the top right', policy: 'drift', episodes: 6, maxSteps: 200 },
];
const ALPHAS = [0, 0.25, 0.5, 0.75, 1];
const r3 = (x) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);

setBackendLogger(() => {});
await initBackend();
const registry = builtinRegistry();
const spec = process.argv[2] ?? 'builtin';
const encoder = openEncoder(spec);
const out = [];
for (const t of TASKS) {
  let policy = t.policy;
  if (policy === 'drift') {
    const a = new Float32Array(2);
    let k = 0;
    policy = (_o, _s, rng) => {
      if (k++ % 40 === 0) {
        a[0] = rng.uniform(-1, 1);
        a[1] = rng.uniform(-1, 1);
      }
      return a;
    };
  }
  const played = playEpisodes({
    envs: registry.envs,
    envId: t.env,
    frames: encoder.frameSize,
    episodes: t.episodes,
    seed: 50_000,
    policy,
    maxSteps: t.maxSteps,
  });
  const rows = Int32Array.from({ length: played.frames.count }, (_, i) => i);
  const t0 = performance.now();
  const emb = await encoder.embedImages(played.frames, rows);
  const fps = played.frames.count / ((performance.now() - t0) / 1000);
  const g = await encoder.embedTexts([t.goal]);
  const b = await encoder.embedTexts([neutralBaseline(t.env)]);
  const success = played.steps.map((s) => (s.success ? 1 : 0));
  const prog = played.steps.map((s) => progressOf(t.env, s.state));
  const alphas = ALPHAS.map((alpha) => {
    const rm = new GoalBaselineReward(g, b, encoder.dim, alpha);
    const r = played.steps.map((_, i) => rm.score(emb, i));
    const pr = r.filter((_, i) => prog[i] !== undefined),
      pp = prog.filter((p) => p !== undefined);
    return {
      alpha,
      corrSuccess: r3(pearson(r, success)),
      rocAuc: r3(rocAuc(r, success)),
      corrProgress: r3(pearson(pr, pp)),
    };
  });
  const row = {
    env: t.env,
    goal: t.goal,
    policy: t.policy,
    frames: played.frames.count,
    successFrames: success.reduce((a, x) => a + x, 0),
    framesPerSecond: Math.round(fps),
    alphas,
  };
  out.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
}
encoder.dispose();
process.stdout.write(`${JSON.stringify({ encoder: spec, tasks: out }, null, 1)}\n`);
