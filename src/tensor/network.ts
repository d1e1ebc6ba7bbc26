import * as tf from '@tensorflow/tfjs';
import { Box, Dict, Discrete, MultiBinary, flatdim, type Space, type TypedArray } from '../core/spaces.js';
import { RxgymError } from '../core/env.js';
import type { Rng } from '../core/rng.js';
import type { ObsBatch } from '../core/obs-batch.js';
import { applyDense, type DenseParams, type ParamStore } from './params.js';
import { orthogonal } from './init.js';
import { hashNgrams } from './ngram.js';
import type { NetworkOverrides } from './network-params.js';
import { embedConvFits, embedConvSameRelu } from './embed-conv.js';

/** One network config for every agent: MLP torso, glyph CNN for 2-D integer maps, n-gram encoder for message lines. */
export interface NetworkConfig {
  /** Hidden layer sizes of each MLP head (actor, critic, Q). */
  hidden: number[];
  activation: 'tanh' | 'relu';
  /** Glyph-embedding CNN for 2-D integer observations (dungeon crops). */
  glyph: { embedDim: number; channels: number[]; kernel: number; features: number };
  /** Hashed character n-gram encoder for the text keys (1-D uint8 message lines the env declares as text). */
  message: { buckets: number; ngrams: number[]; features: number };
  /** Token embedding for the token keys (integer arrays of token ids the env declares as tokens). */
  token: { embedDim: number; features: number };
}

/** Defaults: CleanRL's 64x64 tanh MLP; a small CNN for crops. */
export const DEFAULT_NETWORK: NetworkConfig = {
  hidden: [64, 64],
  activation: 'tanh',
  glyph: { embedDim: 16, channels: [32, 32], kernel: 3, features: 128 },
  message: { buckets: 256, ngrams: [2, 3], features: 64 },
  token: { embedDim: 8, features: 128 },
};

/** Fill in missing fields of a partial network config. */
export function resolveNetworkConfig(
  partial: NetworkOverrides | undefined,
  base: NetworkConfig = DEFAULT_NETWORK,
): NetworkConfig {
  return {
    hidden: partial?.hidden ?? base.hidden,
    activation: partial?.activation ?? base.activation,
    glyph: { ...base.glyph, ...(partial?.glyph ?? {}) },
    message: { ...base.message, ...(partial?.message ?? {}) },
    token: { ...base.token, ...(partial?.token ?? {}) },
  };
}

type Part =
  | { kind: 'flat'; key: string; space: Space<unknown>; dim: number }
  | { kind: 'glyph'; key: string; h: number; w: number; vocab: number }
  | { kind: 'message'; key: string; length: number }
  | { kind: 'token'; key: string; length: number; vocab: number };

function isIntBox(s: Space<unknown>): s is Box {
  return s instanceof Box && s.dtype !== 'float32' && s.dtype !== 'float64';
}

function isTextBox(s: Space<unknown>): s is Box {
  return s instanceof Box && s.dtype === 'uint8' && s.shape.length === 1;
}

function classify(key: string, space: Space<unknown>, text: boolean, token = false): Part {
  if (token) {
    let hi = -Infinity;
    if (isIntBox(space)) for (const x of space.high) hi = Math.max(hi, x);
    if (!isIntBox(space) || !Number.isFinite(hi) || hi > 1 << 20) {
      const what = space instanceof Box ? `a ${space.dtype} Box with high ${hi}` : `a ${space.constructor.name}`;
      throw new RxgymError(
        `observation "${key}" is declared a token key but is ${what}; ` +
          'a token key must be an integer Box whose finite high (the largest token id) is at most 1048576',
      );
    }
    return { kind: 'token', key, length: space.size, vocab: hi + 1 };
  }
  if (text) {
    if (!isTextBox(space)) {
      const what =
        space instanceof Box
          ? `a ${space.dtype} Box of shape [${space.shape.join(', ')}]`
          : `a ${space.constructor.name}`;
      throw new RxgymError(
        `observation "${key}" is declared a text key but is ${what}; a text key must be a 1-D uint8 Box of char codes`,
      );
    }
    return { kind: 'message', key, length: space.shape[0]! };
  }
  if (isIntBox(space) && space.shape.length === 2) {
    let hi = 0;
    for (const x of space.high) hi = Math.max(hi, x);
    if (!Number.isFinite(hi) || hi > 1 << 16)
      throw new RxgymError(
        `observation "${key}": a 2-D integer map needs a finite high (glyph id) <= 65536, got ${hi}`,
      );
    return { kind: 'glyph', key, h: space.shape[0]!, w: space.shape[1]!, vocab: hi + 1 };
  }
  if (space instanceof Box || space instanceof Discrete || space instanceof MultiBinary)
    return { kind: 'flat', key, space, dim: flatdim(space) };
  throw new RxgymError(
    `observation "${key}" has a space the networks cannot encode (${space.constructor.name}); wrap the env with ` +
      `FlattenObservation`,
  );
}

