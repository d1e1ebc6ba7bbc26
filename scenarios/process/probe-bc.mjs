// Usage (after npx tsc -p tsconfig.json): node scenarios/process/probe-bc.mjs [difficulty 1] [iterations 1500] [embedDim 8]
// Diagnostic: can the PPO encoder (token embedding 8 -> dense 128 relu -> 64 tanh -> 64 tanh) learn Arith's right
// reduction by supervised imitation of expertAction()? Prints held-out accuracy of the argmax (masked) action.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { ReasonArith } from '../../dist/envs/reason/arith.js';
await tf.setBackend('wasm');
const diff = Number(process.argv[2] ?? 1),
  iters = Number(process.argv[3] ?? 2000),
  E = Number(process.argv[4] ?? 8);
const env = new ReasonArith({ difficulty: diff });
const keys = Object.keys(env.observationSpace.spaces).sort();
let seed = 1;
function sample(n, s0) {
  const X = [],
    M = [],
    Y = [];
  let r = env.reset({ seed: s0 });
  while (X.length < n) {
    const a = env.expertAction();
    X.push(keys.flatMap((k) => Array.from(r.obs[k])));
    M.push(Array.from(r.info.actionMask));
    Y.push(a);
    // follow the expert, with occasional identity steps so histories vary
    const act = Math.random() < 0.2 ? 16 : a;
    const st = env.step(act);
    r = st.terminated ? env.reset() : st;
  }
  return { X: tf.tensor2d(X, undefined, 'int32'), M: tf.tensor2d(M, undefined, 'bool'), Y: tf.tensor1d(Y, 'int32') };
}
const L = keys.reduce((a, k) => a + env.observationSpace.spaces[k].shape.reduce((x, y) => x * y, 1), 0);
const A = 22;
const emb = tf.variable(tf.randomNormal([2031, E]));
const dense = (i, o) => [tf.variable(tf.randomNormal([i, o], 0, Math.sqrt(2 / i))), tf.variable(tf.zeros([o]))];
const W = [dense(L * E, 128), dense(128, 64), dense(64, 64), dense(64, A)];
const f = (X, M) => {
  let h = tf.reshape(lookup(emb, X), [X.shape[0], -1]);
  h = tf.relu(tf.add(tf.matMul(h, W[0][0]), W[0][1]));
  h = tf.tanh(tf.add(tf.matMul(h, W[1][0]), W[1][1]));
  h = tf.tanh(tf.add(tf.matMul(h, W[2][0]), W[2][1]));
  const o = tf.add(tf.matMul(h, W[3][0]), W[3][1]);
  return tf.where(M, o, tf.fill(o.shape, -1e9));
};
const lookup = (t, ids) =>
  tf.customGrad((t_, save) => {
    save([tf.reshape(ids, [-1, 1])]);
    return {
      value: tf.gatherND(t_, tf.expandDims(ids, -1)),
      gradFunc: (dy, saved) => [tf.scatterND(saved[0], tf.reshape(dy, [-1, E]), t_.shape)],
    };
  })(t);
const opt = tf.train.adam(1e-3);
const test = sample(2000, 999999);
const acc = (d) => tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(f(d.X, d.M), 1), d.Y), 'float32')).dataSync()[0]);
for (let it = 1; it <= iters; it++) {
  const b = sample(256, seed++);
  opt.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(b.Y, A), f(b.X, b.M)));
  tf.dispose([b.X, b.M, b.Y]);
  if (it % 250 === 0) console.log(`iter ${it} samples ${it * 256} test acc ${acc(test).toFixed(3)}`);
}
