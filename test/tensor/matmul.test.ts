import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { denseForward, matMul2d } from '../../src/tensor/matmul.js';
import { values } from '../support/numeric.js';

/** Largest |a - b| relative to the largest |a|. */
function relErr(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / Math.max(1e-12, tf.max(tf.abs(a)).dataSync()[0]!));
}

const prev = tf.getBackend();
afterAll(async () => {
  if (prev) await tf.setBackend(prev);
});

for (const backend of ['cpu', 'wasm']) {
  describe(`matmul ops with plain-matMul gradients (${backend})`, () => {
    it('denseForward has the values and gradients of tf.fused.matMul (linear and relu; narrow and wide)', async () => {
      await tf.setBackend(backend);
      const x = tf.tensor2d(values(37 * 23, 1), [37, 23]);
      const W = tf.tensor2d(values(23 * 11, 2, 0.3), [23, 11]);
      const b = tf.tensor1d(values(11, 3));
      for (const [activation, wide] of [
        ['linear', false],
        ['relu', false],
        ['linear', true],
        ['relu', true],
      ] as const) {
        const ref = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor): tf.Tensor =>
          tf.sum(tf.square(tf.fused.matMul({ a: xi as tf.Tensor2D, b: wi as tf.Tensor2D, bias: bi, activation })));
        const ours = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor): tf.Tensor =>
          tf.sum(tf.square(denseForward(xi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D, activation, wide)));
        expect(relErr(ref(x, W, b), ours(x, W, b))).toBeLessThan(1e-5);
        const g1 = tf.grads(ref)([x, W, b]);
        const g2 = tf.grads(ours)([x, W, b]);
        for (let i = 0; i < 3; i++) expect(relErr(g1[i]!, g2[i]!)).toBeLessThan(1e-5);
        tf.dispose([...g1, ...g2]);
      }
      tf.dispose([x, W, b]);
    });

    it('matMul2d has the values and gradients of tf.matMul, and leaks no tensors', async () => {
      await tf.setBackend(backend);
      const a = tf.tensor2d(values(19 * 31, 4), [19, 31]);
      const c = tf.tensor2d(values(31 * 7, 5), [31, 7]);
      const ref = (p: tf.Tensor, q: tf.Tensor): tf.Tensor =>
        tf.sum(tf.square(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D)));
      const ours = (p: tf.Tensor, q: tf.Tensor): tf.Tensor =>
        tf.sum(tf.square(matMul2d(p as tf.Tensor2D, q as tf.Tensor2D)));
      const g1 = tf.grads(ref)([a, c]);
      const g2 = tf.grads(ours)([a, c]);
      for (let i = 0; i < 2; i++) expect(relErr(g1[i]!, g2[i]!)).toBeLessThan(1e-5);
      tf.dispose([...g1, ...g2]);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) tf.tidy(() => void tf.grads(ours)([a, c]));
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([a, c]);
    });
  });
}