/** TF 'same' padding at stride 1 for a kh x kw kernel: total k-1, the smaller half before. */
function samePads(kh: number, kw: number): [[number, number], [number, number], [number, number], [number, number]] {
  const top = Math.floor((kh - 1) / 2);
  const left = Math.floor((kw - 1) / 2);
  return [
    [0, 0],
    [top, kh - 1 - top],
    [left, kw - 1 - left],
    [0, 0],
  ];
}

/**
 * The sum of a [B,H,W,O] tensor over B, H and W as a [1,N]x[N,O] matMul with ones: on wasm 3-4x faster than
 * tf.sum(x, [0, 1, 2]), which transposes the reduced axes to the end first (0.4-0.55 ms against 1.2-2.0 ms for 256
 * 9x9x32 cells, a new tensor every call).
 */
function sumOverCells(x: tf.Tensor4D): tf.Tensor1D {
  const O = x.shape[3];
  const n = x.size / O;
  return tf.tidy(() => tf.reshape(tf.matMul(tf.ones([1, n]), tf.reshape(x, [n, O])), [O]) as tf.Tensor1D);
}

/**
 * relu(conv2d(x, k, stride 1, 'same') + b), x [B,H,W,C], k [kh,kw,C,O], b [O] -> [B,H,W,O], with a hand-written
 * gradient made only of forward convolutions, because the wasm backend lacks Conv2DBackpropFilter and its
 * Conv2DBackpropInput and transposed matMuls are naive loops (~10x slower than XNNPACK's conv2d and plain matMul):
 * - forward: one tf.conv2d (XNNPACK on wasm) + bias + relu;
 * - dz = dy * (y > 0); db = sum of dz over B, H, W;
 * - dx = conv2d(dz, k flipped in space with in/out channels swapped), padding mirrored ("full" correlation);
 * - dk[i,j,c,o] = sum_{b,h,w} xpad[b,h+i,w+j,c] dz[b,h,w,o]: a 'valid' conv2d whose batch is C and whose channels
 *   are B (input xpad transposed to [C,Hp,Wp,B], filter dz transposed to [H,W,B,O]), output [C,kh,kw,O].
 * Same values and gradients as tf.conv2d's (checked against tf.grads on the cpu backend in test/tensor/conv.test.ts).
 */
export function convSameRelu(x: tf.Tensor4D, k: tf.Tensor4D, b: tf.Tensor1D): tf.Tensor4D {
  const C = x.shape[3];
  const [kh, kw, kc] = k.shape;
  if (kc !== C) throw new RxgymError(`conv kernel expects ${kc} input channels but the input has ${C}`);
  const pads = samePads(kh, kw);
  // The input gradient's padding is the mirror image: what was after comes before.
  const backPads: typeof pads = [
    [0, 0],
    [pads[1][1], pads[1][0]],
    [pads[2][1], pads[2][0]],
    [0, 0],
  ];
  const conv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xx = args[0] as tf.Tensor4D;
    const kk = args[1] as tf.Tensor4D;
    const bb = args[2] as tf.Tensor1D;
    const save = args[3] as tf.GradSaveFunc;
    const y = tf.tidy(() => tf.relu(tf.add(tf.conv2d(xx, kk, 1, pads), bb)) as tf.Tensor4D);
    save([xx, kk, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sk, sy] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
        const dz = tf.mul(dy, tf.step(sy)) as tf.Tensor4D;
        const db = sumOverCells(dz);
        const kFlip = tf.transpose(tf.reverse(sk, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [kh,kw,O,C]
        const dx = tf.conv2d(dz, kFlip, 1, backPads);
        const xPadT = tf.transpose(tf.pad(sx, pads), [3, 1, 2, 0]) as tf.Tensor4D; // [C,Hp,Wp,B]
        const dzT = tf.transpose(dz, [1, 2, 0, 3]) as tf.Tensor4D; // [H,W,B,O]
        const dk = tf.transpose(tf.conv2d(xPadT, dzT, 1, 'valid'), [1, 2, 0, 3]); // [kh,kw,C,O]
        return [dx, dk, db];
      },
    };
  });
  return conv(x, k, b) as tf.Tensor4D;
}

