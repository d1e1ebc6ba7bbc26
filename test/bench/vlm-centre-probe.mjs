// Probe for issue 14: where the final agents of the `centre` / `centre-slow` runs (vlm-learning-sparse.mjs) end their
// episodes, and what the VLM reward ("the dot is in the centre" against "a dot in an arena", alpha 0) pays them,
// against a crude PD controller that goes to the centre and stops. Plays `episodes` 100-step episodes of
// Explore-Arena-Centre-v0 per policy (start in a random corner) with the run's env kwargs; prints per policy the
// success rate, the mean final |x|, |y| and distance to (0, 0), the final position of each episode, and the VLM
// return per 100 steps (mean ± sd). Usage (after `npx tsc -p tsconfig.json`; RXGYM_DIST for another dist/):
//   node test/bench/vlm-centre-probe.mjs [episodes=8] [seed=50000] [run dir,...]
import { registerSparseTasks } from './vlm-sparse-tasks.mjs';

const dist = (process.env.RXGYM_DIST ?? new URL('../../dist/', import.meta.url).href).replace(/\/?$/, '/');
const { builtinRegistry, initBackend, setBackendLogger } = await import(`${dist}src/index.js`);
const { playEpisodes } = await import(`${dist}rewards/vlm/play.js`);
const { openEncoder } = await import(`${dist}rewards/vlm/encoders.js`);
const { GoalBaselineReward } = await import(`${dist}rewards/vlm/goal-baseline.js`);
const { vlmPolicy } = await import(`${dist}src/cli/vlm-policy.js`);

const episodes = Number(process.argv[2] ?? 8);
const seed = Number(process.argv[3] ?? 50_000);
const runs = (process.argv[4] ?? '').split(',').filter((d) => d !== '');
const ENV = 'Explore-Arena-Centre-v0';
setBackendLogger(() => {});
await initBackend();
const registry = builtinRegistry();
registerSparseTasks(registry);
const encoder = openEncoder('builtin');
const rm = new GoalBaselineReward(
  await encoder.embedTexts(['the dot is in the centre']),
  await encoder.embedTexts(['a dot in an arena']),
  encoder.dim,
  0,
);
const r2 = (x) => Math.round(x * 100) / 100;
const ms = (xs) => {
  const m = xs.reduce((a, x) => a + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${r2(m)} ± ${r2(sd)}`;
};
const pd = (dt) => () => (obs) => Float32Array.from([0, 1].map((j) => -0.3 * obs[j] - ((2 * 0.1) / dt) * obs[j + 2]));
const policies = [
  { name: 'pd dt 0.1', kwargs: { dt: 0.1 }, make: pd(0.1) },
  { name: 'pd dt 0.07', kwargs: { dt: 0.07 }, make: pd(0.07) },
];
for (const dir of runs) {
  const agent = await vlmPolicy(dir, ENV);
  policies.push({ name: dir.split('/').pop(), kwargs: agent.kwargs, make: agent.make });
}
for (const p of policies) {
  const played = playEpisodes({
    envs: registry.envs,
    envId: ENV,
    frames: encoder.frameSize,
    episodes,
    seed,
    maxSteps: 100,
    policy: 'random',
    kwargs: p.kwargs,
    makePolicy: p.make,
  });
  const rows = Int32Array.from({ length: played.frames.count }, (_, i) => i);
  const emb = await encoder.embedImages(played.frames, rows);
  const ret = [];
  played.steps.forEach((s, i) => {
    ret[s.episode] = (ret[s.episode] ?? 0) + rm.score(emb, i);
  });
  const ends = played.steps.filter((s, i) => played.steps[i + 1]?.episode !== s.episode);
  process.stdout.write(
    `${JSON.stringify({
      policy: p.name,
      dt: p.kwargs.dt ?? 0.1,
      episodes,
      success: ends.filter((s) => s.success).length / ends.length,
      finalAbsX: ms(ends.map((s) => Math.abs(s.state.x))),
      finalAbsY: ms(ends.map((s) => Math.abs(s.state.y))),
      finalDist: ms(ends.map((s) => Math.hypot(s.state.x, s.state.y))),
      finalXY: ends.map((s) => [r2(s.state.x), r2(s.state.y)]),
      vlmReturn: ms(ret),
    })}\n`,
  );
}
