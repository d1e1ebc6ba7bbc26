import { createRequire } from 'node:module';
import os from 'node:os';
import workerThreads from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { RxgymError } from '../core/env.js';

/**
 * tfjs's wasm backend ships a multi-threaded SIMD build (XNNPACK's matmuls and convolutions on a thread pool), but
 * tfjs turns it off under Node (tfjs issue 3830): its pthread workers are started from a browser blob URL, and the
 * pool size is capped at half the logical cores. `RXGYM_WASM_THREADS=N` (N >= 2, opt-in) loads that build anyway:
 * the workers run the package's own worker script through Node's worker_threads (the Emscripten glue supports Node),
 * the cap is lifted for the moment of initialisation, and the workers are unreferenced once the pool is up so that
 * they never keep the process alive. The pool splits a kernel's output among the threads; in the cases checked
 * (CartPole PPO, the glyph CNN; test/tensor/wasm-threads.test.ts) the weights are the same bit for bit as with one.
 */
const WASM_PKG = '@tensorflow/tfjs-backend-wasm';

/** The thread count `RXGYM_WASM_THREADS` asks for, or undefined (unset, "", "1"); a bad value is an RxgymError. */
export function wasmThreadsRequested(): number | undefined {
  const raw = process.env.RXGYM_WASM_THREADS?.trim();
  if (!raw || raw === '1') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2 || n > 8) {
    throw new RxgymError(
      `RXGYM_WASM_THREADS="${raw}" is not a thread count; use an integer from 2 to 8 (the wasm build's pool holds 8 ` +
        'workers), or unset it for the one-thread wasm backend',
    );
  }
  return n;
}

interface WasmPkg {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

type WorkerCtor = typeof workerThreads.Worker;

/**
 * Register and select the wasm backend with `threads` XNNPACK threads. Resolves to the thread count the backend
 * reports, or throws when the threaded build cannot start here.
 */
export async function setThreadedWasm(threads: number): Promise<number> {
  const require = createRequire(import.meta.url);
  const workerJs = require.resolve(`${WASM_PKG}/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`);
  const glue = require.resolve(`${WASM_PKG}/wasm-out/tfjs-backend-wasm-threaded-simd.js`);
  // The package's worker script (a string it would put in a blob), run as the worker's own code; its newlines are
  // escaped as tfjs does before making the blob. `importScripts(glue)` in it evaluates the glue for the thread.
  const code =
    `const c = require(${JSON.stringify(workerJs)}).wasmWorkerContents.replace(/\\n/g, '\\\\n');` +
    `new Function('require', '__filename', c)(require, ${JSON.stringify(glue)});`;
  const Original: WorkerCtor = workerThreads.Worker;
  const started: InstanceType<WorkerCtor>[] = [];
  let ready = false;
  class PoolWorker extends Original {
    constructor(_url: string | URL, opts?: workerThreads.WorkerOptions) {
      super(code, { ...opts, eval: true });
      started.push(this);
      // the glue adds its 'message' listener after this (which references the port again): unreference after it
      if (ready) setImmediate(() => this.unref());
    }
    override postMessage(m: unknown, transfer?: readonly workerThreads.TransferListItem[]): void {
      // the glue tells each worker to load the main script (the tfjs bundle here); it needs the glue alone
      const msg = m as { cmd?: string } | null;
      super.postMessage(msg?.cmd === 'load' ? { ...msg, urlOrBlob: glue } : m, transfer);
    }
  }
  const cpus = os.cpus;
  const mutableWt = workerThreads as { Worker: WorkerCtor };
  mutableWt.Worker = PoolWorker as unknown as WorkerCtor;
  // the backend caps its pool at half of Emscripten's logical-core count (os.cpus() under Node)
  (os as { cpus: () => os.CpuInfo[] }).cpus = () => {
    const c = cpus();
    return Array.from({ length: Math.max(c.length, 2 * threads) }, (_, i) => c[i % c.length]!);
  };
  try {
    const wasm = (await import(WASM_PKG)) as unknown as WasmPkg;
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") failed');
    ready = true;
    for (const w of started) w.unref();
    return wasm.getThreadsCount();
  } finally {
    (os as { cpus: () => os.CpuInfo[] }).cpus = cpus;
    mutableWt.Worker = Original;
  }
}
