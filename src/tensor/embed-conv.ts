import * as tf from '@tensorflow/tfjs';
import { RxgymError } from '../core/env.js';

interface Shape {
  B: number;
  H: number;
  W: number;
  kh: number;
  kw: number;
  top: number;
  left: number;
  O: number;
}

/** Whether embedConvSameRelu takes a convolution of `outChannels` (its sums run eight channels at a time). */
export function embedConvFits(outChannels: number): boolean {
  return outChannels % 8 === 0;
}

/**
 * relu(conv2d(table[ids], k, stride 1, 'same') + b): a glyph embedding and the first convolution over it as one op,
 * ids [B,H,W] int32 in [0, V), table [V,D], k [kh,kw,D,O], b [O] -> [B,H,W,O]. The same function as
 * convSameRelu(embedLookup(table, ids), k, b) (network.ts), computed with far fewer multiply-adds:
 * - the embedding is linear and the first convolution's input is nothing but embedded ids, so what a glyph g at kernel
 *   offset (i,j) adds to an output cell is one row of P = table · k (P[g,i,j,:] = sum_d table[g,d] k[i,j,d,:]),
 *   V·kh·kw·D·O multiply-adds (0.5M for the default dungeon CNN) instead of B·H·W·kh·kw·D·O (96M for a 256-row
 *   minibatch of 9x9 crops): the forward pass is a sum of kh·kw gathered rows per cell;
 * - backward, the gradient of P is S[g,i,j,:] = the sum of dz over the output cells that read glyph g through offset
 *   (i,j) (dz = dy where the output is positive), gathered glyph by glyph; then d table = S · k^T, dk = table^T · S,
 *   db = the sum of S's centre-tap rows (every cell reads itself through that tap). That replaces the input-gradient
 *   and filter-gradient convolutions (192M multiply-adds) and the embedding's scatter.
 * Padding cells are zero in the embedded map, as with convSameRelu: they add nothing. The sums run in JavaScript
 * (float64 accumulators, rounded once), relu and the gradient's mask in the backend's kernels; the values differ from
 * the convolution's by rounding only (~1e-6);
 * test/tensor/embed-conv.test.ts checks values and gradients against convSameRelu(embedLookup(...)).
 */
export function embedConvSameRelu(table: tf.Tensor2D, ids: tf.Tensor3D, k: tf.Tensor4D, b: tf.Tensor1D): tf.Tensor4D {
  const [V, D] = table.shape;
  const [kh, kw, kd, O] = k.shape;
  if (kd !== D) throw new RxgymError(`conv kernel expects ${kd} input channels but the embedding has ${D}`);
  if (!embedConvFits(O)) throw new RxgymError(`embedConvSameRelu needs a multiple of 8 output channels, got ${O}`);
  if (ids.dtype !== 'int32') throw new RxgymError(`glyph ids must be int32, got ${ids.dtype}`);
  const [B, H, W] = ids.shape;
  const shape: Shape = { B, H, W, kh, kw, top: Math.floor((kh - 1) / 2), left: Math.floor((kw - 1) / 2), O };
  const M = kh * kw * O; // one glyph's row of P: its contribution at every kernel offset
  const id = ids.dataSync() as Int32Array; // kept for the gradient (int32 checked above; tfjs never rewrites values)
  for (let c = 0; c < id.length; c++) {
    const g = id[c]!;
    if (!(g >= 0 && g < V)) throw new RxgymError(`glyph id ${g} is outside the embedding's 0..${V - 1}`);
  }
  const kernelRows = (kk: tf.Tensor4D): tf.Tensor2D => tf.reshape(tf.transpose(kk, [2, 0, 1, 3]), [D, M]); // [D,M]
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const tt = args[0] as tf.Tensor2D;
    const kk = args[1] as tf.Tensor4D;
    const bb = args[2] as tf.Tensor1D;
    const save = args[3] as tf.GradSaveFunc;
    const p = tf.tidy(() => tf.matMul(tt, kernelRows(kk)));
    const P = p.dataSync() as Float32Array;
    p.dispose();
    const sums = tf.tensor4d(forwardSums(id, shape, P, bb.dataSync() as Float32Array), [B, H, W, O]);
    const y = tf.relu(sums) as tf.Tensor4D; // the elementwise parts run in the backend's kernels, not in JavaScript
    sums.dispose();
    save([tt, kk, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [st, sk, sy] = saved as [tf.Tensor2D, tf.Tensor4D, tf.Tensor4D];
        return tf.tidy(() => {
          const dz = tf.mul(dy, tf.step(sy));
          const sums = backwardSums(id, shape, V, dz.dataSync() as Float32Array);
          // every output cell reads its own cell through the centre tap: db is that tap's column of S summed over the
          // glyphs (V·O additions; a tf.sum over B, H, W transposes the whole dz first on wasm)
          const db = new Float32Array(O);
          const centre = (shape.top * kw + shape.left) * O;
          for (let g = 0; g < V; g++) for (let o = 0; o < O; o++) db[o] += sums[g * M + centre + o]!;
          const S = tf.tensor2d(sums, [V, M]);
          const kr = kernelRows(sk);
          const dTable = tf.matMul(S, tf.transpose(kr)); // [V,D]
          const dkr = tf.matMul(tf.transpose(st), S); // [D,M]
          const dk = tf.transpose(tf.reshape(dkr, [D, kh, kw, O]), [1, 2, 0, 3]);
          return [dTable, dk, tf.tensor1d(db)];
        });
      },
    };
  });
  return op(table, k, b) as tf.Tensor4D;
}

