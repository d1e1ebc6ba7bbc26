import type { Mlp } from './network.js';
import type { DenseParams } from './params.js';
import type { WasmBuffer, WasmKernels } from './wasm-direct.js';

const f = Math.fround;

/** The buffers of one row count: each layer's input (transposed), pre-activation, output and gradient scratch. */
interface Work {
  rows: number;
  z: WasmBuffer[];
  y: WasmBuffer[];
  xT: WasmBuffer[];
  dz: WasmBuffer[];
  wT: WasmBuffer[];
  dx: WasmBuffer[];
  dW: WasmBuffer[];
}

/**
 * An Mlp (src/tensor/network.ts) run with direct kernel calls (src/tensor/wasm-direct.ts): the same kernels and the
 * same gradient arithmetic as tfjs's tape over `Mlp.apply` (dense layers through `denseForward`), in float32, so the
 * outputs and gradients are identical bit for bit, at a fraction of the per-op cost. Host-side elementwise steps are
 * single float32 operations (Math.fround of a double op is the float32 op for + - * /).
 */
export class DirectMlp {
  private readonly dims: number[];
  private readonly work = new Map<number, Work>();
  private readonly layers: readonly DenseParams[];
  private readonly tanh: boolean;
  private readonly reluOut: boolean;
  private lastInput = 0;

  /**
   * An Mlp's layers, or dense layers of an encoder (`layers`, hidden activation, and a relu output as
   * `applyDense(..., 'relu')` has).
   */
  constructor(
    private readonly k: WasmKernels,
    net: Mlp | { dense: readonly DenseParams[]; activation: 'tanh' | 'relu'; reluOut: boolean },
    inDim: number,
  ) {
    this.layers = net.dense;
    this.tanh = net.activation === 'tanh';
    this.reluOut = 'reluOut' in net && net.reluOut;
    this.dims = [inDim, ...this.layers.map((l) => l.W.shape[1]!)];
  }

  /** Output width. */
  get outDim(): number {
    return this.dims[this.dims.length - 1]!;
  }

  private workFor(rows: number): Work {
    let w = this.work.get(rows);
    if (!w) {
      const L = this.layers.length;
      const d = this.dims;
      const per = (size: (i: number) => number): WasmBuffer[] =>
        Array.from({ length: L }, (_, i) => this.k.alloc(size(i)));
      w = {
        rows,
        z: per((i) => rows * d[i + 1]!),
        y: per((i) => rows * d[i + 1]!),
        xT: per((i) => rows * d[i]!),
        dz: per((i) => rows * d[i + 1]!),
        wT: per((i) => d[i]! * d[i + 1]!),
        dx: per((i) => rows * d[i]!),
        dW: per((i) => d[i]! * d[i + 1]!),
      };
      this.work.set(rows, w);
    }
    return w;
  }

  /**
   * Forward `rows` inputs held in the buffer with id `input` ([rows, inDim]); returns the output buffer
   * ([rows, outDim], valid until the next forward with this row count). Keeps what `backward` needs.
   */
  forward(input: number, rows: number): WasmBuffer {
    const w = this.workFor(rows);
    const L = this.layers.length;
    let x = input;
    this.lastInput = input;
    for (let i = 0; i < L; i++) {
      const layer = this.layers[i]!;
      const W = this.k.idOf(layer.W);
      const b = this.k.idOf(layer.b);
      const hidden = i < L - 1;
      if (hidden && this.tanh) {
        this.k.matMul(x, rows, this.dims[i]!, W, this.dims[i + 1]!, b, false, w.z[i]!);
        this.k.tanh(w.z[i]!, w.y[i]!);
      } else {
        this.k.matMul(x, rows, this.dims[i]!, W, this.dims[i + 1]!, b, hidden || this.reluOut, w.y[i]!);
      }
      x = w.y[i]!.id;
    }
    return w.y[L - 1]!;
  }

  /**
   * Gradients of the last `forward` with `rows` inputs, given the output gradient `dOut` ([rows, outDim]): each
   * layer's W and b gradient is written into `grads` at `offsets[i] = [W offset, b offset]` (Adam's flat layout).
   * `input` is the forward's input buffer (its values must be unchanged since). With `dInput` the input's gradient
   * ([rows, inDim]) is written there too.
   */
  backward(
    input: WasmBuffer,
    rows: number,
    dOut: Float32Array,
    grads: Float32Array,
    offsets: [number, number][],
    dInput?: Float32Array,
  ): void {
    const w = this.workFor(rows);
    const L = this.layers.length;
    if (input.id !== this.lastInput) throw new Error('DirectMlp.backward: not the input of the last forward');
    // dy of the current layer's output, on the host
    let dy: Float32Array = dOut;
    for (let i = L - 1; i >= 0; i--) {
      const K = this.dims[i]!;
      const N = this.dims[i + 1]!;
      const hidden = i < L - 1;
      const dz = w.dz[i]!;
      const yv = w.y[i]!.view();
      const dzv = dz.view();
      const n = rows * N;
      if (hidden && this.tanh) {
        // tanh's gradient as tfjs writes it: (1 - y^2) * dy
        for (let j = 0; j < n; j++) dzv[j] = f(f(1 - f(yv[j]! * yv[j]!)) * dy[j]!);
      } else if (hidden || this.reluOut) {
        // fused relu: dy * step(y)
        for (let j = 0; j < n; j++) dzv[j] = f(dy[j]! * (yv[j]! > 0 ? 1 : Number.isNaN(yv[j]!) ? NaN : 0));
      } else {
        dzv.set(dy.subarray(0, n));
      }
      // db = sum of dz over rows, in row order from 0 (tfjs's Sum on the transposed gradient); rows outer for
      // contiguous reads, each column still summed in row order in float32 (`grads` stores float32)
      const [wOff, bOff] = offsets[i]!;
      grads.fill(0, bOff, bOff + N);
      for (let r = 0; r < rows; r++) {
        const o = r * N;
        for (let c = 0; c < N; c++) grads[bOff + c] = f(grads[bOff + c]! + dzv[o + c]!);
      }
      // dW = transpose(x) dz, with x this layer's input
      const xv = (i === 0 ? input : w.y[i - 1]!).view();
      const xT = w.xT[i]!.view();
      for (let r = 0; r < rows; r++) for (let c = 0; c < K; c++) xT[c * rows + r] = xv[r * K + c]!;
      this.k.renew(dz);
      this.k.matMul(w.xT[i]!.id, K, rows, dz.id, N, 0, false, w.dW[i]!);
      grads.set(w.dW[i]!.view(), wOff);
      if (i === 0 && !dInput) break;
      // dx = dz transpose(W): the gradient of the previous layer's output (or of the input)
      const Wv = this.k.viewOf(this.layers[i]!.W);
      const wT = w.wT[i]!;
      const wTv = wT.view();
      for (let r = 0; r < K; r++) for (let c = 0; c < N; c++) wTv[c * K + r] = Wv[r * N + c]!;
      this.k.renew(wT);
      this.k.matMul(dz.id, rows, N, wT.id, K, 0, false, w.dx[i]!);
      dy = w.dx[i]!.view();
    }
    dInput?.set(dy.subarray(0, rows * this.dims[0]!));
  }
}
