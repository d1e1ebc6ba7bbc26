// Usage (after npx tsc -p tsconfig.json): node scenarios/process/probe-bc-aligned.mjs [iterations 400] [embedDim 8]
// Diagnostic 2: the same MLP, but fed only slot 0's operation and its four candidates in a fixed layout
// [a, op, b, c0, c1, c2, c3] (7 tokens): can it learn which candidate is right? Accuracy on held-out slot-0 choices.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { ReasonArith } from '../../dist/envs/reason/arith.js';
import { reducible, operands } from '../../dist/envs/reason/arith-expr.js';
import { numToken, OP_TOKEN } from '../../dist/envs/reason/vocab.js';
await tf.setBackend('wasm');
const iters = Number(process.argv[2] ?? 400),
  E = Number(process.argv[3] ?? 8);
const env = new ReasonArith({ difficulty: 1 });
function sample(n, s0) {
  const X = [],
    Y = [];
  let r = env.reset({ seed: s0 });
  while (X.length < n) {
    const a = env.expertAction();
    if (a < 16) {
      const st = env.state();
      const node = reducible(env.expr)[0];
      const [x, y] = operands(node);
      X.push([numToken(x), OP_TOKEN[node.op], numToken(y), ...st.choices[0].candidates.map(numToken)]);
      Y.push(a % 4);
    }
    const s = env.step(a);
    r = s.terminated ? env.reset() : s;
  }
  return { X: tf.tensor2d(X, undefined, 'int32'), Y: tf.tensor1d(Y, 'int32') };
}
const emb = tf.variable(tf.randomNormal([2031, E]));
const dense = (i, o) => [tf.variable(tf.randomNormal([i, o], 0, Math.sqrt(2 / i))), tf.variable(tf.zeros([o]))];
const W = [dense(7 * E, 128), dense(128, 64), dense(64, 64), dense(64, 4)];
const lookup = (t, ids) =>
  tf.customGrad((t_, save) => {
    save([tf.reshape(ids, [-1, 1])]);
    return {
      value: tf.gatherND(t_, tf.expandDims(ids, -1)),
      gradFunc: (dy, saved) => [tf.scatterND(saved[0], tf.reshape(dy, [-1, E]), t_.shape)],
    };
  })(t);
const f = (X) => {
  let h = tf.reshape(lookup(emb, X), [X.shape[0], -1]);
  h = tf.relu(tf.add(tf.matMul(h, W[0][0]), W[0][1]));
  h = tf.tanh(tf.add(tf.matMul(h, W[1][0]), W[1][1]));
  h = tf.tanh(tf.add(tf.matMul(h, W[2][0]), W[2][1]));
  return tf.add(tf.matMul(h, W[3][0]), W[3][1]);
};
const opt = tf.train.adam(1e-3);
const test = sample(2000, 999999);
const acc = (d) => tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(f(d.X), 1), d.Y), 'float32')).dataSync()[0]);
for (let it = 1; it <= iters; it++) {
  const b = sample(256, it);
  opt.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(b.Y, 4), f(b.X)));
  tf.dispose([b.X, b.Y]);
  if (it % 100 === 0) console.log(`iter ${it} samples ${it * 256} slot-0 test acc ${acc(test).toFixed(3)}`);
}
