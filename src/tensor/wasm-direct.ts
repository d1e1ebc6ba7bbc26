import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-backend-wasm's emscripten module that direct calls use (4.22: stable since 3.x). */
interface WasmModule {
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  /** The module's memory (exported by the multi-threaded build, whose memory is shared). */
  wasmMemory?: { buffer: ArrayBufferLike };
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  __FusedMatMul(
    aId: number,
    aShape: number,
    aRank: number,
    bId: number,
    bShape: number,
    bRank: number,
    transposeA: number,
    transposeB: number,
    activation: number,
    biasId: number,
    preluId: number,
    alpha: number,
    outId: number,
  ): void;
  _Tanh(xId: number, dtype: number, outId: number): void;
  _Exp(xId: number, dtype: number, outId: number): void;
  _Log(xId: number, dtype: number, outId: number): void;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}

interface WasmBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
}

/**
 * A float32 buffer on the wasm heap, registered with the backend under an id its kernels read and write. Read and
 * write it through `view()`: the heap's ArrayBuffer is replaced when wasm memory grows.
 */
export class WasmBuffer {
  constructor(
    private readonly k: WasmKernels,
    readonly offset: number,
    readonly size: number,
    public id: number,
  ) {}

  /** The buffer's values (a view valid until the next allocation on the wasm heap). */
  view(): Float32Array {
    return this.k.heap().subarray(this.offset >> 2, (this.offset >> 2) + this.size);
  }
}

/**
 * The module's float32 heap view, over its memory as it is now. The glue refreshes `HEAPF32` when memory grows on the
 * main thread; in the multi-threaded build (RXGYM_WASM_THREADS) memory that grew on a pool thread leaves the view
 * over the old, shorter buffer until the next glue call, so the memory's own buffer decides (`cached`: the view this
 * returned before, reused while it is current).
 */
export function currentHeap(
  mod: Pick<WasmModule, 'HEAPF32' | 'wasmMemory'>,
  cached: Float32Array | undefined,
): Float32Array {
  const buffer = mod.wasmMemory?.buffer;
  if (buffer === undefined || mod.HEAPF32.buffer === buffer) return mod.HEAPF32;
  return cached?.buffer === buffer ? cached : new Float32Array(buffer);
}

const LINEAR = 0;
const RELU = 1;
const FLOAT32 = 0;

/**
 * The wasm backend's kernels called directly, without tfjs's engine: no tensors, tape or scopes, just kernel calls
 * on ids. Small networks pay per op (~20-40 µs of engine work around a microsecond of arithmetic); a direct call
 * costs about one. The kernels are the ones the engine would run, so the numbers are the same bit for bit.
 *
 * XNNPACK caches a matmul operator with its weights packed, keyed by the weights' id: a buffer whose values change
 * between matmuls where it is the right operand gets a new id first (`renew`), as a new tensor would.
 */
export class WasmKernels {
  private readonly mod: WasmModule;
  private readonly shapes: number;
  private readonly owned: WasmBuffer[] = [];
  private latest: Float32Array | undefined;

  private constructor(private readonly backend: WasmBackend) {
    this.mod = backend.wasm;
    this.shapes = this.mod._malloc(24);
  }

  /** Direct kernels on the active backend when it is tfjs's wasm backend (with the internals used here), else none. */
  static forActiveBackend(): WasmKernels | undefined {
    if (tf.getBackend() !== 'wasm') return undefined;
    const b = tf.backend() as unknown as Partial<WasmBackend>;
    const m = b.wasm as Partial<WasmModule> | undefined;
    const ok =
      m !== undefined &&
      typeof m._malloc === 'function' &&
      typeof m.__FusedMatMul === 'function' &&
      typeof m._Tanh === 'function' &&
      typeof m._Exp === 'function' &&
      typeof m._Log === 'function' &&
      typeof m.tfjs?.registerTensor === 'function' &&
      typeof b.dataIdNextNumber === 'number' &&
      b.dataIdMap !== undefined;
    return ok ? new WasmKernels(b as WasmBackend) : undefined;
  }

  /** The wasm heap as float32 (re-read on every use: memory growth replaces it). */
  heap(): Float32Array {
    const h = currentHeap(this.mod, this.latest);
    this.latest = h;
    return h;
  }

  /** A new registered buffer of `size` floats (zeros are not guaranteed). */
  alloc(size: number): WasmBuffer {
    const offset = this.mod._malloc(Math.max(4, size * 4)) >>> 0;
    const id = this.backend.dataIdNextNumber++;
    this.mod.tfjs.registerTensor(id, size, offset);
    const b = new WasmBuffer(this, offset, size, id);
    this.owned.push(b);
    return b;
  }

  /** Give `b` a new id, so no kernel cache keyed by the old one (packed matmul weights) outlives its values. */
  renew(b: WasmBuffer): void {
    this.mod.tfjs.disposeData(b.id);
    b.id = this.backend.dataIdNextNumber++;
    this.mod.tfjs.registerTensor(b.id, b.size, b.offset);
  }

  /** The backend id of a tfjs tensor (a variable's current value). */
  idOf(t: tf.Tensor): number {
    const d = this.backend.dataIdMap.get(t.dataId);
    if (!d) throw new Error('WasmKernels.idOf: the tensor is not on the wasm backend');
    return d.id;
  }

  /** The values of a float32 tfjs tensor on the wasm heap, without a copy (valid until the next allocation). */
  viewOf(t: tf.Tensor): Float32Array {
    const d = this.backend.dataIdMap.get(t.dataId);
    if (!d) throw new Error('WasmKernels.viewOf: the tensor is not on the wasm backend');
    return this.heap().subarray(d.memoryOffset >> 2, (d.memoryOffset >> 2) + t.size);
  }

  /**
   * out[M,N] = act(a[M,K] b[K,N] + bias) with XNNPACK (tfjs's FusedMatMul / BatchMatMul without transposes), where
   * `b` and `bias` are ids (0: no bias). The accumulation starts from the bias and adds a row's products in order.
   */
  matMul(a: number, M: number, K: number, b: number, N: number, bias: number, relu: boolean, out: WasmBuffer): void {
    const s = this.shapes >> 2;
    const h = this.mod.HEAP32;
    h[s] = 1;
    h[s + 1] = M;
    h[s + 2] = K;
    h[s + 3] = 1;
    h[s + 4] = K;
    h[s + 5] = N;
    this.mod.__FusedMatMul(a, this.shapes, 3, b, this.shapes + 12, 3, 0, 0, relu ? RELU : LINEAR, bias, 0, 0, out.id);
  }

  /** out = tanh(x), elementwise, with the backend's own tanh (the host's Math.tanh rounds differently). */
  tanh(x: WasmBuffer, out: WasmBuffer): void {
    this.mod._Tanh(x.id, FLOAT32, out.id);
  }

  /** out = exp(x), elementwise (the backend's expf). */
  exp(x: WasmBuffer, out: WasmBuffer): void {
    this.mod._Exp(x.id, FLOAT32, out.id);
  }

  /** out = log(x), elementwise (the backend's logf). */
  log(x: WasmBuffer, out: WasmBuffer): void {
    this.mod._Log(x.id, FLOAT32, out.id);
  }

  /** Free every buffer this instance allocated. */
  dispose(): void {
    for (const b of this.owned) {
      this.mod.tfjs.disposeData(b.id);
      this.mod._free(b.offset);
    }
    this.owned.length = 0;
    this.mod._free(this.shapes);
  }
}
