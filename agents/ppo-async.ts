import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Agent, AgentContext } from '../src/core/agent.js';
import { RxgymError } from '../src/core/env.js';
import type { ObsBatch } from '../src/core/obs-batch.js';
import { startSignal, workerExecArgv, workerModuleUrl } from '../src/core/vector/worker-modules.js';
import type { AnnotatedBatch } from '../src/stream/batch.js';
import type { TrainStats } from '../src/stream/events.js';
import type { ActOptions, PolicyOutput } from '../src/stream/policy.js';
import type { WeightEntry } from '../src/tensor/params.js';
import type { LearnerData } from './ppo-learner-worker.js';
import { contextToJSON } from './ppo-spaces.js';

/** The PPO settings the asynchronous wrapper reads. */
interface AsyncHp {
  updateEpochs: number;
  numMinibatches: number;
}

type Reply =
  | { type: 'ready' }
  | { type: 'learned'; stats: TrainStats; version: number; weights: WeightEntry[] }
  | { type: 'error'; message: string };

/** The acting policy: an agent whose weights can be set from the learner's. */
export type FollowingPolicy = Agent & { setWeights(entries: WeightEntry[]): void };

/**
 * Asynchronous PPO (`agent.async: true`, after Sample Factory's APPO and IMPALA): a learner thread
 * (agents/ppo-learner-worker.ts) updates the networks while this thread goes on acting and stepping the envs, so the
 * two cores work at once. `learn(batch k)` hands batch k to the learner and returns the statistics of update k - 1,
 * after loading its weights into the acting policy: batch k + 1 is collected while update k runs, with the weights of
 * update k - 1. The policy lag is bounded at one update (`updateEpochs x numMinibatches` SGD steps), and each update's
 * statistics report it (`policyLag`, in updates, and `policyLagSgdSteps`). PPO's importance ratio against the logged
 * behaviour log-probabilities absorbs the lag (no V-trace). The first call has no finished update to report.
 * Checkpoints hold the learner's state after the batch handed over last (the update in flight finishes first); a
 * resumed run acts with those weights, so it is not bit-for-bit the run that went on.
 */
export class AsyncPpoAgent implements Agent {
  readonly type = 'ppo';
  private readonly worker: Worker;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly sync = new MessageChannel();
  /** The learner thread's start-up. */
  private readonly start = startSignal();
  private pending: Promise<Extract<Reply, { type: 'learned' }>> | undefined;
  private waiting: ((r: Reply) => void) | undefined;
  private failure: Error | undefined;
  private disposed = false;
  /** Updates whose weights the acting policy has; batches handed to the learner; the weights the one in flight had. */
  private acting = 0;
  private handed = 0;
  private pendingCollectedWith = 0;

  constructor(
    /** The acting policy: a PPO agent of the same settings, whose weights follow the learner's. */
    private readonly policy: FollowingPolicy,
    private readonly hp: AsyncHp & Record<string, unknown>,
    ctx: AgentContext,
  ) {
    const data: LearnerData = {
      hp: { ...hp, async: false } as unknown as LearnerData['hp'],
      ctx: contextToJSON(ctx),
      flag: this.flag.buffer as SharedArrayBuffer,
      syncPort: this.sync.port2,
    };
    // worker threads run compiled JS: from source this module's sibling maps to its copy in dist/
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const url = new URL(workerModuleUrl(new URL(`./ppo-learner-worker${ext}`, import.meta.url).href));
    this.worker = new Worker(url, { workerData: data, transferList: [this.sync.port2], execArgv: workerExecArgv() });
    this.worker.on('message', (m: Reply) => {
      if (m.type === 'ready') this.start.started();
      else this.waiting?.(m);
    });
    const fail = (e: Error): void => {
      this.failure = new RxgymError(`the PPO learner thread failed: ${e.message}`);
      this.start.failed(this.failure);
      this.waiting?.({ type: 'error', message: e.message });
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      // any exit before dispose is a failure: a thread ended while still loading exits with code 0
      if (!this.disposed) fail(new Error(`it exited with code ${code}`));
    });
  }

  act(obs: ObsBatch, count: number, opts?: ActOptions): PolicyOutput {
    return this.policy.act(obs, count, opts);
  }

  /** The learner thread's start-up, before the training loop's clock. */
  ready(): Promise<void> {
    return this.start.promise;
  }

  private next(): Promise<Extract<Reply, { type: 'learned' }>> {
    return new Promise((resolve, reject) => {
      this.waiting = (m) => {
        this.waiting = undefined;
        if (m.type === 'learned') resolve(m);
        else
          reject(
            this.failure ?? new RxgymError(`the PPO learner thread failed: ${(m as { message?: string }).message}`),
          );
      };
      if (this.failure) reject(this.failure);
    });
  }

  async learn(batch: AnnotatedBatch): Promise<TrainStats> {
    await this.start.promise;
    // this batch was collected with the weights of `acting` updates
    const collectedWith = this.acting;
    let stats: TrainStats = {};
    if (this.pending) {
      const done = await this.pending;
      this.policy.setWeights(done.weights);
      // the learner had done version - 1 updates when it took the batch, collected after `pendingCollectedWith`
      const lag = done.version - 1 - this.pendingCollectedWith;
      this.acting = done.version;
      stats = { ...done.stats, policyLag: lag, policyLagSgdSteps: lag * this.hp.updateEpochs * this.hp.numMinibatches };
    }
    this.pending = this.next();
    // a failure is reported by the next learn; until then the promise must not count as unhandled
    this.pending.catch(() => {});
    // posting copies the batch: the rollout reuses its arrays for the next one while the learner trains on this
    this.worker.postMessage({ type: 'learn', batch });
    this.pendingCollectedWith = collectedWith;
    this.handed += 1;
    return stats;
  }

  /** A synchronous request to the learner (after the update in flight): the main thread blocks until it answers. */
  private request(type: 'save' | 'load' | 'loadWeights', dir: string): void {
    if (this.failure) throw this.failure;
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage({ type, dir });
    while (Atomics.wait(this.flag, 0, 0, 1000) === 'timed-out') {
      if (this.failure) throw this.failure;
    }
    const reply = receiveMessageOnPort(this.sync.port1)?.message as { ok: boolean; error?: string } | undefined;
    if (!reply?.ok) throw new RxgymError(reply?.error ?? 'the PPO learner thread did not answer');
  }

  save(dir: string): void {
    this.request('save', dir);
  }

  load(dir: string): void {
    this.request('load', dir);
    this.policy.load(dir);
    this.acting = this.handed;
  }

  loadWeights(dir: string): void {
    this.request('loadWeights', dir);
    this.policy.loadWeights(dir);
    this.acting = this.handed;
  }

  dispose(): void {
    this.disposed = true;
    void this.worker.terminate();
    this.sync.port1.close();
    this.policy.dispose();
  }
}
