// Probe for issue 14: candidates for a second task learned from the built-in VLM reward alone. For each, is the
// reward's maximum at the goal? Scores frames of the reachable states with the built-in encoder (alpha 0 and 0.25,
// the family's neutral baseline) and prints, per ground-truth class, the mean reward and how the classes rank.
// - `arena`: the reward of every arena caption on a 41x41 grid of positions (frames drawn directly), per third of
//   the arena: which third each caption's reward peaks in, the centre third's mean against the best other third.
// - `dungeon`: Dungeon-KeyRoom-S5/-S15 and Dungeon-Room-15x15 played at random (and the stairs expert with 30%
//   random actions on the room); classes: next to the locked door (a `+` in the 3x3 around the player), next to the
//   key, stairs distance 0 / 1 / 2-3 / 4+ / not seen; goals: the caption relations and "next to the door" (no
//   caption has "door": a word the model never saw).
// - `centre`: "the dot is in the centre" on an 81x81 grid: where its top 1/2/4/8% of positions lie, the 4x4 centre
//   square (|x|, |y| < 2) against the rest, the corners and the wall band, a coarse map; then how often a random
//   policy ends a 100-step episode in that square when it starts in the 1x1 square of a random corner (uniform
//   actions, and N(0, 1) actions clipped by the env as a Gaussian policy's first samples would be), 2000 episodes,
//   and a crude PD controller (100 episodes); argv[3] lists the arena dt values to try (default 0.1).
// - `kneel`: Humanoid-Kneel-v0 env steps per second with and without 48x48 frames (is PPO affordable here?).
// Usage (after `npx tsc -p tsconfig.json`):
//   node test/bench/vlm-candidates-probe.mjs arena|dungeon|kneel [episodes] | centre [dt,...]
import { builtinRegistry, initBackend, setBackendLogger } from '../../dist/src/index.js';
import { openEncoder } from '../../dist/rewards/vlm/encoders.js';
import { GoalBaselineReward } from '../../dist/rewards/vlm/goal-baseline.js';
import { rocAuc } from '../../dist/rewards/vlm/quality.js';
import { ArenaFrames } from '../../dist/envs/explore/arena-frames.js';
import { unwrap } from '../../dist/src/core/wrapper.js';
import { Rng } from '../../dist/src/core/rng.js';
import { expertFor } from '../../dist/rewards/vlm/experts.js';

const what = process.argv[2] ?? 'arena';
const episodes = Number(process.argv[3] ?? 20);
setBackendLogger(() => {});
await initBackend();
const registry = builtinRegistry();
const encoder = openEncoder('builtin');
const r3 = (x) => Math.round(x * 1000) / 1000;
const mean = (xs) => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : Number.NaN);
const sd = (xs) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** Rewards of `frames` (a FrameBatch) for `goal` against `baseline` at each alpha. */
async function score(frames, goal, baseline, alphas = [0, 0.25]) {
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

function batchOf(list, w, h) {
  const size = w * h * 3;
  const data = new Uint8Array(list.length * size);
  list.forEach((d, i) => data.set(d.subarray(0, size), i * size));
  return { width: w, height: h, count: list.length, data };
}

if (what === 'arena') {
  const { width, height } = encoder.frameSize;
  const n = 41;
  const size = 10;
  const fr = new ArenaFrames('Explore-Arena-v0', { width, height }, size);
  const pos = [];
  const list = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const x = -size + (2 * size * (i + 0.5)) / n,
        y = -size + (2 * size * (j + 0.5)) / n;
      pos.push([x, y]);
      list.push(fr.render(x, y).data.slice());
    }
  const frames = batchOf(list, width, height);
  const third = (v) => (v < -size / 3 ? 0 : v > size / 3 ? 2 : 1);
  const name = (x, y) => {
    const row = ['bottom', 'middle', 'top'][third(y)],
      col = ['left', 'centre', 'right'][third(x)];
    return row === 'middle' && col === 'centre' ? 'centre' : `${row} ${col}`;
  };
  const region = pos.map(([x, y]) => name(x, y));
  const names = [...new Set(region)];
  for (const goalRegion of names) {
    const goal = goalRegion === 'centre' ? 'the dot is in the centre' : `the dot is in the ${goalRegion}`;
    const r = await score(frames, goal, 'a dot in an arena');
    for (const a of Object.keys(r)) {
      const per = Object.fromEntries(names.map((nm) => [nm, r3(mean(r[a].filter((_, k) => region[k] === nm)))]));
      const best = names.reduce((p, q) => (per[q] > per[p] ? q : p));
      const inside = r[a].filter((_, k) => region[k] === goalRegion);
      const outside = r[a].filter((_, k) => region[k] !== goalRegion);
      const kmax = r[a].indexOf(Math.max(...r[a]));
      out({
        goal,
        alpha: Number(a),
        peakThird: best,
        peakAtGoal: best === goalRegion,
        maxAt: pos[kmax].map((v) => Math.round(v * 10) / 10),
        maxValue: r3(r[a][kmax]),
        // share of the positions outside the goal third that score above the goal third's median
        outsideAboveGoalMedian: r3(
          outside.filter((v) => v > [...inside].sort((p, q) => p - q)[inside.length >> 1]).length / outside.length,
        ),
        rocGoalThird: r3(
          rocAuc(
            r[a],
            region.map((nm) => (nm === goalRegion ? 1 : 0)),
          ),
        ),
        perThird: per,
      });
    }
  }
  // the centre goal along the diagonal and the axes (is it peaked at 0 or flat?)
  const rc = await score(frames, 'the dot is in the centre', 'a dot in an arena', [0]);
  const line = [];
  for (let i = 0; i < n; i += 4) line.push(r3(rc[0][i * n + (n >> 1)]));
  out({ goal: 'the dot is in the centre', alpha: 0, alongX_atY0: line });
  const diag = [];
  for (let i = 0; i < n; i += 4) diag.push(r3(rc[0][i * n + i]));
  out({ goal: 'the dot is in the centre', alpha: 0, alongDiagonal: diag });
}

