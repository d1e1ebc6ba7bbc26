// Probe for the `ip-upright` task of test/bench/vlm-learning-sparse.mjs (issue 14): plays InvertedPendulum-Upright-v0
// (100-step episodes, no end on a fall) with random actions and with a crude PD balancer, scores every frame with the
// built-in encoder ("the pole is upright" against "a cart with a pole"), and prints per policy and alpha: the
// success rate, the VLM reward's mean, its mean by |pole angle| bin, its correlation with -|angle|, and its mean on
// fallen frames by side and cart position.
// Usage (after `npx tsc -p tsconfig.json`):
//   node test/bench/vlm-pendulum-probe.mjs [episodes=8] [seed=70000] [run dir,run dir,... (trained agents to play)]
import { builtinRegistry, initBackend, setBackendLogger } from '../../dist/src/index.js';
import { playEpisodes } from '../../dist/rewards/vlm/play.js';
import { openEncoder } from '../../dist/rewards/vlm/encoders.js';
import { GoalBaselineReward } from '../../dist/rewards/vlm/goal-baseline.js';
import { pearson } from '../../dist/rewards/vlm/quality.js';
import { vlmPolicy } from '../../dist/src/cli/vlm-policy.js';
import { registerSparseTasks } from './vlm-sparse-tasks.mjs';

const episodes = Number(process.argv[2] ?? 8);
const seed = Number(process.argv[3] ?? 70_000);
setBackendLogger(() => {});
await initBackend();
const registry = builtinRegistry();
registerSparseTasks(registry);
const encoder = openEncoder('builtin');
const g = await encoder.embedTexts(['the pole is upright']);
const b = await encoder.embedTexts(['a cart with a pole']);
const BINS = [0, 0.1, 0.2, 0.5, 1, 1.4, 1.6];
// optional run directories of vlm-learning-sparse.mjs ip-upright runs: their final agents play too
const runs = (process.argv[4] ?? '').split(',').filter((d) => d !== '');
const POLICIES = {
  random: 'random',
  // pushes the cart under the pole: a crude balancer, so that frames of a pole kept upright occur too
  balancer: (obs) => Float32Array.of(Math.max(-3, Math.min(3, 10 * obs[1] + 2 * obs[3] + 0.5 * obs[0] + obs[2]))),
};
const r3 = (x) => Math.round(x * 1000) / 1000;
for (const dir of runs) POLICIES[dir] = await vlmPolicy(dir, 'InvertedPendulum-Upright-v0');
for (const [name, policy] of Object.entries(POLICIES)) {
  const played = playEpisodes({
    envs: registry.envs,
    envId: 'InvertedPendulum-Upright-v0',
    frames: encoder.frameSize,
    episodes,
    seed,
    ...(policy.kind === 'run' ? { policy: 'random', makePolicy: policy.make, kwargs: policy.kwargs } : { policy }),
  });
  const after = played.steps.filter((st) => Math.abs(st.state.pole.angle) > 1.4);
  const cartAfterFall = after.length ? after.reduce((a, st) => a + st.state.cart.x, 0) / after.length : null;
  const rows = Int32Array.from({ length: played.frames.count }, (_, i) => i);
  const emb = await encoder.embedImages(played.frames, rows);
  const angle = played.steps.map((s) => Math.abs(s.state.pole.angle));
  const ends = played.steps.filter((s, i) => played.steps[i + 1]?.episode !== s.episode);
  const success = ends.filter((s) => s.success).length / ends.length;
  const fallSteps = [];
  for (let e = 0; e < episodes; e++) {
    const st = played.steps.filter((s) => s.episode === e);
    const k = st.findIndex((s) => Math.abs(s.state.pole.angle) > 0.2);
    fallSteps.push(k < 0 ? st.length : k);
  }
  for (const alpha of [0, 0.25]) {
    const rm = new GoalBaselineReward(g, b, encoder.dim, alpha);
    const r = played.steps.map((_, i) => rm.score(emb, i));
    const mean = r.reduce((a, x) => a + x, 0) / r.length;
    const bins = [];
    for (let k = 0; k + 1 < BINS.length; k++) {
      const xs = r.filter((_, i) => angle[i] >= BINS[k] && angle[i] < BINS[k + 1]);
      if (xs.length) {
        const m = xs.reduce((a, x) => a + x, 0) / xs.length;
        const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
        bins.push({ absAngle: `${BINS[k]}-${BINS[k + 1]}`, n: xs.length, mean: r3(m), sd: r3(sd) });
      }
    }
    // fallen frames (|angle| > 1.4) by side and by cart position: what a policy that has fallen can still gain
    const fallen = [];
    for (const [side, sgn] of [
      ['left', -1],
      ['right', 1],
    ]) {
      for (const [lo, hi] of [
        [-1.01, -0.33],
        [-0.33, 0.33],
        [0.33, 1.01],
      ]) {
        const xs = r.filter((_, i) => {
          const st = played.steps[i].state;
          return sgn * st.pole.angle > 1.4 && st.cart.x >= lo && st.cart.x < hi;
        });
        if (xs.length) {
          const m = xs.reduce((a, x) => a + x, 0) / xs.length;
          fallen.push({ side, cartX: `${lo}..${hi}`, n: xs.length, mean: r3(m) });
        }
      }
    }
    const line = {
      policy: name,
      alpha,
      episodes,
      frames: r.length,
      success,
      stepsBeforeFall: fallSteps,
      rewardMean: r3(mean),
      corrNegAbsAngle: r3(
        pearson(
          r,
          angle.map((a) => -a),
        ),
      ),
      cartXWhenFallen: cartAfterFall === null ? null : r3(cartAfterFall),
      cartXMean: r3(played.steps.reduce((a, st) => a + st.state.cart.x, 0) / played.steps.length),
      cartXMeanAbs: r3(played.steps.reduce((a, st) => a + Math.abs(st.state.cart.x), 0) / played.steps.length),
      bins,
      fallen,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
