import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Box, Dict } from '../../src/core/spaces.js';
import { Rng } from '../../src/core/rng.js';
import { ParamStore } from '../../src/tensor/params.js';
import { ObsEncoder, convSameRelu, embedLookup, resolveNetworkConfig } from '../../src/tensor/network.js';
import { maxAbsDiff, values } from '../support/numeric.js';

/** relu(conv2d(x, k, 1, 'same') + b) via tf.conv2d; the reference. */
function reference(x: tf.Tensor4D, k: tf.Tensor4D, b: tf.Tensor1D): tf.Tensor4D {
  return tf.tidy(() => tf.relu(tf.add(tf.conv2d(x, k, 1, 'same'), b)) as tf.Tensor4D);
}

const CASES: { name: string; x: [number, number, number, number]; k: [number, number, number, number] }[] = [
  { name: '3x3, 5x5 map, 8->16 channels', x: [3, 5, 5, 8], k: [3, 3, 8, 16] },
  { name: '2x2 (uneven same padding)', x: [2, 4, 6, 3], k: [2, 2, 3, 5] },
  { name: '5x3 kernel on a 7x5 map', x: [2, 7, 5, 4], k: [5, 3, 4, 6] },
  { name: '1x1 kernel', x: [1, 3, 3, 2], k: [1, 1, 2, 4] },
  { name: '4x4 kernel (even), 1 input channel', x: [3, 6, 5, 1], k: [4, 4, 1, 7] },
  { name: '4x2 kernel, 9x9 map, 16->32 channels', x: [2, 9, 9, 16], k: [4, 2, 16, 32] },
];

const size = (shape: number[]): number => shape.reduce((a, v) => a * v, 1);

/** Value and gradients (x, k, b) of sum(conv(x, k, b) * w) on the current backend, as plain arrays. */
function valueAndGrads(conv: typeof reference, c: (typeof CASES)[number], seed: number): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(values(size(c.x), seed), c.x);
    const k = tf.tensor4d(values(size(c.k), seed + 1), c.k);
    const b = tf.tensor1d(values(c.k[3], seed + 2));
    const w = tf.tensor4d(values(c.x[0] * c.x[1] * c.x[2] * c.k[3], seed + 3), [c.x[0], c.x[1], c.x[2], c.k[3]]);
    const f = (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(conv(xx as tf.Tensor4D, kk as tf.Tensor4D, bb as tf.Tensor1D), w));
    const out = conv(x, k, b);
    const grads = tf.grads(f)([x, k, b]);
    return [out, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

describe('convSameRelu (im2col conv)', () => {
  beforeAll(() => {
    tf.enableProdMode();
  });

  it('equals tf.conv2d forward on the cpu backend within 1e-5', async () => {
    await tf.setBackend('cpu');
    CASES.forEach((c, i) => {
      const x = tf.tensor4d(
        values(
          c.x.reduce((a, v) => a * v, 1),
          10 + i,
        ),
        c.x,
      );
      const k = tf.tensor4d(
        values(
          c.k.reduce((a, v) => a * v, 1),
          20 + i,
        ),
        c.k,
      );
      const b = tf.tensor1d(values(c.k[3], 30 + i));
      const want = reference(x, k, b);
      const got = convSameRelu(x, k, b);
      expect(got.shape, c.name).toEqual(want.shape);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]!);
      expect(diff, c.name).toBeLessThan(1e-5);
      // Not trivially zero: relu leaves a good share of positive outputs.
      expect(
        tf.tidy(() => tf.sum(tf.greater(want, 0).asType('float32')).dataSync()[0]!),
        c.name,
      ).toBeGreaterThan(0);
      tf.dispose([x, k, b, want, got]);
    });
  });

  it(
    'has the same value and x, k, b gradients as tf.conv2d (tf.grads on the cpu backend) within 1e-4, on cpu and on ' +
      'wasm',
    async () => {
      for (const [i, c] of CASES.entries()) {
        await tf.setBackend('cpu');
        const want = valueAndGrads(reference, c, 50 + 10 * i);
        // Not trivially zero: some outputs positive, some clipped by the relu.
        const pos = want[0]!.filter((v) => v > 0).length;
        expect(pos, c.name).toBeGreaterThan(0);
        expect(pos, c.name).toBeLessThan(want[0]!.length);
        for (const backend of ['cpu', 'wasm']) {
          expect(await tf.setBackend(backend)).toBe(true);
          const got = valueAndGrads(convSameRelu, c, 50 + 10 * i);
          ['value', 'dx', 'dk', 'db'].forEach((what, j) =>
            expect(maxAbsDiff(got[j]!, want[j]!), `${c.name} ${backend} ${what}`).toBeLessThan(1e-4),
          );
        }
      }
    },
  );

  it('is deterministic and leaks no tensors on wasm: gradients bit-identical, numTensors flat', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const c = CASES[5]!;
    const first = valueAndGrads(convSameRelu, c, 7);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const again = valueAndGrads(convSameRelu, c, 7);
      again.forEach((a, j) => expect(Array.from(a)).toEqual(Array.from(first[j]!)));
    }
    expect(tf.memory().numTensors).toBe(before);
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
    const ids = Int32Array.from({ length: 4 * 25 }, () => rng.int(0, 41));
    const x = tf.tensor3d(ids, [4, 5, 5], 'int32');
    const opt = tf.train.sgd(0.01);
    const losses: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < 50; i++) {
      const cost = opt.minimize(
        () => tf.mean(tf.square(tf.sub(enc.encode([x]), 0.5))) as tf.Scalar,
        true,
        store.list(),
      );
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