/**
 * Embedding lookup table[ids] -> [...ids.shape, E] whose gradient is a scatterND sum (duplicate ids add up) instead of
 * tf.gather's UnsortedSegmentSum, which the wasm backend does not register. The lookup itself is a gatherND (row
 * copies): on wasm it is ~25x faster than GatherV2 (256 x 9x9 ids, E 16: ~0.5 ms vs ~13 ms CPU), same values.
 */
export function embedLookup(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  const [V, E] = table.shape;
  const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const t = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    save([tf.reshape(ids, [-1, 1])]);
    return {
      value: tf.gatherND(t, tf.expandDims(ids, -1)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.scatterND(saved[0]!, tf.reshape(dy, [-1, E]), [V, E])],
    };
  });
  return lookup(table);
}

function toFloat(data: TypedArray): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

/** An MLP with orthogonal init: hidden layers (gain sqrt 2) and an output layer with `outGain`. */
export class Mlp {
  private readonly layers: DenseParams[] = [];
  constructor(
    store: ParamStore,
    name: string,
    inDim: number,
    hidden: number[],
    readonly outDim: number,
    outGain: number,
    private readonly act: NetworkConfig['activation'],
    rng: Rng,
  ) {
    let d = inDim;
    hidden.forEach((h, i) => {
      this.layers.push(store.dense(`${name}/l${i}`, d, h, Math.SQRT2, rng));
      d = h;
    });
    this.layers.push(store.dense(`${name}/out`, d, outDim, outGain, rng));
  }

  /** The dense layers, input first (the direct-kernel path reads their variables). */
  get dense(): readonly DenseParams[] {
    return this.layers;
  }

  /** The hidden layers' activation. */
  get activation(): NetworkConfig['activation'] {
    return this.act;
  }

  /** Forward pass on a [B, inDim] tensor. */
  apply(x: tf.Tensor): tf.Tensor2D {
    let h = x;
    const last = this.layers.length - 1;
    for (let i = 0; i < last; i++)
      h = this.act === 'relu' ? applyDense(this.layers[i]!, h, 'relu') : tf.tanh(applyDense(this.layers[i]!, h));
    return applyDense(this.layers[last]!, h);
  }
}

/**
 * One encoder part for the direct-kernel path: a flat vector (`start`: a Discrete one-hot), a glyph map through its
 * embedding and one dense relu layer (no convolutions), or a message line through hashed n-grams and a dense relu.
 */
export type DirectPart =
  | { kind: 'flat'; key: string; dim: number; start?: number }
  | { kind: 'glyph'; key: string; cells: number; embedDim: number; embed: tf.Variable; out: DenseParams }
  | { kind: 'message'; key: string; length: number; buckets: number; ngrams: number[]; out: DenseParams };

/**
 * Turns observations into a feature vector: flat parts are concatenated as they are, 2-D integer maps go through
 * a glyph-embedding CNN, the text keys (message lines; `textKeys`, from the env's capabilities) through hashed
 * n-grams and a dense layer. Declared text keys the space does not have (a wrapper removed them) are ignored.
 * The token keys (`tokenKeys`, from the env's capabilities) share one embedding table; the embedded tokens of all
 * of them, concatenated, go through one dense layer (one small matmul instead of a CNN per key).
 */
export class ObsEncoder {
  private readonly parts: Part[];
  readonly featureDim: number;
  private readonly glyphParams = new Map<
    string,
    { embed: tf.Variable; convs: { k: tf.Variable; b: tf.Variable }[]; out: DenseParams }
  >();
  private readonly msgParams = new Map<string, DenseParams>();
  private tokenParams: { embed: tf.Variable; out: DenseParams } | undefined;

