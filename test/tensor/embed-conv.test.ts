import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Box, Dict } from '../../src/core/spaces.js';
import { Rng } from '../../src/core/rng.js';
import { ParamStore, applyDense } from '../../src/tensor/params.js';
import { embedConvSameRelu } from '../../src/tensor/embed-conv.js';
import { ObsEncoder, convSameRelu, embedLookup, resolveNetworkConfig } from '../../src/tensor/network.js';
import { maxAbsDiff, values } from '../support/numeric.js';

const CASES: { name: string; ids: [number, number, number]; vocab: number; k: [number, number, number, number] }[] = [
  { name: '3x3 on 9x9 crops, 16 -> 32 (the dungeon default)', ids: [6, 9, 9], vocab: 113, k: [3, 3, 16, 32] },
  { name: '2x2 (uneven same padding)', ids: [3, 4, 6], vocab: 5, k: [2, 2, 3, 8] },
  { name: '5x3 kernel on a 7x5 map', ids: [2, 7, 5], vocab: 9, k: [5, 3, 4, 16] },
  { name: '1x1 kernel', ids: [2, 3, 3], vocab: 4, k: [1, 1, 2, 8] },
  { name: '4x4 kernel (even) on a 3x2 map, larger than the map', ids: [2, 3, 2], vocab: 6, k: [4, 4, 5, 24] },
];

/**
 * Value and gradients (table, k, b) of sum(op(table, ids, k, b) * w) on the current backend. Ids repeat (few glyphs
 * over many cells) and some glyphs of the table are never used (their gradient must be zero).
 */
function valueAndGrads(
  op: (t: tf.Tensor2D, ids: tf.Tensor3D, k: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor4D,
  c: (typeof CASES)[number],
  seed: number,
): Float32Array[] {
  const [B, H, W] = c.ids;
  const [, , D, O] = c.k;
  const used = Math.max(1, c.vocab - 2);
  const rng = new Rng(seed);
  const ids = tf.tensor3d(
    Int32Array.from({ length: B * H * W }, () => rng.int(0, used)),
    c.ids,
    'int32',
  );
  const out = tf.tidy(() => {
    const table = tf.tensor2d(values(c.vocab * D, seed + 1), [c.vocab, D]);
    const k = tf.tensor4d(
      values(
        c.k.reduce((a, v) => a * v, 1),
        seed + 2,
        0.5,
      ),
      c.k,
    );
    const b = tf.tensor1d(values(O, seed + 3, 0.5));
    const w = tf.tensor4d(values(B * H * W * O, seed + 4), [B, H, W, O]);
    const f = (t: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(op(t as tf.Tensor2D, ids, kk as tf.Tensor4D, bb as tf.Tensor1D), w));
    const value = op(table, ids, k, b);
    const grads = tf.grads(f)([table, k, b]);
    return [value, ...grads].map((t) => t.dataSync() as Float32Array);
  });
  ids.dispose();
  return out;
}

const reference = (t: tf.Tensor2D, ids: tf.Tensor3D, k: tf.Tensor4D, b: tf.Tensor1D): tf.Tensor4D =>
  convSameRelu(embedLookup(t, ids) as tf.Tensor4D, k, b);

describe('embedConvSameRelu (glyph embedding and first convolution as one op)', () => {
  beforeAll(() => {
    tf.enableProdMode();
  });

  it('has the value and table, kernel, bias gradients of convSameRelu(embedLookup(...)) on cpu and wasm', async () => {
    for (const [i, c] of CASES.entries()) {
      await tf.setBackend('cpu');
      const want = valueAndGrads(reference, c, 100 + 10 * i);
      const pos = want[0]!.filter((v) => v > 0).length;
      expect(pos, c.name).toBeGreaterThan(0); // not trivially zero: some outputs positive, some clipped
      expect(pos, c.name).toBeLessThan(want[0]!.length);
      // the two glyphs never used get no gradient; the used ones do
      const D = c.k[2];
      const unused = want[1]!.subarray((c.vocab - 2) * D);
      expect(
        unused.every((v) => v === 0),
        c.name,
      ).toBe(true);
      for (const backend of ['cpu', 'wasm']) {
        expect(await tf.setBackend(backend)).toBe(true);
        const got = valueAndGrads(embedConvSameRelu, c, 100 + 10 * i);
        ['value', 'dtable', 'dk', 'db'].forEach((what, j) => {
          const scale = Math.max(1, ...Array.from(want[j]!, Math.abs));
          expect(maxAbsDiff(got[j]!, want[j]!) / scale, `${c.name} ${backend} ${what}`).toBeLessThan(1e-5);
        });
      }
    }
  });

  it('is deterministic and leaks no tensors on wasm', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const c = CASES[0]!;
    const first = valueAndGrads(embedConvSameRelu, c, 7);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const again = valueAndGrads(embedConvSameRelu, c, 7);
      again.forEach((a, j) => expect(Array.from(a)).toEqual(Array.from(first[j]!)));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names a glyph id outside the embedding and a channel count it does not take', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const table = tf.zeros([4, 2]) as tf.Tensor2D;
    const k8 = tf.zeros([3, 3, 2, 8]) as tf.Tensor4D;
    const k6 = tf.zeros([3, 3, 2, 6]) as tf.Tensor4D;
    const ids = tf.tensor3d([0, 1, 4, 2], [1, 2, 2], 'int32');
    expect(() => embedConvSameRelu(table, ids, k8, tf.zeros([8]))).toThrow(/glyph id 4 is outside .*0\.\.3/);
    expect(() => embedConvSameRelu(table, ids, k6, tf.zeros([6]))).toThrow(/multiple of 8 output channels, got 6/);
    tf.dispose([table, k8, k6, ids]);
  });

  it('ObsEncoder takes it for a first convolution of 8k channels, else the two ops: the same features', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const space = new Dict({ glyphs_crop: new Box(0, 19, [5, 5], 'int16') });
    const ids = Int32Array.from({ length: 3 * 25 }, (_, i) => (i * 7) % 20);
    for (const channels of [
      [16, 8],
      [12, 8],
    ]) {
      const net = resolveNetworkConfig({ glyph: { embedDim: 4, channels, kernel: 3, features: 16 } });
      const store = new ParamStore('p');
      const enc = new ObsEncoder(space, net, store, new Rng(3));
      const x = tf.tensor3d(ids, [3, 5, 5], 'int32');
      const got = tf.tidy(() => enc.encode([x]).dataSync() as Float32Array);
      // the same weights through embedLookup and convSameRelu for every layer, then the dense layer
      const [embed, k0, b0, k1, b1, W, b] = store.list() as tf.Tensor[];
      const want = tf.tidy(() => {
        let h = embedLookup(embed as tf.Tensor2D, x) as tf.Tensor4D;
        h = convSameRelu(h, k0 as tf.Tensor4D, b0 as tf.Tensor1D);
        h = convSameRelu(h, k1 as tf.Tensor4D, b1 as tf.Tensor1D);
        return applyDense({ W: W as tf.Variable, b: b as tf.Variable }, tf.reshape(h, [3, -1]), 'relu').dataSync();
      }) as Float32Array;
      expect(got.length, `channels ${channels}`).toBe(3 * 16);
      expect(want.filter((v) => v > 0).length, `channels ${channels}`).toBeGreaterThan(0);
      expect(maxAbsDiff(got, want), `channels ${channels}`).toBeLessThan(1e-5);
      tf.dispose(x);
      store.list().forEach((v) => v.dispose());
    }
  });
});
