import { RxgymError } from '../core/env.js';
import type { ObsBatch } from '../core/obs-batch.js';
import { DirectMlp } from './direct-mlp.js';
import type { DirectPart } from './network.js';
import { hashNgrams } from './ngram.js';
import type { WasmBuffer, WasmKernels } from './wasm-direct.js';

const f = Math.fround;

/** A part with a dense layer: its direct layer and, per row count, its input buffer (and the glyph ids). */
interface DenseState {
  part: Extract<DirectPart, { kind: 'glyph' | 'message' }>;
  net: DirectMlp;
  inputs: Map<number, InputBuffers>;
  features: number;
}

/** Per row count: the dense layer's input on the wasm heap, the glyph ids, host scratch of the backward pass. */
interface InputBuffers {
  x: WasmBuffer;
  ids?: Int32Array;
  dy?: Float32Array;
  dx?: Float32Array;
}

/**
 * An ObsEncoder (src/tensor/network.ts) on direct kernel calls, for the parts `ObsEncoder.directParts` describes:
 * flat parts copied, glyph maps through their embedding (rows of the table copied, as gatherND does) and a dense relu
 * layer, message lines through hashed n-grams and a dense relu layer, concatenated in part order. The gradient goes
 * back through the dense layers into the embedding, whose rows sum their cells' gradients in order (scatterND), so
 * features and gradients are those of tfjs bit for bit.
 */
export class DirectEncoder {
  private readonly dense = new Map<string, DenseState>();
  private readonly out = new Map<number, WasmBuffer>();
  readonly featureDim: number;

  constructor(
    private readonly k: WasmKernels,
    private readonly parts: DirectPart[],
  ) {
    let dim = 0;
    for (const p of parts) {
      if (p.kind === 'flat') {
        dim += p.dim;
        continue;
      }
      const inDim = p.kind === 'glyph' ? p.cells * p.embedDim : p.buckets;
      const features = p.out.W.shape[1]!;
      const net = new DirectMlp(k, { dense: [p.out], activation: 'relu', reluOut: true }, inDim);
      this.dense.set(p.key, { part: p, net, inputs: new Map(), features });
      dim += features;
    }
    this.featureDim = dim;
  }

  /** True when some part has parameters (the gradient has to come back through the encoder). */
  get trainable(): boolean {
    return this.dense.size > 0;
  }

  private inputFor(d: DenseState, rows: number): InputBuffers {
    let b = d.inputs.get(rows);
    if (!b) {
      const p = d.part;
      b =
        p.kind === 'glyph'
          ? { x: this.k.alloc(rows * p.cells * p.embedDim), ids: new Int32Array(rows * p.cells) }
          : { x: this.k.alloc(rows * p.buckets) };
      d.inputs.set(rows, b);
    }
    return b;
  }

  /** The features of `rows` observations ([rows, featureDim]); valid until the next forward with this row count. */
  forward(obs: ObsBatch, rows: number): WasmBuffer {
    let out = this.out.get(rows);
    if (!out) {
      out = this.k.alloc(rows * this.featureDim);
      this.out.set(rows, out);
    }
    // allocate everything before taking views: growing the wasm heap detaches them
    for (const d of this.dense.values()) this.inputFor(d, rows);
    const outs = new Map<string, WasmBuffer>();
    for (const d of this.dense.values()) {
      const p = d.part;
      const arr = obs[p.key];
      if (!arr) throw new RxgymError(`observation batch lacks key "${p.key}"`);
      const inp = this.inputFor(d, rows);
      const xv = inp.x.view();
      if (p.kind === 'glyph') {
        const E = p.embedDim;
        const table = this.k.viewOf(p.embed);
        const ids = inp.ids!;
        // element copies, not a subarray view per cell (20k views a minibatch, all garbage)
        for (let i = 0; i < rows * p.cells; i++) {
          const id = arr.data[i]!;
          ids[i] = id;
          const s = id * E;
          const d = i * E;
          for (let e = 0; e < E; e++) xv[d + e] = table[s + e]!;
        }
      } else {
        xv.fill(0);
        for (let r = 0; r < rows; r++)
          hashNgrams(arr.data, r * p.length, p.length, p.ngrams, p.buckets, xv, r * p.buckets);
      }
      outs.set(p.key, d.net.forward(inp.x.id, rows));
    }
    const F = this.featureDim;
    const ov = out.view();
    let col = 0;
    for (const p of this.parts) {
      if (p.kind === 'flat') {
        const arr = obs[p.key];
        if (!arr) throw new RxgymError(`observation batch lacks key "${p.key}"`);
        for (let r = 0; r < rows; r++) {
          const o = r * F + col;
          if (p.start !== undefined) {
            ov.fill(0, o, o + p.dim);
            ov[o + (arr.data[r]! - p.start)] = 1;
          } else for (let j = 0; j < p.dim; j++) ov[o + j] = arr.data[r * p.dim + j]!;
        }
        col += p.dim;
        continue;
      }
      const d = this.dense.get(p.key)!;
      const y = outs.get(p.key)!.view();
      for (let r = 0; r < rows; r++) ov.set(y.subarray(r * d.features, (r + 1) * d.features), r * F + col);
      col += d.features;
    }
    return out;
  }

  /**
   * Gradients of the last `forward` with `rows` observations from the features' gradient `dF` ([rows, featureDim]),
   * written into `grads` at each variable's `offsetOf`.
   */
  backward(rows: number, dF: Float32Array, grads: Float32Array, offsetOf: (v: object) => number): void {
    const F = this.featureDim;
    let col = 0;
    for (const p of this.parts) {
      if (p.kind === 'flat') {
        col += p.dim;
        continue;
      }
      const d = this.dense.get(p.key)!;
      const inp = this.inputFor(d, rows);
      // host scratch kept per row count (a minibatch's worth each time)
      inp.dy ??= new Float32Array(rows * d.features);
      const dy = inp.dy;
      for (let r = 0; r < rows; r++) dy.set(dF.subarray(r * F + col, r * F + col + d.features), r * d.features);
      col += d.features;
      const offs: [number, number][] = [[offsetOf(p.out.W), offsetOf(p.out.b)]];
      if (p.kind === 'message') {
        d.net.backward(inp.x, rows, dy, grads, offs);
        continue;
      }
      const E = p.embedDim;
      inp.dx ??= new Float32Array(rows * p.cells * E);
      const dx = inp.dx;
      d.net.backward(inp.x, rows, dy, grads, offs, dx);
      // the embedding's gradient: each cell's row added to its id's row, cells in order from a zero table
      const off = offsetOf(p.embed);
      grads.fill(0, off, off + p.embed.size);
      const ids = inp.ids!;
      for (let i = 0; i < rows * p.cells; i++) {
        const o = off + ids[i]! * E;
        for (let e = 0; e < E; e++) grads[o + e] = f(grads[o + e]! + dx[i * E + e]!);
      }
    }
  }
}