  constructor(
    space: Space<unknown>,
    private readonly cfg: NetworkConfig,
    store: ParamStore,
    rng: Rng,
    textKeys?: readonly string[],
    tokenKeys?: readonly string[],
  ) {
    const text = new Set(textKeys ?? []);
    const token = new Set(tokenKeys ?? []);
    this.parts =
      space instanceof Dict
        ? Object.keys(space.spaces)
            .sort()
            .map((k) => classify(k, space.spaces[k]!, text.has(k), token.has(k)))
        : [classify('obs', space, text.has('obs'), token.has('obs'))];
    let dim = 0;
    const tokens = this.parts.filter((p) => p.kind === 'token');
    if (tokens.length > 0) {
      const t = cfg.token;
      const vocab = Math.max(...tokens.map((p) => p.vocab));
      const embedVals = new Float32Array(vocab * t.embedDim);
      for (let i = 0; i < embedVals.length; i++) embedVals[i] = rng.normal();
      const embed = store.add('tokens/embed', [vocab, t.embedDim], embedVals);
      const length = tokens.reduce((a, p) => a + p.length, 0);
      this.tokenParams = { embed, out: store.dense('tokens/fc', length * t.embedDim, t.features, Math.SQRT2, rng) };
      dim += t.features;
    }
    for (const p of this.parts) {
      if (p.kind === 'token') continue;
      if (p.kind === 'flat') dim += p.dim;
      else if (p.kind === 'glyph') {
        const g = cfg.glyph;
        const embedVals = new Float32Array(p.vocab * g.embedDim);
        for (let i = 0; i < embedVals.length; i++) embedVals[i] = rng.normal();
        const embed = store.add(`${p.key}/embed`, [p.vocab, g.embedDim], embedVals);
        const convs: { k: tf.Variable; b: tf.Variable }[] = [];
        let cin = g.embedDim;
        g.channels.forEach((cout, i) => {
          const fan = g.kernel * g.kernel * cin;
          convs.push({
            k: store.add(
              `${p.key}/conv${i}/k`,
              [g.kernel, g.kernel, cin, cout],
              orthogonal(fan, cout, Math.SQRT2, rng),
            ),
            b: store.add(`${p.key}/conv${i}/b`, [cout], new Float32Array(cout)),
          });
          cin = cout;
        });
        const out = store.dense(`${p.key}/fc`, p.h * p.w * cin, g.features, Math.SQRT2, rng);
        this.glyphParams.set(p.key, { embed, convs, out });
        dim += g.features;
      } else {
        this.msgParams.set(
          p.key,
          store.dense(`${p.key}/fc`, cfg.message.buckets, cfg.message.features, Math.SQRT2, rng),
        );
        dim += cfg.message.features;
      }
    }
    this.featureDim = dim;
  }

  /**
   * The parts as the direct-kernel path runs them (src/tensor/direct-encoder.ts), in feature order; undefined when
   * some part is one that path does not run (token keys, glyph convolutions).
   */
  directParts(): DirectPart[] | undefined {
    if (this.tokenParams) return undefined;
    const out: DirectPart[] = [];
    for (const p of this.parts) {
      if (p.kind === 'flat') {
        out.push({
          kind: 'flat',
          key: p.key,
          dim: p.dim,
          ...(p.space instanceof Discrete ? { start: p.space.start } : {}),
        });
      } else if (p.kind === 'glyph') {
        const g = this.glyphParams.get(p.key)!;
        if (g.convs.length > 0) return undefined;
        out.push({
          kind: 'glyph',
          key: p.key,
          cells: p.h * p.w,
          embedDim: this.cfg.glyph.embedDim,
          embed: g.embed,
          out: g.out,
        });
      } else if (p.kind === 'message') {
        const m = this.cfg.message;
        out.push({
          kind: 'message',
          key: p.key,
          length: p.length,
          buckets: m.buckets,
          ngrams: m.ngrams,
          out: this.msgParams.get(p.key)!,
        });
      } else return undefined;
    }
    return out;
  }

