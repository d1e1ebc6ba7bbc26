import * as tf from '@tensorflow/tfjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { Box, Dict } from '../../src/core/spaces.js';
import { Adam } from '../../src/tensor/adam.js';
import { initBackend, setBackendLogger } from '../../src/tensor/backend.js';
import { orthogonal } from '../../src/tensor/init.js';
import { loadWeights, saveWeights } from '../../src/tensor/io.js';
import { hashNgrams } from '../../src/tensor/ngram.js';
import { ObsEncoder, resolveNetworkConfig } from '../../src/tensor/network.js';
import { ParamStore } from '../../src/tensor/params.js';

beforeAll(async () => {
  setBackendLogger(() => {});
  await initBackend();
});

describe('backend', () => {
  it('picks wasm here (tfjs-node is not installed) and logs once', async () => {
    expect(await initBackend()).toBe('wasm');
  });

  it('a forced backend that is missing fails with the install command; an unknown one lists the choices', async () => {
    for (const [value, msg] of [
      ['node', 'npm install @tensorflow/tfjs-node@4.22.0'],
      ['node-gpu', 'npm install @tensorflow/tfjs-node-gpu'],
      ['tpu', 'use one of node-gpu, node, wasm, cpu'],
    ] as const) {
      vi.resetModules();
      process.env.RXGYM_BACKEND = value;
      try {
        const mod = await import('../../src/tensor/backend.js');
        mod.setBackendLogger(() => {});
        await expect(mod.initBackend()).rejects.toThrow(msg);
      } finally {
        delete process.env.RXGYM_BACKEND;
      }
    }
    vi.resetModules();
    process.env.RXGYM_BACKEND = 'cpu';
    try {
      const mod = await import('../../src/tensor/backend.js');
      const lines: string[] = [];
      mod.setBackendLogger((l) => lines.push(l));
      expect(await mod.initBackend()).toBe('cpu');
      expect(lines).toEqual(['rxgym: tensor backend cpu (forced by RXGYM_BACKEND)']);
      await tf.setBackend('wasm');
    } finally {
      delete process.env.RXGYM_BACKEND;
    }
  });
});

