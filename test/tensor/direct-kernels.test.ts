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

  /** A batch of T x N random transitions of a Dict(Box, Discrete) observation, with action masks. */
  function batch(T: number, N: number, A: number, seed: number): AnnotatedBatch {
    const rng = new Rng(seed);
    const B = T * N;
    const obs = () => ({
      pos: { data: Float32Array.from({ length: B * 3 }, () => rng.normal()), shape: [3] },
      room: { data: Int32Array.from({ length: B }, () => rng.int(0, 4)), shape: [] as number[] },
    });
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

  it('PPO learns the same weights and statistics with direct kernels as on the tape (masks, split heads)', () => {
    const observationSpace = new Dict({ pos: new Box(-10, 10, [3], 'float32'), room: new Discrete(4) });
    const actionSpace = new Discrete(3);
    for (const clipVloss of [true, false]) {
      const run = (direct: boolean) => {
        const prev = process.env.RXGYM_DIRECT_KERNELS;
        process.env.RXGYM_DIRECT_KERNELS = direct ? '1' : '0';
        const hp = resolveParams('agent', { valueHeads: 'split', clipVloss, numMinibatches: 2, updateEpochs: 2 }, PPO_PARAMS);
        const agent = new PpoAgent(hp, { observationSpace, actionSpace, numEnvs: 4, seed: 7, totalSteps: 4096 });
        if (prev === undefined) delete process.env.RXGYM_DIRECT_KERNELS;
        else process.env.RXGYM_DIRECT_KERNELS = prev;
        expect((agent as unknown as { direct?: object }).direct !== undefined).toBe(direct);
        const stats = [agent.learn(batch(16, 4, 3, 1)), agent.learn(batch(16, 4, 3, 2))];
        const acted = agent.act(batch(1, 4, 3, 3).obs, 4);
        const weights = (agent as unknown as { store: ParamStore }).store.snapshot().map((e) => bits(e.data));
        agent.dispose();
        return { stats, weights, acted };
      };
      const tape = run(false);
      const direct = run(true);
      expect(direct.weights, `clipVloss ${clipVloss}`).toEqual(tape.weights);
      expect(direct.stats).toEqual(tape.stats);
      expect(bits(direct.acted.extras!.logProb!)).toBe(bits(tape.acted.extras!.logProb!));
      expect(bits(direct.acted.extras!.value!)).toBe(bits(tape.acted.extras!.value!));
    }
  });
});