  /** True when the observation is a plain vector (no CNN, no message encoder). */
  get isFlat(): boolean {
    return this.parts.every((p) => p.kind === 'flat');
  }

  /**
   * Upload `count` observations (rows `start..start+count` of the batch) as input tensors; the caller disposes them.
   */
  toTensors(obs: ObsBatch, count: number, start = 0): tf.Tensor[] {
    return this.parts.map((p) => {
      const arr = obs[p.key];
      if (!arr) throw new RxgymError(`observation batch lacks key "${p.key}"`);
      if (p.kind === 'token') {
        return tf.tensor2d(
          Int32Array.from(arr.data.subarray(start * p.length, (start + count) * p.length)),
          [count, p.length],
          'int32',
        );
      }
      if (p.kind === 'glyph') {
        const n = p.h * p.w;
        const ids = Int32Array.from(arr.data.subarray(start * n, (start + count) * n));
        return tf.tensor3d(ids, [count, p.h, p.w], 'int32');
      }
      if (p.kind === 'message') {
        const b = this.cfg.message.buckets;
        const feats = new Float32Array(count * b);
        for (let r = 0; r < count; r++)
          hashNgrams(arr.data, (start + r) * p.length, p.length, this.cfg.message.ngrams, b, feats, r * b);
        return tf.tensor2d(feats, [count, b]);
      }
      if (p.space instanceof Discrete) {
        const oh = new Float32Array(count * p.dim);
        for (let r = 0; r < count; r++) oh[r * p.dim + (arr.data[start + r]! - p.space.start)] = 1;
        return tf.tensor2d(oh, [count, p.dim]);
      }
      const slice = arr.data.subarray(start * p.dim, (start + count) * p.dim);
      return tf.tensor2d(toFloat(slice as TypedArray), [count, p.dim]);
    });
  }

  /** Rows `idx` of uploaded inputs. */
  gather(inputs: tf.Tensor[], idx: tf.Tensor1D): tf.Tensor[] {
    return inputs.map((x) => tf.gather(x, idx));
  }

  /** Features [B, featureDim] of uploaded inputs. */
  encode(inputs: tf.Tensor[]): tf.Tensor2D {
    const feats: tf.Tensor[] = [];
    if (this.tokenParams) {
      const ids = this.parts.flatMap((p, i) => (p.kind === 'token' ? [inputs[i]!] : []));
      const all = ids.length === 1 ? ids[0]! : tf.concat(ids, 1); // [B, L]
      const e = embedLookup(this.tokenParams.embed as tf.Tensor2D, all); // [B, L, E]
      feats.push(applyDense(this.tokenParams.out, tf.reshape(e, [e.shape[0]!, -1]), 'relu'));
    }
    this.parts.forEach((p, i) => {
      const x = inputs[i]!;
      if (p.kind === 'token') return;
      feats.push(this.encodePart(p, x));
    });
    return (feats.length === 1 ? feats[0]! : tf.concat(feats, 1)) as tf.Tensor2D;
  }

  private encodePart(p: Exclude<Part, { kind: 'token' }>, x: tf.Tensor): tf.Tensor {
    if (p.kind === 'flat') return x;
    if (p.kind === 'message') return applyDense(this.msgParams.get(p.key)!, x, 'relu');
    const g = this.glyphParams.get(p.key)!;
    const first = g.convs[0];
    // the embedding and the first convolution as one op (embed-conv.ts: the same function, far fewer multiply-adds)
    const fused = first !== undefined && embedConvFits(first.k.shape[3]!);
    let h: tf.Tensor = fused
      ? embedConvSameRelu(g.embed as tf.Tensor2D, x as tf.Tensor3D, first.k as tf.Tensor4D, first.b as tf.Tensor1D)
      : embedLookup(g.embed as tf.Tensor2D, x); // [B, H, W, E]
    for (const c of g.convs.slice(fused ? 1 : 0))
      h = convSameRelu(h as tf.Tensor4D, c.k as tf.Tensor4D, c.b as tf.Tensor1D);
    // the CNN's dense layer (2592 inputs by default): gradients with the large operand on the left (matmul.ts)
    return applyDense(g.out, tf.reshape(h, [h.shape[0]!, -1]), 'relu', g.convs.length > 0);
  }
}
