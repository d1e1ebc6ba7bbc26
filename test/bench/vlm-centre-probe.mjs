// Probe for issue 14: where the final agents of the `centre` / `centre-slow` runs (vlm-learning-sparse.mjs) end their
// episodes, and what the VLM reward ("the dot is in the centre" against "a dot in an arena", alpha 0) pays them,
// against a crude PD controller that goes to the centre and stops. Plays `episodes` 100-step episodes of
// Explore-Arena-Centre-v0 per policy (start in a random corner) with the run's env kwargs; prints per policy the
// success rate, the mean final |x|, |y| and distance to (0, 0), the final position of each episode, and the VLM
// return per 100 steps (mean ± sd). Usage (after `npx tsc -p tsconfig.json`; RXGYM_DIST for another dist/):
//   node test/bench/vlm-centre-probe.mjs [episodes=8] [seed=50000] [run dir,...]
import { ms, openProbe, r2 } from './vlm-probe.mjs';

const { episodes, rm, policies, play } = await openProbe({
  env: 'Explore-Arena-Centre-v0',
  encoder: 'builtin',
  goal: 'the dot is in the centre',
  baseline: 'a dot in an arena',
});
const pd = (dt) => () => (obs) => Float32Array.from([0, 1].map((j) => -0.3 * obs[j] - ((2 * 0.1) / dt) * obs[j + 2]));
for (const p of await policies([
  { name: 'pd dt 0.1', kwargs: { dt: 0.1 }, make: pd(0.1) },
  { name: 'pd dt 0.07', kwargs: { dt: 0.07 }, make: pd(0.07) },
])) {
  const { played, emb } = await play(p, 100);
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
