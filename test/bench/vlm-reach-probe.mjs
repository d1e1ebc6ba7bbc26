// Probe for issue 14: why PPO does not learn Manip-Reach from the VLM reward (ROC-AUC 0.76-0.85). Plays 100-step
// Manip-Reach-v0 episodes with an eps-expert (each step the scripted expert's action with probability p, else a
// random one), scores every frame with the built-in encoder ("the gripper is at the goal" against "a robot gripper
// above a table") and prints per p and alpha: the episode return of the VLM reward and of the true dense reward
// (minus the gripper-goal distance) as mean ± sd over episodes, the success rate, and, per step, the VLM reward's
// correlation with minus the distance. Then the signal-to-noise ratio PPO sees: (return at p - return at p = 0)
// divided by the sd of the return over episodes at p = 0, for the VLM reward and the true one; and the per-step
// noise along expert episodes (sd of r_t minus its 9-step centred moving average) against the rise from the first
// 5 steps to the last 20. Usage (after `npx tsc -p tsconfig.json`):
//   node test/bench/vlm-reach-probe.mjs [episodes=8] [seed=90000] [run dir,... (reach runs' final agents play too)]
import { builtinRegistry, initBackend, setBackendLogger } from '../../dist/src/index.js';
import { playEpisodes } from '../../dist/rewards/vlm/play.js';
import { openEncoder } from '../../dist/rewards/vlm/encoders.js';
import { expertFor } from '../../dist/rewards/vlm/experts.js';
import { GoalBaselineReward } from '../../dist/rewards/vlm/goal-baseline.js';
import { progressOf } from '../../dist/rewards/vlm/captions.js';
import { pearson } from '../../dist/rewards/vlm/quality.js';
import { vlmPolicy } from '../../dist/src/cli/vlm-policy.js';
import { registerSparseTasks } from './vlm-sparse-tasks.mjs';

const episodes = Number(process.argv[2] ?? 8);
const seed = Number(process.argv[3] ?? 90_000);
const ENV = 'Manip-Reach-v0';
setBackendLogger(() => {});
await initBackend();
const registry = builtinRegistry();
registerSparseTasks(registry);
const encoder = openEncoder('builtin');
const g = await encoder.embedTexts(['the gripper is at the goal']);
const b = await encoder.embedTexts(['a robot gripper above a table']);
const expert = expertFor(ENV);
const ms = (xs) => {
  const m = xs.reduce((a, x) => a + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return { m, sd };
};
const r3 = (x) => Math.round(x * 1000) / 1000;
const perEpisode = (steps, values) => {
  const out = [];
  steps.forEach((s, i) => {
    out[s.episode] = (out[s.episode] ?? 0) + values[i];
  });
  return out;
};
const ALPHAS = [0, 0.25];
const base = {};
const runs = (process.argv[4] ?? '').split(',').filter((d) => d !== '');
for (const p of [0, 0.25, 0.5, 1, ...runs]) {
  let envSpace;
  const agent = typeof p === 'string' ? await vlmPolicy(p, 'Manip-Reach-Sparse-v0') : undefined;
  const played = playEpisodes({
    envs: registry.envs,
    envId: agent ? 'Manip-Reach-Sparse-v0' : ENV,
    frames: encoder.frameSize,
    episodes,
    seed,
    maxSteps: 100,
    policy: 'random',
    ...(agent ? { kwargs: agent.kwargs } : {}),
    makePolicy: agent
      ? agent.make
      : (env) => {
          envSpace = env.actionSpace;
          return (_o, state, rng) => (rng.uniform(0, 1) < p ? expert(state) : envSpace.sample(rng));
        },
  });
  const rows = Int32Array.from({ length: played.frames.count }, (_, i) => i);
  const emb = await encoder.embedImages(played.frames, rows);
  const prog = played.steps.map((s) => progressOf(ENV, s.state));
  const trueRet = perEpisode(played.steps, prog);
  const ends = played.steps.filter((s, i) => played.steps[i + 1]?.episode !== s.episode);
  const success = ends.filter((s) => s.success).length / ends.length;
  const everSuccess = new Set(played.steps.filter((s) => s.success).map((s) => s.episode)).size / episodes;
  for (const alpha of ALPHAS) {
    const rm = new GoalBaselineReward(g, b, encoder.dim, alpha);
    const r = played.steps.map((_, i) => rm.score(emb, i));
    const vlmRet = perEpisode(played.steps, r);
    const key = `a${alpha}`;
    if (p === 0) base[key] = { vlm: ms(vlmRet), tru: ms(trueRet) };
    const line = {
      p: agent ? p.split('/').pop() : p,
      finalDist: r3(-ms(ends.map((st) => progressOf(ENV, st.state))).m),
      finalGripper: [0, 1, 2].map((j) => r3(ms(ends.map((st) => st.state.gripper.pos[j])).m)),
      alpha,
      episodes,
      successAtEnd: success,
      successEver: everSuccess,
      vlmReturn: `${r3(ms(vlmRet).m)} ± ${r3(ms(vlmRet).sd)}`,
      trueReturn: `${r3(ms(trueRet).m)} ± ${r3(ms(trueRet).sd)}`,
      snrVlm: r3((ms(vlmRet).m - base[key].vlm.m) / base[key].vlm.sd),
      snrTrue: r3((ms(trueRet).m - base[key].tru.m) / base[key].tru.sd),
      corrStepNegDist: r3(pearson(r, prog)),
    };
    if (p === 1) {
      const resid = [];
      const rises = [];
      for (let e = 0; e < episodes; e++) {
        const xs = r.filter((_, i) => played.steps[i].episode === e);
        for (let t = 4; t + 4 < xs.length; t++) resid.push(xs[t] - ms(xs.slice(t - 4, t + 5)).m);
        rises.push(ms(xs.slice(-20)).m - ms(xs.slice(0, 5)).m);
      }
      line.expertStepNoiseSd = r3(ms(resid).sd);
      line.expertRise = r3(ms(rises).m);
      line.expertRisePerEpisode = rises.map(r3);
      line.returnPerEpisode = vlmRet.map(r3);
      line.goalPerEpisode = Array.from({ length: episodes }, (_, e) =>
        played.steps.find((st) => st.episode === e).state.goal.map((x) => Math.round(x * 100) / 100),
      );
      line.finalDistPerEpisode = Array.from({ length: episodes }, (_, e) =>
        r3(-prog[played.steps.findLastIndex((st) => st.episode === e)]),
      );
    }
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
