// Usage (after npx tsc -p tsconfig.json):
//   node scenarios/process/probe-bc-values.mjs [iterations 1500] [inputs both|values] [act tanh|relu] [hidden 64] [lr 1e-3]
// Diagnostic: probe-bc.mjs on Reason-Arith-v0 { difficulty: 1, numbers: 'value' }. Supervised imitation of
// expertAction() with the PPO network's shape: the token keys through embedding 8 -> dense 128 relu, concatenated
// with the float `values` key [4, 10] (as ObsEncoder does), then 64 tanh -> 64 tanh -> 22 masked logits; `values`
// feeds only the float key to that MLP (numbers: 'value-only'); act/hidden/lr change the MLP and Adam's rate. Prints held-out accuracy, overall and by label (stop; reductions by
// operator, first or second), so "stop right, reductions at chance" (0.50 overall) is told from learning.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { ReasonArith } from '../../dist/envs/reason/arith.js';
await tf.setBackend('wasm');
const iters = Number(process.argv[2] ?? 1500),
  inputs = process.argv[3] ?? 'both',
  act = process.argv[4] === 'relu' ? tf.relu : tf.tanh,
  H = Number(process.argv[5] ?? 64),
  lr = Number(process.argv[6] ?? 1e-3);
const E = 8,
  A = 22;
const env = new ReasonArith({ difficulty: 1, numbers: 'value' });
const spaces = env.observationSpace.spaces;
const tokenKeys = env.capabilities.tokenKeys;
const size = (k) => spaces[k].shape.reduce((x, y) => x * y, 1);
const L = tokenKeys.reduce((a, k) => a + size(k), 0),
  V = size('values');
let rngState = 12345;
const rand = () => (rngState = (rngState * 1103515245 + 12345) % 2147483648) / 2147483648;
function sample(n, s0) {
  const T = [],
    X = [],
    M = [],
    Y = [],
    G = [];
  let r = env.reset({ seed: s0 });
  let reductions = 0;
  while (X.length < n) {
    const a = env.expertAction();
    T.push(tokenKeys.flatMap((k) => Array.from(r.obs[k])));
    X.push(Array.from(r.obs.values));
    M.push(Array.from(r.info.actionMask));
    Y.push(a);
    G.push(a >= 16 ? 'stop' : `${env.state().choices[0].operation.split(' ')[1]}${reductions + 1}`);
    // follow the expert, with occasional identity steps so histories vary
    const act = rand() < 0.2 ? 16 : a;
    if (act < 16) reductions++;
    const st = env.step(act);
    if (st.terminated) reductions = 0;
    r = st.terminated ? env.reset() : st;
  }
  return {
    G,
    T: tf.tensor2d(T, undefined, 'int32'),
    X: tf.tensor2d(X),
    M: tf.tensor2d(M, undefined, 'bool'),
    Y: tf.tensor1d(Y, 'int32'),
  };
}
const emb = tf.variable(tf.randomNormal([2031, E]));
const dense = (i, o) => [tf.variable(tf.randomNormal([i, o], 0, Math.sqrt(2 / i))), tf.variable(tf.zeros([o]))];
const tok = dense(L * E, 128);
const W = [dense(inputs === 'both' ? 128 + V : V, H), dense(H, H), dense(H, A)];
const lookup = (t, ids) =>
  tf.customGrad((t_, save) => {
    save([tf.reshape(ids, [-1, 1])]);
    return {
      value: tf.gatherND(t_, tf.expandDims(ids, -1)),
      gradFunc: (dy, saved) => [tf.scatterND(saved[0], tf.reshape(dy, [-1, E]), t_.shape)],
    };
  })(t);
const f = (d) => {
  let h = d.X;
  if (inputs === 'both') {
    const e = tf.reshape(lookup(emb, d.T), [d.T.shape[0], -1]);
    h = tf.concat([tf.relu(tf.add(tf.matMul(e, tok[0]), tok[1])), d.X], 1);
  }
  h = act(tf.add(tf.matMul(h, W[0][0]), W[0][1]));
  h = act(tf.add(tf.matMul(h, W[1][0]), W[1][1]));
  const o = tf.add(tf.matMul(h, W[2][0]), W[2][1]);
  return tf.where(d.M, o, tf.fill(o.shape, -1e9));
};
const opt = tf.train.adam(lr);
const test = sample(2000, 999999);
function report(d) {
  const p = tf.tidy(() => tf.argMax(f(d), 1).dataSync());
  const y = d.Y.dataSync();
  const by = {};
  let hit = 0;
  d.G.forEach((g, i) => {
    by[g] ??= [0, 0];
    by[g][0] += p[i] === y[i] ? 1 : 0;
    by[g][1]++;
    hit += p[i] === y[i] ? 1 : 0;
  });
  const parts = Object.keys(by)
    .sort()
    .map((g) => `${g} ${(by[g][0] / by[g][1]).toFixed(2)}`);
  return `test acc ${(hit / y.length).toFixed(3)} (${parts.join(', ')})`;
}
const t0 = Date.now();
for (let it = 1; it <= iters; it++) {
  const b = sample(256, it);
  opt.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(b.Y, A), f(b)));
  tf.dispose([b.T, b.X, b.M, b.Y]);
  if (it % 250 === 0) {
    const s = ((Date.now() - t0) / 1000).toFixed(0);
    console.log(`iter ${it} samples ${it * 256} ${report(test)} ${s} s`);
  }
}