if (what === 'dungeon') {
  const { width, height } = encoder.frameSize;
  const GOALS = [
    'the player is next to the door',
    'the player is next to a key',
    'the player stands on the stairs',
    'the player is next to the stairs',
    'the player is near the stairs',
  ];
  for (const [envId, play] of [
    ['Dungeon-KeyRoom-S5-v0', 'random'],
    ['Dungeon-KeyRoom-S15-v0', 'random'],
    ['Dungeon-Room-15x15-v0', 'random'],
    ['Dungeon-Room-15x15-v0', 'expert'],
  ]) {
    const env = registry.envs.make(envId, { observationKeys: ['chars_crop'] });
    const base = unwrap(env);
    base.requestFrames({ width, height, camera: 'crop' });
    const rng = new Rng(4242);
    const expert = play === 'expert' ? expertFor(envId) : undefined;
    const list = [];
    const cls = [];
    for (let e = 0; e < episodes; e++) {
      let { obs } = env.reset({ seed: 777 + e });
      for (let t = 0; t < 100; t++) {
        const state = base.state();
        const a = expert && rng.random() >= 0.3 ? expert(state) : env.actionSpace.sample(rng);
        const r = env.step(a);
        obs = r.obs;
        const s = base.state();
        const c = obs.chars_crop;
        let door = false;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) if (c[(4 + dy) * 9 + 4 + dx] === 43) door = true;
        const st = s.stairs.down;
        const d = st ? Math.max(Math.abs(st[0] - s.player.x), Math.abs(st[1] - s.player.y)) : Infinity;
        const key = s.objects.some((o) => o.cls === 'tool' && o.dist <= 1);
        cls.push({ door, key, d });
        list.push(r.info.frame.data.slice());
        if (r.terminated || r.truncated) break;
      }
    }
    env.close();
    const frames = batchOf(list, width, height);
    const labels = {
      door: cls.map((c) => c.door),
      key: cls.map((c) => c.key),
      'stairs d=0': cls.map((c) => c.d === 0),
      'stairs d=1': cls.map((c) => c.d === 1),
      'stairs d=2-3': cls.map((c) => c.d >= 2 && c.d <= 3),
      'stairs d=4+': cls.map((c) => c.d >= 4 && c.d < Infinity),
      'stairs unseen': cls.map((c) => c.d === Infinity),
    };
    const counts = Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, v.filter(Boolean).length]));
    out({ envId, play, frames: frames.count, counts });
    for (const goal of GOALS) {
      const r = await score(frames, goal, 'a dungeon');
      for (const a of Object.keys(r)) {
        const per = Object.fromEntries(
          Object.entries(labels).map(([k, v]) => [k, r3(mean(r[a].filter((_, i) => v[i])))]),
        );
        const target = goal.includes('door')
          ? 'door'
          : goal.includes('key')
            ? 'key'
            : goal.includes('stands')
              ? 'stairs d=0'
              : goal.includes('next')
                ? 'stairs d=1'
                : 'stairs d=2-3';
        const lab = goal.includes('near') ? cls.map((c) => c.d >= 1 && c.d <= 3) : labels[target];
        const order = r[a].map((v, i) => [v, i]).sort((p, q) => q[0] - p[0]);
        const top = order.slice(0, Math.max(1, Math.round(frames.count * 0.02)));
        out({
          envId,
          play,
          goal,
          alpha: Number(a),
          target: goal.includes('near') ? 'stairs d=1-3' : target,
          positives: lab.filter(Boolean).length,
          roc: lab.some(Boolean) ? r3(rocAuc(r[a], lab.map(Number))) : null,
          top2pctTargetShare: r3(top.filter(([, i]) => lab[i]).length / top.length),
          rewardSd: r3(sd(r[a])),
          meanByClass: per,
        });
      }
    }
  }
}