/**
 * out[d..d+8] = init[q..q+8] (zeros without `init`) + the sum over r < n of x[at[r]+q .. at[r]+q+8]: eight sums at a
 * time in local accumulators, which V8 keeps in registers (about 2.5x faster than summing into memory: 3.1 against
 * 7.8 ms for the forward sums of a 256-row minibatch). Both passes of the op are made of it.
 */
function sum8(
  x: Float32Array,
  at: Int32Array,
  n: number,
  q: number,
  init: Float32Array | undefined,
  out: Float32Array,
  d: number,
): void {
  let a0 = init ? init[q]! : 0;
  let a1 = init ? init[q + 1]! : 0;
  let a2 = init ? init[q + 2]! : 0;
  let a3 = init ? init[q + 3]! : 0;
  let a4 = init ? init[q + 4]! : 0;
  let a5 = init ? init[q + 5]! : 0;
  let a6 = init ? init[q + 6]! : 0;
  let a7 = init ? init[q + 7]! : 0;
  for (let r = 0; r < n; r++) {
    const p = at[r]! + q;
    a0 += x[p]!;
    a1 += x[p + 1]!;
    a2 += x[p + 2]!;
    a3 += x[p + 3]!;
    a4 += x[p + 4]!;
    a5 += x[p + 5]!;
    a6 += x[p + 6]!;
    a7 += x[p + 7]!;
  }
  out[d] = a0;
  out[d + 1] = a1;
  out[d + 2] = a2;
  out[d + 3] = a3;
  out[d + 4] = a4;
  out[d + 5] = a5;
  out[d + 6] = a6;
  out[d + 7] = a7;
}

/** out[b,h,w,:] = bias + the sum over in-bounds taps (i,j) of P[id[b,h+i-top,w+j-left], i, j, :], O a multiple of 8. */
function forwardSums(id: Int32Array, s: Shape, P: Float32Array, bias: Float32Array): Float32Array {
  const { B, H, W, kh, kw, top, left, O } = s;
  const out = new Float32Array(B * H * W * O);
  const M = kh * kw * O;
  const taps = new Int32Array(kh * kw); // the P offsets of the cell's in-bounds taps
  let o0 = 0;
  for (let bi = 0; bi < B; bi++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++, o0 += O) {
        let n = 0;
        for (let i = 0; i < kh; i++) {
          const hh = h + i - top;
          if (hh < 0 || hh >= H) continue;
          for (let j = 0; j < kw; j++) {
            const ww = w + j - left;
            if (ww < 0 || ww >= W) continue;
            taps[n++] = id[(bi * H + hh) * W + ww]! * M + (i * kw + j) * O;
          }
        }
        for (let q = 0; q < O; q += 8) sum8(P, taps, n, q, bias, out, o0 + q);
      }
  return out;
}

/**
 * S[g,i,j,:] = the sum of dz[b,h,w,:] over the output cells (b,h,w) whose tap (i,j) reads glyph g, i.e. over the cells
 * (b,h',w') holding g, at h = h'-i+top, w = w'-j+left when in bounds. Cells are grouped by glyph first (a counting
 * sort), so each row of S is summed in local accumulators instead of scattered into memory.
 */
function backwardSums(id: Int32Array, s: Shape, V: number, dz: Float32Array): Float32Array {
  const { H, W, kh, kw, top, left, O } = s;
  const M = kh * kw * O;
  const S = new Float32Array(V * M);
  const start = new Int32Array(V + 1);
  for (let c = 0; c < id.length; c++) start[id[c]! + 1]++;
  for (let g = 0; g < V; g++) start[g + 1] += start[g]!;
  const fill = start.slice(0, V);
  const cells = new Int32Array(id.length);
  for (let c = 0; c < id.length; c++) cells[fill[id[c]!]!++] = c;
  const src = new Int32Array(id.length); // dz offsets of the output cells that read the glyph through this tap
  const HW = H * W;
  for (let g = 0; g < V; g++) {
    const a = start[g]!;
    const e = start[g + 1]!;
    if (a === e) continue;
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++) {
        let n = 0;
        for (let t = a; t < e; t++) {
          const c = cells[t]!;
          const r = c % HW;
          const h = ((r / W) | 0) - i + top;
          const w = (r % W) - j + left;
          if (h < 0 || h >= H || w < 0 || w >= W) continue;
          src[n++] = (c - r + h * W + w) * O;
        }
        const s0 = g * M + (i * kw + j) * O;
        for (let q = 0; q < O; q += 8) sum8(dz, src, n, q, undefined, S, s0 + q);
      }
  }
  return S;
}
