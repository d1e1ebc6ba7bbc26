// Probe for issue 14: what the final agents of the `mountaincar` runs (vlm-learning-sparse.mjs) do, and what the VLM
// reward ("the car is at the flag" against "a car in a valley", alpha 0, the MountainCar model) pays them, against
// the energy-pumping expert and random play. Plays `episodes` 200-step episodes of MountainCar-Flag-v0 per policy;
// prints per policy the success rate, the highest and the final position per episode (mean), the share of steps
// pushing left / not / right, and the VLM return per 200 steps (mean ± sd).
// Usage (after building dist/; RXGYM_DIST for another dist/):
//   node test/bench/vlm-mountaincar-agents.mjs [episodes=8] [seed=50000] [run dir,...]
import { fileURLToPath } from 'node:url';
import { registerSparseTasks } from './vlm-sparse-tasks.mjs';

const dist = (process.env.RXGYM_DIST ?? new URL('../../dist/', import.meta.url).href).replace(/\/?$/, '/');
const { builtinRegistry, initBackend, setBackendLogger } = await import(`${dist}src/index.js`);
const { playEpisodes } = await import(`${dist}rewards/vlm/play.js`);
const { openEncoder } = await import(`${dist}rewards/vlm/encoders.js`);
const { GoalBaselineReward } = await import(`${dist}rewards/vlm/goal-baseline.js`);
const { expertFor } = await import(`${dist}rewards/vlm/experts.js`);
const { vlmPolicy } = await import(`${dist}src/cli/vlm-policy.js`);

const episodes = Number(process.argv[2] ?? 8);
const seed = Number(process.argv[3] ?? 50_000);
const runs = (process.argv[4] ?? '').split(',').filter((d) => d !== '');
const ENV = 'MountainCar-Flag-v0';
setBackendLogger(() => {});
await initBackend();
const registry = builtinRegistry();
registerSparseTasks(registry);
const model = fileURLToPath(new URL('../../rewards/vlm/results/builtin-mountaincar/', import.meta.url));
const encoder = openEncoder(`builtin:${model}`);
const rm = new GoalBaselineReward(
  await encoder.embedTexts(['the car is at the flag']),
  await encoder.embedTexts(['a car in a valley']),
  encoder.dim,
  0,
);
const r2 = (x) => Math.round(x * 100) / 100;
const mean = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length;
const ms = (xs) => {
  const m = mean(xs);
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${r2(m)} ± ${r2(sd)}`;
};
const expert = expertFor('MountainCar-v0');
const policies = [
  { name: 'expert', kwargs: {}, make: () => (_o, state) => expert(state) },
  { name: 'random', kwargs: {}, make: () => (_o, _s, rng) => Math.floor(rng.random() * 3) },
];
for (const dir of runs) {
  const agent = await vlmPolicy(dir, ENV);
  policies.push({ name: dir.split('/').pop(), kwargs: agent.kwargs, make: agent.make });
}
for (const p of policies) {
  const counts = [0, 0, 0];
  const played = playEpisodes({
    envs: registry.envs,
    envId: ENV,
    frames: encoder.frameSize,
    episodes,
    seed,
    maxSteps: 200,
    policy: 'random',
    kwargs: p.kwargs,
    makePolicy: (env) => {
      const f = p.make(env);
      return (o, s, rng) => {
        const a = f(o, s, rng);
        counts[Number(a)] += 1;
        return a;
      };
    },
  });
  const rows = Int32Array.from({ length: played.frames.count }, (_, i) => i);
  const emb = await encoder.embedImages(played.frames, rows);
  const byEp = Array.from({ length: episodes }, () => ({ ret: 0, max: -Infinity, last: 0, success: false }));
  played.steps.forEach((s, i) => {
    const e = byEp[s.episode];
    e.ret += rm.score(emb, i);
    e.max = Math.max(e.max, s.state.position);
    e.last = s.state.position;
    e.success = e.success || s.success === true;
  });
  const n = counts[0] + counts[1] + counts[2];
  process.stdout.write(
    `${JSON.stringify({
      policy: p.name,
      success: mean(byEp.map((e) => (e.success ? 1 : 0))),
      maxPosition: ms(byEp.map((e) => e.max)),
      finalPosition: ms(byEp.map((e) => e.last)),
      actions: counts.map((c) => r2(c / n)),
      vlmReturn: ms(byEp.map((e) => e.ret)),
    })}\n`,
  );
}
encoder.dispose();
