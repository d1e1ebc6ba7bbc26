#!/usr/bin/env node
// Where one PPO minibatch of the glyph CNN spends its time (issue 17 item 1): the forward and backward pass of the
// default glyph CNN (embedding 16, two 3x3 convolutions of 32, dense 128) with 64x64 tanh actor and critic heads, on
// 256 rows of 9x9 glyph crops (KeyRoom-S5's minibatch), under tf.profile, summed per tfjs kernel, and the time
// outside the kernels. Also the multiply-accumulates of the Conv2D calls and the rate they reach. Builds on dist/
// (npx tsc first).
//
//   RXGYM_BACKEND=wasm node test/bench/learner-throughput-profile.mjs [--rows 256] [--reps 10]
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const rows = opt('rows', 256);
const reps = opt('reps', 10);

process.env.RXGYM_BACKEND ??= 'wasm';
const tf = await import('@tensorflow/tfjs');
const { initBackend, setBackendLogger } = await import(dist('src/tensor/backend.js'));
const { ObsEncoder, Mlp, resolveNetworkConfig } = await import(dist('src/tensor/network.js'));
const { ParamStore } = await import(dist('src/tensor/params.js'));
const { Rng } = await import(dist('src/core/rng.js'));
const { Box, Dict } = await import(dist('src/core/spaces.js'));
setBackendLogger(() => {});
await initBackend();

const V = 113; // the dungeon's glyph count (envs/dungeon/engine/glyphs.ts NUM_GLYPHS)
const space = new Dict({
  glyphs_crop: new Box(0, V - 1, [9, 9], 'int16'),
  blstats: new Box(-1e9, 1e9, [27], 'float32'),
});
const store = new ParamStore('p');
const rng = new Rng(1);
const net = resolveNetworkConfig({});
const enc = new ObsEncoder(space, net, store, rng);
const actor = new Mlp(store, 'actor', enc.featureDim, net.hidden, 8, 0.01, net.activation, rng);
const critic = new Mlp(store, 'critic', enc.featureDim, net.hidden, 1, 1, net.activation, rng);
const ids = tf.tensor3d(
  Int32Array.from({ length: rows * 81 }, (_, i) => (i * 7919) % V),
  [rows, 9, 9],
  'int32',
);
const bl = tf.randomNormal([rows, 27], 0, 1, 'float32', 1);
const step = () =>
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const f = enc.encode([bl, ids]);
      return tf.add(tf.sum(tf.square(actor.apply(f))), tf.sum(tf.square(critic.apply(f))));
    });
    for (const g of Object.values(grads)) g.dataSync();
    return value;
  });
step();
step();
const t0 = performance.now();
for (let i = 0; i < reps; i++) step();
const ms = (performance.now() - t0) / reps;
const prof = await tf.profile(() => {
  step();
});
// customGrad's own 'forward' entries contain the kernels they run: counted once, through those kernels
const agg = new Map();
for (const k of prof.kernels) {
  if (k.name === 'forward') continue;
  const a = agg.get(k.name) ?? { ms: 0, calls: 0 };
  a.ms += Number(k.kernelTimeMs) || 0;
  a.calls++;
  agg.set(k.name, a);
}
const total = [...agg.values()].reduce((s, a) => s + a.ms, 0);
const convMac = (c) => rows * 81 * 9 * c.in * c.out;
const convs = net.glyph.channels.map((out, i) => ({
  in: i === 0 ? net.glyph.embedDim : net.glyph.channels[i - 1],
  out,
}));
// the first convolution runs with the embedding as one op of gathered sums (src/tensor/embed-conv.ts), not as Conv2D
const { embedConvFits } = await import(dist('src/tensor/embed-conv.js'));
const viaConv2D = embedConvFits(convs[0].out) ? convs.slice(1) : convs;
const macs = viaConv2D.reduce((s, c) => s + 3 * convMac(c), 0); // forward, input gradient, filter gradient
const conv = agg.get('Conv2D');
console.log(
  `backend ${tf.getBackend()}, ${rows} rows: forward + backward ${ms.toFixed(1)} ms per minibatch ` +
    `(mean of ${reps}; load ${loadavg()[0].toFixed(1)})`,
);
for (const [name, a] of [...agg].sort((x, y) => y[1].ms - x[1].ms).slice(0, 12)) {
  const share = `${((100 * a.ms) / total).toFixed(0)}%`;
  console.log(`  ${name.padEnd(20)} ${a.ms.toFixed(1).padStart(7)} ms  ${String(a.calls).padStart(3)} calls  ${share}`);
}
console.log(
  `  outside the kernels  ${(ms - total).toFixed(1).padStart(7)} ms  (JavaScript: the embed-conv sums, the tape)`,
);
if (conv)
  console.log(
    `  Conv2D: ${(macs / 1e6).toFixed(0)}M multiply-adds in ${conv.ms.toFixed(1)} ms: ` +
      `${(macs / conv.ms / 1e6).toFixed(1)} GMAC/s`,
  );
