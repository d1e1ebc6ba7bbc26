import { Worker } from 'node:worker_threads';
import type { Agent, AgentContext } from '../src/core/agent.js';
import { RxgymError } from '../src/core/env.js';
import type { ObsBatch } from '../src/core/obs-batch.js';
import { workerExecArgv, workerModuleUrl } from '../src/core/vector/worker-modules.js';
import type { AnnotatedBatch } from '../src/stream/batch.js';
import type { TrainStats } from '../src/stream/events.js';
import type { ActOptions, PolicyOutput } from '../src/stream/policy.js';
import { currentBackend } from '../src/tensor/backend.js';
import type { GradWorkerData, GradWorkerReply, SharedFlat } from './ppo-grad-worker.js';
import type { UpdateRows } from './ppo-minibatch.js';
import { contextToJSON } from './ppo-spaces.js';

/** The PPO agent whose update the parallel wrapper drives. */
export interface SplitLearner extends Agent {
  learn(batch: AnnotatedBatch): TrainStats;
  learnSplit(batch: AnnotatedBatch, peer: GradientPeer): Promise<TrainStats>;
}

/**
 * The second half of each minibatch's gradient, computed in a worker thread (agents/ppo-grad-worker.ts) that holds a
 * replica of the networks: `request` hands it row indices, their normalised advantages and the current weights,
 * `result` resolves with its flat [loss, aux, gradient]. Requests are answered in order, one at a time.
 */
export class GradientPeer {
  /** The worker thread (tests end it to check the failure path). */
  readonly worker: Worker;
  private pending: Promise<Float32Array> | undefined;
  /** Weights and gradient in shared memory (no copies through messages), sized on first use. */
  private shared: { buffers: SharedFlat; w: Float32Array; g: Float32Array; seq: Int32Array } | undefined;
  private seq = 0;
  private settle: { resolve: (g: Float32Array) => void; reject: (e: Error) => void } | undefined;
  private failure: RxgymError | undefined;
  private disposed = false;

  constructor(hp: Record<string, unknown>, ctx: AgentContext) {
    const data: GradWorkerData = {
      hp: { ...hp, learnerThreads: 1, async: false },
      ctx: contextToJSON(ctx),
      backend: currentBackend(),
    };
    // worker threads run compiled JS: from source this module's sibling maps to its copy in dist/
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const url = new URL(workerModuleUrl(new URL(`./ppo-grad-worker${ext}`, import.meta.url).href));
    this.worker = new Worker(url, { workerData: data, execArgv: workerExecArgv() });
    this.worker.on('message', (m: GradWorkerReply) => {
      if (m.type === 'error') return this.fail(new Error(m.message));
      const sh = this.shared!;
      // the atomic read orders this thread's reads of the gradient after the worker's writes
      if (Atomics.load(sh.seq, 0) !== m.seq || m.seq !== this.seq) return this.fail(new Error('answers out of order'));
      this.take()?.resolve(sh.g);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      if (!this.disposed) this.fail(new Error(`it exited with code ${code}`));
    });
  }

  private take(): GradientPeer['settle'] {
    const s = this.settle;
    this.settle = undefined;
    return s;
  }

  private fail(e: Error): void {
    this.failure ??= new RxgymError(
      `the PPO gradient worker thread (agent.learnerThreads: 2) failed: ${e.message}; ` +
        'rerun with learnerThreads: 1 to learn on one thread',
    );
    this.take()?.reject(this.failure);
  }

  /** Give the worker the rows of the coming update (copied: the rollout reuses its arrays). */
  setRows(rows: UpdateRows): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage({ type: 'rows', rows });
  }

  /** The shared array of `size` weights the next request is computed with (the caller fills it). */
  weights(size: number): Float32Array {
    if (this.shared?.w.length !== size) {
      const buffers: SharedFlat = {
        weights: new SharedArrayBuffer(4 * size),
        grad: new SharedArrayBuffer(4 * (size + 6)),
        seq: new SharedArrayBuffer(4),
      };
      const [w, g, seq] = [buffers.weights, buffers.grad, buffers.seq];
      this.shared = { buffers, w: new Float32Array(w), g: new Float32Array(g), seq: new Int32Array(seq) };
    }
    return this.shared.w;
  }

  /**
   * Ask for the gradient of rows `idx` with advantages `adv` (each its own buffer: transferred) under the weights
   * written into `weights()`. The result is a view of shared memory, valid until the next request.
   */
  request(idx: Int32Array, adv: Float32Array): void {
    if (this.failure) throw this.failure;
    if (!this.shared) throw new Error('GradientPeer.request: weights() was not filled');
    if (this.settle) throw new Error('GradientPeer.request: the previous request was not collected');
    this.pending = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // a failure is reported by result(); until it is asked for, the promise must not count as unhandled
    this.pending.catch(() => {});
    this.seq += 1;
    Atomics.store(this.shared.seq, 0, 0);
    const msg = { type: 'grad', idx, adv, shared: this.shared.buffers, seq: this.seq };
    this.worker.postMessage(msg, [idx.buffer, adv.buffer] as ArrayBuffer[]);
  }

  /** The answer to the last request: rejects with an RxgymError naming the worker when it failed or died. */
  result(): Promise<Float32Array> {
    if (!this.pending) return Promise.reject(new Error('GradientPeer.result: nothing was requested'));
    const p = this.pending;
    this.pending = undefined;
    return p;
  }

  /** Stop the worker. */
  dispose(): void {
    this.disposed = true;
    void this.worker.terminate();
  }
}

/**
 * PPO with a data-parallel gradient on two threads (`agent.learnerThreads: 2`): each minibatch is split in two
 * halves after the advantages are normalised over the whole minibatch; this thread computes the first half's loss
 * and gradient while a worker thread with a replica of the networks computes the second's; the two are averaged
 * (weighted by rows, in a fixed order) and one Adam step on this thread updates the weights, which go with the next
 * request. The weights, optimizer and RNG live here, so acting, checkpoints and resuming are the one-thread agent's;
 * the update matches the one-thread update within float rounding (a mean taken in two parts), and reruns with the
 * same seed give the same weights.
 */
export class ParallelPpoAgent implements Agent {
  readonly type = 'ppo';
  private readonly peer: GradientPeer;

  constructor(
    private readonly inner: SplitLearner,
    hp: Record<string, unknown>,
    ctx: AgentContext,
  ) {
    this.peer = new GradientPeer(hp, ctx);
  }

  act(obs: ObsBatch, count: number, opts?: ActOptions): PolicyOutput {
    return this.inner.act(obs, count, opts);
  }

  learn(batch: AnnotatedBatch): Promise<TrainStats> {
    return this.inner.learnSplit(batch, this.peer);
  }

  save(dir: string): void {
    this.inner.save(dir);
  }

  load(dir: string): void {
    this.inner.load(dir);
  }

  loadWeights(dir: string): void {
    this.inner.loadWeights(dir);
  }

  /** The worker of the gradient's second half (for tests of its failure). */
  get gradientWorker(): Worker {
    return this.peer.worker;
  }

  dispose(): void {
    this.peer.dispose();
    this.inner.dispose();
  }
}
