import { Worker } from 'node:worker_threads';
import type { Agent, AgentContext } from '../src/core/agent.js';
import { RxgymError } from '../src/core/env.js';
import type { ObsBatch } from '../src/core/obs-batch.js';
import { startSignal, workerExecArgv, workerModuleUrl } from '../src/core/vector/worker-modules.js';
import type { AnnotatedBatch } from '../src/stream/batch.js';
import type { TrainStats } from '../src/stream/events.js';
import type { ActOptions, PolicyOutput } from '../src/stream/policy.js';
import { currentBackend } from '../src/tensor/backend.js';
import {
  allocShared,
  CMD,
  CTRL,
  fillRows,
  type GradWorkerData,
  type GradWorkerReply,
  sameRowsLayout,
  type SharedViews,
  sharedRowsLike,
} from './ppo-grad-shared.js';
import type { UpdateRows } from './ppo-minibatch.js';
import { contextToJSON } from './ppo-spaces.js';

/** The PPO agent whose update the parallel wrapper drives. */
export interface SplitLearner extends Agent {
  learn(batch: AnnotatedBatch): TrainStats;
  learnSplit(batch: AnnotatedBatch, peer: GradientPeer): Promise<TrainStats>;
}

/**
 * How long the main thread blocks on the gradient's answer before it lets its event loop run (so a worker's exit or
 * error is heard) and blocks again, in ms.
 */
const WAIT_SLICE_MS = 20;

/**
 * The second half of each minibatch's gradient, computed in a worker thread (agents/ppo-grad-worker.ts) that holds a
 * replica of the networks. Everything goes through shared memory, signalled with Atomics (wait/notify) instead of a
 * message each way through both threads' event loops (KeyRoom-S5, sparse-dungeon network, 2 threads: 1.05x the
 * steps/s of the message version, median of 5 interleaved runs): `setRows` copies the rollout of an update into
 * shared arrays (one message when they are made, the first time or when the rollout's layout changes); `request`
 * writes row indices and normalised advantages (the caller has written the weights into `weights()`) and wakes the
 * worker; `result` blocks until the worker's flat [loss, aux, gradient] is written, in slices between which the event
 * loop runs, so a dead worker is an error, not a hang; `endUpdate` waits until the last request is answered (the
 * worker then waits for the next update's). Requests are answered in order, one at a time.
 */
export class GradientPeer {
  /** The worker thread (tests end it to check the failure path). */
  readonly worker: Worker;
  private shared: SharedViews | undefined;
  /** The update's rows in shared memory (the worker has views of the same arrays). */
  private rows: UpdateRows | undefined;
  /** The sequence number of the last command (request or end) this thread issued. */
  private seq = 0;
  private failure: RxgymError | undefined;
  private disposed = false;
  /** The worker's start-up: resolves when it has built its replica, rejects if it fails first. */
  readonly start = startSignal();

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
      if (m.type === 'ready') this.start.started();
      else this.fail(new Error(m.message));
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      if (!this.disposed) this.fail(new Error(`it exited with code ${code}`));
    });
  }

  private fail(e: Error): void {
    this.failure ??= new RxgymError(
      `the PPO gradient worker thread (agent.learnerThreads: 2) failed: ${e.message}; ` +
        'rerun with learnerThreads: 1 to learn on one thread',
    );
    this.start.failed(this.failure);
  }

  /**
   * Give the worker the rows of the coming update (copied into shared memory: the rollout reuses its arrays) and the
   * size of the weights. The worker is idle here (`endUpdate` waited for its last answer), so the copy is safe.
   */
  setRows(rows: UpdateRows, weightCount: number): void {
    if (this.failure) throw this.failure;
    if (this.shared?.w.length === weightCount && this.rows && sameRowsLayout(this.rows, rows)) {
      fillRows(this.rows, rows);
      return;
    }
    // new buffers: the worker leaves its loop on the old control words and takes the new ones from a message
    if (this.shared) {
      this.shared.ctrl[CTRL.CMD] = CMD.END;
      this.signal(this.shared);
    }
    // new control words start at 0: so does the sequence (the worker takes it from the message)
    this.shared = allocShared(weightCount, rows.logProb.length);
    this.rows = sharedRowsLike(rows);
    this.seq = 0;
    fillRows(this.rows, rows);
    this.worker.postMessage({ type: 'rows', rows: this.rows, shared: this.shared.buffers, seq: this.seq });
  }

  private views(): SharedViews {
    if (this.failure) throw this.failure;
    if (!this.shared) throw new Error('GradientPeer: setRows was not called');
    return this.shared;
  }

  /** The shared array of weights the next request is computed with (the caller fills it). */
  weights(): Float32Array {
    return this.views().w;
  }

  /** Ask for the gradient of rows `idx` with advantages `adv` under the weights written into `weights()`. */
  request(idx: ArrayLike<number>, adv: Float32Array): void {
    const sh = this.views();
    if (Atomics.load(sh.ctrl, CTRL.DONE) !== this.seq)
      throw new Error('GradientPeer.request: the previous request was not collected');
    sh.idx.set(idx);
    sh.adv.set(adv.subarray(0, idx.length));
    sh.ctrl[CTRL.COUNT] = idx.length;
    sh.ctrl[CTRL.CMD] = CMD.GRAD;
    sh.ctrl[CTRL.ERROR] = 0;
    this.signal(sh);
  }

  private signal(sh: SharedViews): void {
    this.seq += 1;
    // the store publishes this thread's writes above to the worker, whose atomic load of the sequence sees them
    Atomics.store(sh.ctrl, CTRL.SEQ, this.seq);
    Atomics.notify(sh.ctrl, CTRL.SEQ);
  }

  /** Block (in slices, letting the event loop run between them) until the worker has answered the last command. */
  private async answered(sh: SharedViews): Promise<void> {
    for (;;) {
      const done = Atomics.load(sh.ctrl, CTRL.DONE);
      if (done === this.seq) return;
      if (this.failure) throw this.failure;
      if (Atomics.wait(sh.ctrl, CTRL.DONE, done, WAIT_SLICE_MS) === 'timed-out')
        await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * The answer to the last request, a view of shared memory valid until the next request: rejects with an
   * RxgymError naming the worker when it failed or died.
   */
  async result(): Promise<Float32Array> {
    const sh = this.views();
    await this.answered(sh);
    const len = sh.ctrl[CTRL.ERROR]!;
    if (len > 0) {
      this.fail(new Error(new TextDecoder().decode(sh.err.slice(0, len))));
      throw this.failure;
    }
    return sh.g;
  }

  /** End the update: wait until the worker has answered the last request (it then waits for the next update's). */
  async endUpdate(): Promise<void> {
    if (this.failure || !this.shared) return;
    await this.answered(this.shared);
  }

  /** Stop the worker. */
  dispose(): void {
    this.disposed = true;
    if (this.shared && !this.failure) {
      this.shared.ctrl[CTRL.CMD] = CMD.END;
      this.signal(this.shared);
    }
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

  /** The gradient worker's start-up (about 0.5 s of module loading here), before the training loop's clock. */
  ready(): Promise<void> {
    return this.peer.start.promise;
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
