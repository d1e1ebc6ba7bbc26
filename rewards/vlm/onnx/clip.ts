import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { RxgymError } from '../../../src/core/env.js';
import type { FrameBatch } from '../../../src/stream/batch.js';
import { fromSync, normalizeRows, type ImageTextEncoder } from '../encoder.js';
import { clipFiles } from './files.js';
import { preprocessFrame, readPreprocess, type ClipPreprocess } from './preprocess.js';
import type { SessionReply, SessionRequest } from './session-protocol.js';
import { ClipTokenizer, contextLength } from './tokenizer.js';

/** Longest wait for one ONNX call (model loading included). */
const TIMEOUT_MS = 120_000;

/** The one session worker of this process (onnxruntime-node's addon loads in one thread per process). */
class SessionWorker {
  private readonly port: MessagePort;
  private readonly flag: Int32Array;

  constructor() {
    const shared = new SharedArrayBuffer(4);
    this.flag = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const worker = new Worker(entryUrl(), {
      workerData: { flag: shared, port: port2 },
      transferList: [port2],
      execArgv: [],
    });
    worker.unref();
    this.port.unref();
  }

  /** Post `req` and block until the worker answers (or TIMEOUT_MS pass). */
  call(req: SessionRequest, what: string): SessionReply {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(req);
    if (Atomics.wait(this.flag, 0, 0, TIMEOUT_MS) === 'timed-out') {
      throw new RxgymError(`onnx encoder: no answer from onnxruntime within ${TIMEOUT_MS / 1000} s while ${what}`);
    }
    const m = receiveMessageOnPort(this.port)?.message as SessionReply | undefined;
    if (!m) throw new RxgymError(`onnx encoder: the worker woke without an answer while ${what}`);
    if (m.type === 'error') throw new RxgymError(m.message);
    return m;
  }
}

let worker: SessionWorker | undefined;
let nextModel = 1;

/**
 * A CLIP-family model exported to ONNX (vision and text graphs) run by onnxruntime-node in a worker thread. Its
 * sessions only answer asynchronously, so the training thread posts a request and blocks on a shared flag
 * (Atomics.wait) until the worker has posted the answer: a synchronous encoder for the reward hot path, whose
 * inference runs on the worker's own threads.
 */
class OnnxClip {
  private readonly tokenizer: ClipTokenizer;
  private readonly pre: ClipPreprocess;
  private readonly model = nextModel++;
  private readonly worker: SessionWorker;
  private pixels = new Float32Array(0);
  private closed = false;
  dim = 0;

  constructor(
    readonly dir: string,
    threads = 1,
  ) {
    const files = clipFiles(dir);
    this.tokenizer = new ClipTokenizer(files, contextLength(files));
    this.pre = readPreprocess(files.preprocessor);
    worker ??= new SessionWorker();
    this.worker = worker;
    this.worker.call(
      { type: 'load', model: this.model, dir, vision: files.vision, text: files.text, threads },
      `loading ${dir}`,
    );
    this.dim = this.texts(['a']).length;
  }

  /** Unit embeddings of texts (rows of `dim`). */
  texts(texts: readonly string[]): Float32Array {
    const L = this.tokenizer.contextLength,
      n = texts.length;
    const ids = new BigInt64Array(n * L),
      mask = new BigInt64Array(n * L);
    texts.forEach((t, i) => {
      const e = this.tokenizer.encode(t);
      for (let j = 0; j < L; j++) {
        ids[i * L + j] = BigInt(e.ids[j]!);
        mask[i * L + j] = BigInt(e.mask[j]!);
      }
    });
    return this.run({ type: 'texts', model: this.model, ids, mask, count: n, length: L }, 'embedding texts');
  }

  /** Unit embeddings of frames `rows` into `out`. */
  images(frames: FrameBatch, rows: ArrayLike<number>, out: Float32Array): void {
    const { width: cw, height: ch } = this.pre.crop;
    const per = 3 * cw * ch,
      n = rows.length;
    if (n === 0) return;
    if (this.pixels.length < n * per) this.pixels = new Float32Array(n * per);
    const size = frames.width * frames.height * 3;
    for (let i = 0; i < n; i++)
      preprocessFrame(this.pre, frames.data, rows[i]! * size, frames.width, frames.height, this.pixels, i * per);
    // a copy: the message takes what it is sent
    const req: SessionRequest = {
      type: 'images',
      model: this.model,
      pixels: this.pixels.slice(0, n * per),
      count: n,
      width: cw,
      height: ch,
    };
    out.set(this.run(req, 'embedding frames'));
  }

  private run(req: SessionRequest, what: string): Float32Array {
    if (this.closed) throw new RxgymError('onnx encoder used after dispose()');
    const r = this.worker.call(req, `${what} (${this.dir})`) as Extract<SessionReply, { type: 'result' }>;
    return normalizeRows(new Float32Array(r.data), r.dims[r.dims.length - 1]!);
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.call({ type: 'unload', model: this.model }, 'releasing the sessions');
  }
}

/** The compiled worker script: next to this file in dist/, else dist/ of the package root. */
function entryUrl(): URL {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.js')) return new URL('./session-entry.js', here);
  const dist = new URL('../../../dist/rewards/vlm/onnx/session-entry.js', here);
  if (!existsSync(fileURLToPath(dist)))
    throw new RxgymError(`the onnx encoder needs its compiled worker ${fileURLToPath(dist)}; run \`npm run build\``);
  return dist;
}

/** `encoder: onnx:<dir>`: a CLIP-family ONNX model from a local directory. */
export function onnxEncoder(dir: string): ImageTextEncoder {
  const m = new OnnxClip(dir);
  return fromSync({
    name: `onnx:${dir}`,
    dim: m.dim,
    frameSize: { width: 224, height: 224 },
    sync: { embedTexts: (t) => m.texts(t), embedImages: (f, rows, out) => m.images(f, rows, out) },
    dispose: () => m.dispose(),
  });
}
