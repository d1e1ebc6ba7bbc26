// Probe for issue 14: what the final agents of the `mountaincar` runs (vlm-learning-sparse.mjs) do, and what the VLM
// reward ("the car is at the flag" against "a car in a valley", alpha 0, the MountainCar model) pays them, against
// the energy-pumping expert and random play. Plays `episodes` 200-step episodes of MountainCar-Flag-v0 per policy;
// prints per policy the success rate, the highest and the final position per episode (mean), the share of steps
// pushing left / not / right, and the VLM return per 200 steps (mean ± sd).
// Usage (after building dist/; RXGYM_DIST for another dist/):
//   node test/bench/vlm-mountaincar-agents.mjs [episodes=8] [seed=50000] [run dir,...]
import { fileURLToPath } from 'node:url';
import { expertFor, mean, ms, openProbe, r2 } from './vlm-probe.mjs';

const model = fileURLToPath(new URL('../../rewards/vlm/results/builtin-mountaincar/', import.meta.url));
const { episodes, encoder, rm, policies, play } = await openProbe({
  env: 'MountainCar-Flag-v0',
  encoder: `builtin:${model}`,
  goal: 'the car is at the flag',
  baseline: 'a car in a valley',
});
const expert = expertFor('MountainCar-v0');
for (const p of await policies([
  { name: 'expert', kwargs: {}, make: () => (_o, state) => expert(state) },
  { name: 'random', kwargs: {}, make: () => (_o, _s, rng) => Math.floor(rng.random() * 3) },
])) {
  const counts = [0, 0, 0];
  const { played, emb } = await play(p, 200, (env) => {
    const f = p.make(env);
    return (o, s, rng) => {
      const a = f(o, s, rng);
      counts[Number(a)] += 1;
      return a;
    };
  });
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
