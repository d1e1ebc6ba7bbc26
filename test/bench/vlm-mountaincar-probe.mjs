// Probe for issue 14: is a built-in model pretrained with the MountainCar captions a usable reward for "the car is at
// the flag"? (1) Every position of the track: frames drawn directly at 361 positions in [-1.2, 0.6] (the car as
// MountainCar-v0 draws it), the reward per position at each alpha: where its maximum is, its mean per caption
// stretch, its correlation with the position and with the height sin(3x). (2) Played frames: the energy-pumping
// expert (30% random actions, the env's own episodes: they end at the flag) and random play (200-step episodes),
// ROC-AUC of the reward for frames at the flag (position >= 0.5) against the rest, correlation with position and
// height. Prints one JSON line per (goal, alpha).
// Usage (after building dist/): node test/bench/vlm-mountaincar-probe.mjs <model dir> [episodes] [alphas]
// set RXGYM_DIST to use another build of dist/.
import { resolve } from 'node:path';

const dist = (process.env.RXGYM_DIST ?? new URL('../../dist/', import.meta.url).href).replace(/\/?$/, '/');
const { builtinRegistry, initBackend, setBackendLogger } = await import(`${dist}src/index.js`);
const { openEncoder } = await import(`${dist}rewards/vlm/encoders.js`);
const { GoalBaselineReward } = await import(`${dist}rewards/vlm/goal-baseline.js`);
const { rocAuc, pearson } = await import(`${dist}rewards/vlm/quality.js`);
const { MountainCarFrames } = await import(`${dist}envs/classic/mountain-car-frames.js`);
const { playEpisodes } = await import(`${dist}rewards/vlm/play.js`);
const { expertFor } = await import(`${dist}rewards/vlm/experts.js`);

const dir = resolve(process.argv[2] ?? 'rewards/vlm/results/builtin-mountaincar');
const episodes = Number(process.argv[3] ?? 20);
const alphas = (process.argv[4] ?? '0,0.25,0.5,1').split(',').map(Number);
setBackendLogger(() => {});
await initBackend();
const registry = builtinRegistry();
const encoder = openEncoder(`builtin:${dir}`);
const { width, height } = encoder.frameSize;
const r3 = (x) => Math.round(x * 1000) / 1000;
const mean = (xs) => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : Number.NaN);
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const baseline = 'a car in a valley';
const goals = [
  'the car is at the flag',
  'the car is high on the right hill',
  'a car in a valley: the car is at the flag',
];
const STRETCHES = [
  ['left hill', -1.21, -1.0],
  ['left slope', -1.0, -0.75],
  ['valley', -0.75, -0.3],
  ['right slope', -0.3, 0.2],
  ['right hill', 0.2, 0.5],
  ['flag', 0.5, 0.61],
];

async function rewards(frames, goal) {
  const rows = Int32Array.from({ length: frames.count }, (_, i) => i);
  const emb = await encoder.embedImages(frames, rows);
  const g = await encoder.embedTexts([goal]);
  const b = await encoder.embedTexts([baseline]);
  const res = {};
  for (const a of alphas) {
    const rm = new GoalBaselineReward(g, b, encoder.dim, a);
    res[a] = Array.from({ length: frames.count }, (_, i) => rm.score(emb, i));
  }
  return res;
}

// (1) the grid of positions
const positions = Array.from({ length: 361 }, (_, i) => -1.2 + (i * 1.8) / 360);
const drawer = new MountainCarFrames('MountainCar-v0', { width, height });
const size = width * height * 3;
const grid = { width, height, count: positions.length, data: new Uint8Array(positions.length * size) };
positions.forEach((p, i) => grid.data.set(drawer.render(p).data, i * size));
const heights = positions.map((p) => Math.sin(3 * p));
for (const goal of goals) {
  const r = await rewards(grid, goal);
  for (const a of alphas) {
    const xs = r[a];
    const arg = xs.indexOf(Math.max(...xs));
    const byStretch = Object.fromEntries(
      STRETCHES.map(([n, lo, hi]) => [n, r3(mean(xs.filter((_, i) => positions[i] > lo && positions[i] <= hi)))]),
    );
    const top = positions.map((p, i) => [xs[i], p]).sort((u, v) => v[0] - u[0]);
    const topFlag = (k) => top.slice(0, k).filter(([, p]) => p >= 0.5).length / k;
    out({
      probe: 'grid',
      goal,
      alpha: a,
      argmaxPosition: r3(positions[arg]),
      max: r3(xs[arg]),
      meanByStretch: byStretch,
      top5PercentAtFlag: r3(topFlag(18)),
      top10PercentAtFlag: r3(topFlag(36)),
      corrPosition: r3(pearson(xs, positions)),
      corrHeight: r3(pearson(xs, heights)),
      aucFlag: r3(
        rocAuc(
          xs,
          positions.map((p) => (p >= 0.5 ? 1 : 0)),
        ),
      ),
    });
  }
}

// (2) played frames: the expert with 30% random actions, and random play
for (const kind of ['expert', 'random']) {
  const expert = expertFor('MountainCar-v0');
  const policy =
    kind === 'random'
      ? 'random'
      : (_o, state, rng) => (rng.random() < 0.3 ? Math.floor(rng.random() * 3) : expert(state));
  const played = playEpisodes({
    envs: registry.envs,
    envId: 'MountainCar-v0',
    frames: { width, height },
    episodes,
    seed: 100,
    policy,
  });
  const pos = played.steps.map((s) => s.state.position);
  const labels = pos.map((p) => (p >= 0.5 ? 1 : 0));
  const hs = pos.map((p) => Math.sin(3 * p));
  for (const goal of goals) {
    const r = await rewards(played.frames, goal);
    for (const a of alphas) {
      const xs = r[a];
      const flag = xs.filter((_, i) => labels[i] === 1);
      out({
        probe: 'played',
        policy: kind,
        goal,
        alpha: a,
        frames: xs.length,
        flagFrames: flag.length,
        aucFlag: flag.length ? r3(rocAuc(xs, labels)) : null,
        corrPosition: r3(pearson(xs, pos)),
        corrHeight: r3(pearson(xs, hs)),
        meanFlag: flag.length ? r3(mean(flag)) : null,
        meanRest: r3(mean(xs.filter((_, i) => labels[i] === 0))),
        maxRest: r3(Math.max(...xs.filter((_, i) => labels[i] === 0))),
      });
    }
  }
}
encoder.dispose();