describe('networks', () => {
  it('orthogonal init has orthonormal columns (tall) or rows (wide), scaled by the gain', () => {
    for (const [r, c] of [
      [8, 3],
      [3, 8],
    ] as const) {
      const w = orthogonal(r, c, 2, new Rng(1));
      const k = Math.min(r, c);
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) {
          let dot = 0;
          for (let i = 0; i < Math.max(r, c); i++)
            dot += r >= c ? w[i * c + a]! * w[i * c + b]! : w[a * c + i]! * w[b * c + i]!;
          expect(dot).toBeCloseTo(a === b ? 4 : 0, 4);
        }
    }
  });

  it('hashed n-grams: same text same features, different text different, empty line zero', () => {
    const enc = (s: string): Float32Array => {
      const bytes = new Uint8Array(32);
      for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
      const out = new Float32Array(64);
      hashNgrams(bytes, 0, 32, [2, 3], 64, out, 0);
      return out;
    };
    expect(enc('You see a key.')).toEqual(enc('You see a key.'));
    expect(enc('You see a key.')).not.toEqual(enc('It is locked.'));
    expect(enc('').every((x) => x === 0)).toBe(true);
  });

  it('encodes Dict observations: glyph CNN + message n-grams + flat vector', () => {
    const space = new Dict({
      glyphs_crop: new Box(0, 99, [5, 5], 'int16'),
      message: new Box(0, 255, [16], 'uint8'),
      pos: new Box(-1, 1, [2], 'float32'),
    });
    const cfg = resolveNetworkConfig({
      glyph: { embedDim: 4, channels: [8], kernel: 3, features: 12 },
      message: { buckets: 32, ngrams: [2], features: 6 },
    });
    const store = new ParamStore('t');
    const enc = new ObsEncoder(space, cfg, store, new Rng(2), ['message']);
    expect(enc.featureDim).toBe(12 + 6 + 2);
    const n = 3;
    const obs = {
      glyphs_crop: { data: new Int16Array(n * 25).map((_, i) => i % 100), shape: [5, 5] },
      message: { data: new Uint8Array(n * 16).fill(97), shape: [16] },
      pos: { data: new Float32Array(n * 2).fill(0.5), shape: [2] },
    };
    const f = tf.tidy(() => enc.encode(enc.toTensors(obs, n)));
    expect(f.shape).toEqual([n, 20]);
    expect(Number.isFinite(f.dataSync()[0]!)).toBe(true);
    f.dispose();
    store.dispose();
  });

  it('encodes the text keys the env declares, and only those', () => {
    const text = new Box(0, 255, [16], 'uint8');
    const space = new Dict({ chat: text, message: text, pos: new Box(-1, 1, [2], 'float32') });
    const cfg = resolveNetworkConfig({ message: { buckets: 32, ngrams: [2], features: 6 } });
    const dim = (textKeys?: readonly string[]): number => {
      const store = new ParamStore('txt');
      const d = new ObsEncoder(space, cfg, store, new Rng(1), textKeys).featureDim;
      store.dispose();
      return d;
    };
    expect(dim(['chat'])).toBe(6 + 16 + 2); // chat through the n-gram encoder, message as a flat vector
    expect(dim(['chat', 'message'])).toBe(6 + 6 + 2);
    expect(dim([])).toBe(16 + 16 + 2); // declared none: no text encoder, whatever the key names
    expect(dim(['gone'])).toBe(16 + 16 + 2); // a declared key a wrapper removed is ignored
    expect(dim()).toBe(16 + 16 + 2); // no declaration: no text keys (key names are never guessed from)
    expect(() => new ObsEncoder(space, cfg, new ParamStore('bad'), new Rng(1), ['pos'])).toThrow(
      /^observation "pos" is declared a text key but is a float32 Box of shape \[2\]; a text key must be/,
    );
  });

  it('weights round-trip through save/load exactly', () => {
    const store = new ParamStore('rt');
    store.dense('l', 5, 7, 1, new Rng(3));
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-w-'));
    saveWeights(dir, 'net', store.snapshot(), { note: 'x' });
    const other = new ParamStore('rt');
    other.dense('l', 5, 7, 1, new Rng(99));
    const loaded = loadWeights(dir, 'net');
    expect(loaded.meta.note).toBe('x');
    other.restore(loaded.entries);
    expect(other.snapshot().map((e) => [...e.data])).toEqual(store.snapshot().map((e) => [...e.data]));
    const wrong = new ParamStore('rt');
    wrong.dense('l', 5, 8, 1, new Rng(3));
    expect(() => wrong.restore(loaded.entries)).toThrow(/has shape \[5,7\], the network expects \[5,8\]/);
    for (const s of [store, other, wrong]) s.dispose();
  });

  it('Adam minimises a quadratic; a restored snapshot continues identically', () => {
    const run = (split: boolean): number[] => {
      const x = tf.variable(tf.tensor1d([3, -2]));
      let opt = new Adam([x], { lr: 0.1, maxGradNorm: 1 });
      const loss = (): tf.Scalar => tf.sum(tf.square(tf.sub(x, tf.tensor1d([1, 1])))) as tf.Scalar;
      for (let i = 0; i < 50; i++) {
        if (split && i === 25) {
          const s = opt.snapshot('a');
          opt = new Adam([x], { lr: 0.1, maxGradNorm: 1 });
          opt.restore('a', s.t, s.entries);
        }
        opt.step(loss);
      }
      const v = [...x.dataSync()];
      x.dispose();
      return v;
    };
    const a = run(false);
    expect(Math.abs(a[0]! - 1)).toBeLessThan(0.2);
    expect(Math.abs(a[1]! - 1)).toBeLessThan(0.2);
    expect(run(true)).toEqual(a);
  });
});
