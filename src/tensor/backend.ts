import * as tf from '@tensorflow/tfjs';
import { RxgymError } from '../core/env.js';
import { setThreadedWasm, wasmThreadsRequested } from './wasm-threads.js';

/** The backends rxgym can run tensors on, fastest first. */
export type BackendChoice = 'node-gpu' | 'node' | 'wasm' | 'cpu';

const ORDER: BackendChoice[] = ['node-gpu', 'node', 'wasm', 'cpu'];
const PACKAGE: Record<BackendChoice, string | undefined> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: undefined,
};
/** The tfjs backend name each choice registers. */
const TF_NAME: Record<BackendChoice, string> = {
  'node-gpu': 'tensorflow',
  node: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

let chosen: Promise<string> | undefined;
let logger: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

/** Replace where the one-line backend notice goes (default: stderr); pass `() => {}` to silence it. */
export function setBackendLogger(log: (line: string) => void): void {
  logger = log;
}

/** The notice's words for the wasm backend's thread pool, set when `RXGYM_WASM_THREADS` started one. */
let poolNote = '';

/** The wasm backend with the thread pool `RXGYM_WASM_THREADS` asks for (src/tensor/wasm-threads.ts). */
async function loadThreadedWasm(threads: number): Promise<boolean> {
  let got: number;
  try {
    got = await setThreadedWasm(threads);
  } catch (e) {
    throw new RxgymError(
      `RXGYM_WASM_THREADS=${threads}: the multi-threaded wasm backend could not start ` +
        `(${e instanceof Error ? e.message : String(e)}); unset RXGYM_WASM_THREADS to use the one-thread wasm backend`,
    );
  }
  poolNote = ` (${got} threads, RXGYM_WASM_THREADS)`;
  return true;
}

async function tryLoad(choice: BackendChoice): Promise<boolean> {
  if (choice === 'wasm') {
    const threads = wasmThreadsRequested();
    if (threads !== undefined) return loadThreadedWasm(threads);
  }
  const pkg = PACKAGE[choice];
  if (pkg !== undefined) {
    try {
      await import(pkg);
    } catch {
      return false;
    }
  }
  try {
    return await tf.setBackend(TF_NAME[choice]);
  } catch {
    return false;
  }
}

async function pick(): Promise<string> {
  // tfjs prints a long "install tfjs-node" banner and debug warnings outside production mode.
  tf.enableProdMode();
  const forced = process.env.RXGYM_BACKEND?.trim();
  if (forced) {
    if (!ORDER.includes(forced as BackendChoice)) {
      throw new RxgymError(
        `RXGYM_BACKEND="${forced}" is not a backend; use one of ${ORDER.join(', ')} (or unset it to pick the fastest ` +
          `installed)`,
      );
    }
    const choice = forced as BackendChoice;
    if (!(await tryLoad(choice))) {
      const pkg = PACKAGE[choice];
      throw new RxgymError(
        `RXGYM_BACKEND=${choice} but ${pkg ?? 'the cpu backend'} could not be loaded; install it with \`npm install ` +
          `${pkg ?? '@tensorflow/tfjs'}@4.22.0\` or unset RXGYM_BACKEND`,
      );
    }
    logger(`rxgym: tensor backend ${choice}${poolNote} (forced by RXGYM_BACKEND)`);
    return tf.getBackend();
  }
  for (const choice of ORDER) {
    if (await tryLoad(choice)) {
      logger(`rxgym: tensor backend ${choice}${poolNote}`);
      return tf.getBackend();
    }
  }
  throw new RxgymError('no tensor backend could be initialised; reinstall @tensorflow/tfjs');
}

/**
 * Choose and initialise the tensor backend once (tfjs-node-gpu > tfjs-node > wasm > cpu, or RXGYM_BACKEND);
 * every tfjs user awaits this first. Resolves to the tfjs backend name ('tensorflow', 'wasm' or 'cpu').
 */
export function initBackend(): Promise<string> {
  if (!chosen) {
    chosen = pick();
    chosen.catch(() => {
      chosen = undefined;
    });
  }
  return chosen;
}

/** Which backend is active, without initialising one. */
export function currentBackend(): string | undefined {
  return chosen ? tf.getBackend() : undefined;
}