if (what === 'centre') {
  const { width, height } = encoder.frameSize;
  const fr = new ArenaFrames('Explore-Arena-v0', { width, height }, 10);
  const n = 81;
  const pos = [];
  const list = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const x = -10 + (20 * (i + 0.5)) / n,
        y = -10 + (20 * (j + 0.5)) / n;
      pos.push([x, y]);
      list.push(fr.render(x, y).data.slice());
    }
  const r = (await score(batchOf(list, width, height), 'the dot is in the centre', 'a dot in an arena', [0]))[0];
  const inSq = (x, y, h) => Math.abs(x) < h && Math.abs(y) < h;
  const sorted = [...r].sort((a, b) => b - a);
  for (const q of [0.01, 0.02, 0.04, 0.08]) {
    const th = sorted[Math.floor(q * r.length)];
    const top = pos.filter((_, i) => r[i] >= th);
    out({
      topShare: q,
      threshold: r3(th),
      positions: top.length,
      inSquare4x4: r3(top.filter(([x, y]) => inSq(x, y, 2)).length / top.length),
      inSquare6x6: r3(top.filter(([x, y]) => inSq(x, y, 3)).length / top.length),
    });
  }
  const sq = r.filter((_, i) => inSq(...pos[i], 2));
  const rest = r.filter((_, i) => !inSq(...pos[i], 2));
  const corners = r.filter((_, i) => Math.abs(pos[i][0]) > 9 && Math.abs(pos[i][1]) > 9);
  const walls = r.filter((_, i) => Math.max(Math.abs(pos[i][0]), Math.abs(pos[i][1])) > 9);
  const sqMin = Math.min(...sq);
  out({
    square4x4: { mean: r3(mean(sq)), min: r3(sqMin) },
    outside: {
      mean: r3(mean(rest)),
      max: r3(Math.max(...rest)),
      shareAboveSquareMin: r3(rest.filter((v) => v > sqMin).length / rest.length),
      shareAboveSquareMean: r3(rest.filter((v) => v > mean(sq)).length / rest.length),
    },
    corners1x1: { mean: r3(mean(corners)), max: r3(Math.max(...corners)) },
    wallBand: { mean: r3(mean(walls)), max: r3(Math.max(...walls)) },
  });
  const map = [];
  for (let j = n - 1; j >= 0; j -= 8) {
    const row = [];
    for (let i = 0; i < n; i += 8) row.push(r3(r[i * n + j]));
    map.push(row);
  }
  out({ mapRowsTopToBottom: map });
  const rng = new Rng(5);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.random())) * Math.cos(2 * Math.PI * rng.random());
  // argv[3]: the arena's dt values to try, e.g. 0.1,0.05 (a smaller dt: the same frames, a slower mass)
  for (const dt of (process.argv[3] ?? '0.1').split(',').map(Number))
    for (const policy of ['uniform', 'gauss', 'pd']) {
      const env = registry.envs.make('Explore-Arena-v0', { dt });
      let end = 0;
      let ever = 0;
      const N = policy === 'pd' ? 100 : 2000;
      const first = [];
      for (let e = 0; e < N; e++) {
        const { obs } = env.reset({ seed: e });
        obs[0] = (e & 1 ? 1 : -1) * rng.uniform(9, 10);
        obs[1] = (e & 2 ? 1 : -1) * rng.uniform(9, 10);
        let o = obs;
        let seen = false;
        for (let t = 0; t < 100; t++) {
          // pd: a crude controller towards (0, 0) (gains scaled to dt), to check the task is feasible
          const a =
            policy === 'uniform'
              ? [rng.uniform(-1, 1), rng.uniform(-1, 1)]
              : policy === 'gauss'
                ? [gauss(), gauss()]
                : [0, 1].map((j) => -0.3 * o[j] - ((2 * 0.1) / dt) * o[j + 2]);
          o = env.step(Float32Array.from(a)).obs;
          if (!seen && inSq(o[0], o[1], 2)) first.push(t + 1);
          seen = seen || inSq(o[0], o[1], 2);
        }
        if (inSq(o[0], o[1], 2)) end++;
        if (seen) ever++;
      }
      env.close();
      const line = { randomFromCorner: policy, dt, episodes: N, endInSquare4x4: end / N, everInSquare4x4: ever / N };
      if (policy === 'pd') line.meanFirstStepInSquare = r3(mean(first));
      out(line);
    }
}

if (what === 'kneel') {
  for (const frames of [false, true, false, true]) {
    const env = registry.envs.make('Humanoid-Kneel-v0');
    if (frames) unwrap(env).requestFrames({ ...encoder.frameSize });
    const rng = new Rng(1);
    env.reset({ seed: 1 });
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < 5000) {
      const r = env.step(env.actionSpace.sample(rng));
      n++;
      if (r.terminated || r.truncated) env.reset();
    }
    out({ env: 'Humanoid-Kneel-v0', frames, stepsPerSecond: Math.round(n / ((performance.now() - t0) / 1000)) });
    env.close();
  }
}
