import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Box, Dict } from '../../src/core/spaces.js';
import { Rng } from '../../src/core/rng.js';
import { ParamStore } from '../../src/tensor/params.js';
import { ObsEncoder, convSameRelu, embedLookup, resolveNetworkConfig } from '../../src/tensor/network.js';

function values(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** relu(conv2d(x, k, 1, 'same') + b) via tf.conv2d; the reference. */
function reference(x: tf.Tensor4D, k: tf.Tensor4D, b: tf.Tensor1D): tf.Tensor4D {
  return tf.tidy(() => tf.relu(tf.add(tf.conv2d(x, k, 1, 'same'), b)) as tf.Tensor4D);
}

const CASES: { name: string; x: [number, number, number, number]; k: [number, number, number, number] }[] = [
  { name: '3x3, 5x5 map, 8->16 channels', x: [3, 5, 5, 8], k: [3, 3, 8, 16] },
  { name: '2x2 (uneven same padding)', x: [2, 4, 6, 3], k: [2, 2, 3, 5] },
  { name: '5x3 kernel on a 7x5 map', x: [2, 7, 5, 4], k: [5, 3, 4, 6] },
  { name: '1x1 kernel', x: [1, 3, 3, 2], k: [1, 1, 2, 4] },
];

describe('convSameRelu (im2col conv)', () => {
  beforeAll(() => {
    tf.enableProdMode();
  });

  it('equals tf.conv2d forward on the cpu backend within 1e-5', async () => {
    await tf.setBackend('cpu');
    CASES.forEach((c, i) => {
      const x = tf.tensor4d(values(c.x.reduce((a, v) => a * v, 1), 10 + i), c.x);
      const k = tf.tensor4d(values(c.k.reduce((a, v) => a * v, 1), 20 + i), c.k);
      const b = tf.tensor1d(values(c.k[3], 30 + i));
      const want = reference(x, k, b);
      const got = convSameRelu(x, k, b);
      expect(got.shape, c.name).toEqual(want.shape);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]!);
      expect(diff, c.name).toBeLessThan(1e-5);
      // Not trivially zero: relu leaves a good share of positive outputs.
      expect(tf.tidy(() => tf.sum(tf.greater(want, 0).asType('float32')).dataSync()[0]!), c.name).toBeGreaterThan(0);
      tf.dispose([x, k, b, want, got]);
    });
  });

  it('has the same kernel gradient as tf.conv2d on the cpu backend', async () => {
    await tf.setBackend('cpu');
    const c = CASES[0]!;
    const x = tf.tensor4d(values(c.x.reduce((a, v) => a * v, 1), 1), c.x);
    const k = tf.tensor4d(values(c.k.reduce((a, v) => a * v, 1), 2), c.k);
    const b = tf.tensor1d(values(c.k[3], 3));
    const w = tf.tensor4d(values(c.x[0] * c.x[1] * c.x[2] * c.k[3], 4), [c.x[0], c.x[1], c.x[2], c.k[3]]);
    const loss = (f: typeof reference) => (kk: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(x, kk as tf.Tensor4D, bb as tf.Tensor1D), w));
    const [gkWant, gbWant] = tf.grads(loss(reference))([k, b]);
    const [gkGot, gbGot] = tf.grads(loss(convSameRelu))([k, b]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(gkGot!, gkWant!))).dataSync()[0]!)).toBeLessThan(1e-4);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(gbGot!, gbWant!))).dataSync()[0]!)).toBeLessThan(1e-4);
    tf.dispose([x, k, b, w, gkWant!, gbWant!, gkGot!, gbGot!]);
  });

  it('embedLookup: same value and table gradient (repeated ids add up) as tf.gather, on cpu and on wasm', async () => {
    const ids = Int32Array.from([3, 1, 3, 0, 3, 6, 1, 1, 2, 3, 5, 0]);
    const run = (lookup: (t: tf.Tensor2D, x: tf.Tensor) => tf.Tensor): [Float32Array, Float32Array] => {
      const table = tf.tensor2d(values(7 * 4, 40), [7, 4]);
      const x = tf.tensor3d(ids, [2, 2, 3], 'int32');
      const w = tf.tensor4d(values(12 * 4, 41), [2, 2, 3, 4]);
      const value = tf.tidy(() => lookup(table, x).dataSync() as Float32Array);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(lookup(t as tf.Tensor2D, x), w)))(table);
      const grad = g.dataSync() as Float32Array;
      tf.dispose([table, x, w, g]);
      return [value, grad];
    };
    await tf.setBackend('cpu');
    const [wantV, wantG] = run((t, x) => tf.gather(t, x));
    for (const backend of ['cpu', 'wasm']) {
      expect(await tf.setBackend(backend)).toBe(true);
      const [v, g] = run(embedLookup);
      expect(Array.from(v), backend).toEqual(Array.from(wantV));
      wantG.forEach((want, i) => expect(Math.abs(g[i]! - want), `${backend} grad[${i}]`).toBeLessThan(1e-5));
    }
    // Row 4 is never looked up: zero gradient; row 3 (four times) is not.
    expect(Array.from(wantG.subarray(16, 20))).toEqual([0, 0, 0, 0]);
    expect(Math.abs(wantG[12]!)).toBeGreaterThan(0);
  });

  it('trains the glyph CNN on the wasm backend: 50 SGD steps, loss falls, numTensors flat', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const space = new Dict({ glyphs_crop: new Box(0, 40, [5, 5], 'int16') });
    const cfg = resolveNetworkConfig({ glyph: { embedDim: 8, channels: [16, 8], kernel: 3, features: 32 } });
    const store = new ParamStore('t');
    const enc = new ObsEncoder(space, cfg, store, new Rng(7));
    const names = store.list().map((v) => v.shape.join('x'));
    // Parameter shapes are the conv2d layout (checkpoints stay compatible).
    expect(names).toContain('3x3x8x16');
    expect(names).toContain('3x3x16x8');
    const rng = new Rng(5);
    const ids = Int32Array.from({ length: 4 * 25 }, () => rng.int(41));
    const x = tf.tensor3d(ids, [4, 5, 5], 'int32');
    const opt = tf.train.sgd(0.01);
    const losses: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < 50; i++) {
      const cost = opt.minimize(() => tf.mean(tf.square(tf.sub(enc.encode([x]), 0.5))) as tf.Scalar, true, store.list());
      losses.push(cost!.dataSync()[0]!);
      cost!.dispose();
      counts.push(tf.memory().numTensors);
    }
    expect(tf.getBackend()).toBe('wasm');
    expect(losses[49]!).toBeLessThan(losses[0]!);
    expect(counts[49]).toBe(counts[1]);
    x.dispose();
    opt.dispose();
  });
});
