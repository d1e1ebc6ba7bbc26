import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PPO_PARAMS, PpoAgent } from '../../agents/ppo.js';
import { resolveParams } from '../../src/core/params.js';
import { Rng } from '../../src/core/rng.js';
import { Box, Dict, Discrete } from '../../src/core/spaces.js';
import type { AnnotatedBatch } from '../../src/stream/batch.js';
import { initBackend, setBackendLogger } from '../../src/tensor/backend.js';
import { DirectMlp } from '../../src/tensor/direct-mlp.js';
import { Mlp } from '../../src/tensor/network.js';
import { ParamStore } from '../../src/tensor/params.js';
import { WasmKernels } from '../../src/tensor/wasm-direct.js';

beforeAll(async () => {
  setBackendLogger(() => {});
  process.env.RXGYM_BACKEND = 'wasm';
  await initBackend();
});

const bits = (a: Float32Array | Uint8Array): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('direct kernels (the wasm backend without the engine)', () => {
  it('an Mlp forward and its gradients are bit for bit those of tfjs', () => {
    const k = WasmKernels.forActiveBackend()!;
    expect(k).toBeDefined();
    for (const act of ['tanh', 'relu'] as const) {
      const store = new ParamStore(`t-${act}`);
      const rng = new Rng(3);
      const mlp = new Mlp(store, 'm', 5, [32, 16], 3, 0.01, act, rng);
      const dm = new DirectMlp(k, mlp, 5);
      const params = store.list();
      const offsets = new Map<tf.Variable, number>();
      let total = 0;
      for (const p of params) {
        offsets.set(p, total);
        total += p.size;
      }
      for (const rows of [3, 64]) {
        const x = Float32Array.from({ length: rows * 5 }, () => rng.normal());
        const dOut = Float32Array.from({ length: rows * 3 }, () => rng.normal());
        const input = k.alloc(rows * 5);
        input.view().set(x);
        const out = dm.forward(input.id, rows).view().slice();
        const ref = tf.tidy(() => mlp.apply(tf.tensor2d(x, [rows, 5])));
        expect(bits(out), `${act} forward, ${rows} rows`).toBe(bits(ref.dataSync() as Float32Array));
        ref.dispose();
        const grads = new Float32Array(total);
        const offs = mlp.dense.map((l) => [offsets.get(l.W)!, offsets.get(l.b)!] as [number, number]);
        dm.backward(input, rows, dOut, grads, offs);
        const loss = (): tf.Scalar =>
          tf.sum(tf.mul(mlp.apply(tf.tensor2d(x, [rows, 5])), tf.tensor2d(dOut, [rows, 3])));
        const { value, grads: g } = tf.variableGrads(loss, params);
        for (const p of params) {
          const mine = grads.subarray(offsets.get(p)!, offsets.get(p)! + p.size);
          expect(bits(mine), `${act} gradient of ${p.name}, ${rows} rows`).toBe(
            bits(g[p.name]!.dataSync() as Float32Array),
          );
        }
        tf.dispose([value, ...Object.values(g)]);
      }
      store.dispose();
    }
    k.dispose();
  });

  type Obs = (rng: Rng, B: number) => AnnotatedBatch['obs'];
  const flatObs: Obs = (rng, B) => ({
    pos: { data: Float32Array.from({ length: B * 3 }, () => rng.normal()), shape: [3] },
    room: { data: Int32Array.from({ length: B }, () => rng.int(0, 4)), shape: [] },
  });
  const letters = 'you see a key here. the door opens';
  const dungeonObs: Obs = (rng, B) => ({
    blstats: { data: Int32Array.from({ length: B * 4 }, () => rng.int(0, 100)), shape: [4] },
    // few glyph ids, so cells share embedding rows (their gradients add up)
    glyphs_crop: { data: Int16Array.from({ length: B * 9 }, () => rng.int(0, 6)), shape: [3, 3] },
    message: {
      data: Uint8Array.from({ length: B * 16 }, (_, i) =>
        i % 16 < 12 && rng.random() < 0.7 ? letters.charCodeAt(rng.int(0, letters.length)) : 0,
      ),
      shape: [16],
    },
  });

  /** A batch of T x N random transitions, with action masks. */
  function batch(T: number, N: number, A: number, seed: number, obsOf: Obs = flatObs): AnnotatedBatch {
    const rng = new Rng(seed);
    const B = T * N;
    const obs = () => obsOf(rng, B);
    const actions = Int32Array.from({ length: B }, () => rng.int(0, A));
    const masks = Uint8Array.from({ length: B * A }, (_, i) =>
      i % A === actions[Math.floor(i / A)] ? 1 : rng.int(0, 2),
    );
    const rewards = Float32Array.from({ length: B }, () => (rng.random() < 0.1 ? 1 : 0));
    const intrinsic = Float32Array.from({ length: B }, () => rng.random() * 0.1);
    return {
      numSteps: T,
      numEnvs: N,
      obs: obs(),
      nextObs: obs(),
      actions,
      actionDim: 1,
      actionMasks: masks,
      rewards,
      terminations: Uint8Array.from({ length: B }, () => (rng.random() < 0.05 ? 1 : 0)),
      truncations: Uint8Array.from({ length: B }, () => (rng.random() < 0.02 ? 1 : 0)),
      globalStep: 0,
      episodeIds: new Int32Array(B),
      episodeSteps: new Int32Array(B),
      extras: {
        logProb: Float32Array.from({ length: B }, () => -rng.random() * 2),
        value: Float32Array.from({ length: B * 2 }, () => rng.normal() * 0.1),
      },
      components: {},
      total: Float32Array.from(rewards, (r, i) => r + intrinsic[i]!),
      groups: { extrinsic: rewards, intrinsic },
      episodic: { extrinsic: true, intrinsic: false },
    } as unknown as AnnotatedBatch;
  }

  const flatSpace = new Dict({ pos: new Box(-10, 10, [3], 'float32'), room: new Discrete(4) });
  const dungeonSpace = new Dict({
    blstats: new Box(0, 100, [4], 'int32'),
    glyphs_crop: new Box(0, 5, [3, 3], 'int16'),
    message: new Box(0, 255, [16], 'uint8'),
  });
  const dungeonNet = { glyph: { embedDim: 4, channels: [], features: 8 }, message: { buckets: 32, features: 8 } };

  /** Train a fresh PPO agent on `batches` with the given params; its weights, statistics and an act's extras. */
  function train(space: Dict, textKeys: string[], obsOf: Obs, given: Record<string, unknown>, batches: number) {
    const hp = resolveParams('agent', { valueHeads: 'split', ...given }, PPO_PARAMS);
    const ctx = {
      observationSpace: space,
      actionSpace: new Discrete(3),
      numEnvs: 4,
      seed: 7,
      totalSteps: 4096,
      textKeys,
    };
    const agent = new PpoAgent(hp, ctx);
    const direct = (agent as unknown as { direct?: object }).direct !== undefined;
    const stats = Array.from({ length: batches }, (_, i) => agent.learn(batch(16, 4, 3, i + 1, obsOf)));
    const acted = agent.act(batch(1, 4, 3, 99, obsOf).obs, 4);
    const weights = (agent as unknown as { store: ParamStore }).store.snapshot().map((e) => bits(e.data));
    agent.dispose();
    return { direct, stats, weights, logProb: bits(acted.extras!.logProb!), value: bits(acted.extras!.value!) };
  }

  it('PPO on flat observations: the direct kernels (auto) learn the weights of the tape bit for bit', () => {
    for (const clipVloss of [true, false]) {
      const given = { clipVloss, numMinibatches: 2, updateEpochs: 2 };
      const tape = train(flatSpace, [], flatObs, { ...given, kernels: 'tape' }, 2);
      const auto = train(flatSpace, [], flatObs, given, 2);
      expect([tape.direct, auto.direct]).toEqual([false, true]);
      const { direct: _a, ...t } = tape;
      const { direct: _b, ...d } = auto;
      expect(d, `clipVloss ${clipVloss}`).toEqual(t);
    }
  });

  it('PPO with glyph-embedding and message layers: auto keeps the tape; direct agrees on the first update', () => {
    const textKeys = ['message'];
    expect(train(dungeonSpace, textKeys, dungeonObs, { network: dungeonNet }, 0).direct).toBe(false);
    // One update (one minibatch step): the same gradient bit for bit. From the second update on, the tape's gradient
    // differs from the same formula recomputed with tfjs ops outside the tape (the direct one matches that
    // recomputation), so only the first update is compared.
    for (const clipVloss of [true, false]) {
      const given = { clipVloss, numMinibatches: 1, updateEpochs: 1, network: dungeonNet };
      const tape = train(dungeonSpace, textKeys, dungeonObs, { ...given, kernels: 'tape' }, 1);
      const direct = train(dungeonSpace, textKeys, dungeonObs, { ...given, kernels: 'direct' }, 1);
      expect([tape.direct, direct.direct]).toEqual([false, true]);
      expect(direct.weights, `clipVloss ${clipVloss}`).toEqual(tape.weights);
      expect(direct.stats).toEqual(tape.stats);
      expect(direct.logProb).toBe(tape.logProb);
    }
  });

  it("kernels: 'direct' where it cannot run is an error naming the fix", () => {
    const conv = { network: { glyph: { embedDim: 4, channels: [4], features: 8 } }, kernels: 'direct' };
    expect(() => train(dungeonSpace, ['message'], dungeonObs, conv, 0)).toThrow(/kernels: 'auto'/);
  });
});
