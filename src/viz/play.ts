import { Subject } from 'rxjs';
import { Rng } from '../core/rng.js';
import type { TypedArray } from '../core/spaces.js';
import type { VecInfo, VecObs, VectorEnv } from '../core/vector/types.js';
import type { RunEvent } from '../stream/events.js';
import type { FrameRequest, RunControl } from './control.js';

/** Chooses one action per env from the batched observation. */
export type PlayPolicy = (obs: VecObs) => TypedArray | ArrayLike<number>;

/** Options of a play loop. */
export interface PlayOptions {
  envId: string;
  /** Name shown as the agent ('random', or the checkpoint's agent). */
  agent: string;
  seed: number;
  /** Stop after this many vector steps (default: until stopped). */
  maxSteps?: number;
  /** Steps per second (each step advances every env); Infinity = as fast as possible. */
  stepsPerSecond?: number;
}

/** A policy that samples every env's action space with a seeded Rng. */
export function randomPolicy(vec: VectorEnv, seed: number): PlayPolicy {
  const rng = new Rng(seed);
  const space = vec.singleActionSpace;
  return () => {
    const out: number[] = [];
    for (let i = 0; i < vec.numEnvs; i++) {
      const a = space.sample(rng) as unknown;
      if (typeof a === 'number') out.push(a);
      else if (ArrayBuffer.isView(a)) out.push(...(a as unknown as ArrayLike<number> as unknown as number[]));
      else throw new Error(`random play supports numeric action spaces; got ${JSON.stringify(space.toJSON())}`);
    }
    return Float64Array.from(out);
  };
}

/**
 * Play a policy on a vector env without learning, as a RunControl the viewer can drive:
 * the same RunEvents a training run emits (start, episode, batch, frame, end), pause/step/speed controls.
 */
export class PlayRun implements RunControl {
  private readonly subject = new Subject<RunEvent>();
  readonly events$ = this.subject.asObservable();
  readonly done: Promise<{ steps: number; episodes: number }>;
  private resolveDone!: (v: { steps: number; episodes: number }) => void;
  private rejectDone!: (e: unknown) => void;
  private paused = false;
  private stopped = false;
  private pendingSteps = 0;
  private sps: number;
  private frames: FrameRequest | null = null;
  private lastFrame = 0;
  private step = 0;
  private episodes = 0;
  private readonly returns: Float64Array;
  private readonly lengths: Int32Array;
  private readonly skipNext: Uint8Array;
  private readonly messages: string[][];
  private obs: VecObs;
  private timer: NodeJS.Timeout | undefined;
  private batchSteps = 0;
  private batchStart = Date.now();

  constructor(
    private readonly vec: VectorEnv,
    private readonly policy: PlayPolicy,
    private readonly opts: PlayOptions,
  ) {
    this.sps = opts.stepsPerSecond ?? Infinity;
    const n = vec.numEnvs;
    this.returns = new Float64Array(n);
    this.lengths = new Int32Array(n);
    this.skipNext = new Uint8Array(n);
    this.messages = Array.from({ length: n }, () => []);
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.obs = vec.reset({ seed: opts.seed }).obs;
    // Start on the next tick so subscribers attached right after construction see 'start'.
    setImmediate(() => {
      this.emit({
        type: 'start',
        runId: `play-${opts.seed}`,
        env: opts.envId,
        agent: opts.agent,
        numEnvs: n,
        seed: opts.seed,
        time: Date.now(),
      });
      this.schedule();
    });
  }

  pause(): void {
    if (this.paused || this.stopped) return;
    this.paused = true;
    // Report the exact position now, so a paused screen shows where the loop stopped.
    this.emitBatch(true);
    this.emitFrame(true);
  }
  resume(): void {
    this.paused = false;
    this.schedule();
  }
  stepOnce(): void {
    if (!this.paused || this.stopped) return;
    this.pendingSteps += 1;
    this.schedule();
  }
  setStepsPerSecond(sps: number): void {
    this.sps = sps > 0 ? sps : 1;
    this.schedule();
  }
  requestFrames(opts: FrameRequest | null): void {
    this.frames = opts && {
      envIndex: Math.max(0, Math.min(this.vec.numEnvs - 1, opts.envIndex)),
      everyMs: Math.max(0, opts.everyMs),
    };
    this.lastFrame = 0;
    if (this.frames && this.step > 0) this.emitFrame(true);
  }
  async stop(): Promise<void> {
    if (!this.stopped) this.finish('stopped');
    await this.done.catch(() => undefined);
  }

  private emit(ev: RunEvent): void {
    this.subject.next(ev);
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const delay = this.paused ? 0 : this.sps === Infinity ? 0 : 1000 / this.sps;
    this.timer = setTimeout(() => this.tick(), this.paused && this.pendingSteps === 0 ? 1 << 30 : delay);
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    try {
      if (this.paused) {
        if (this.pendingSteps > 0) {
          this.pendingSteps -= 1;
          this.stepAll();
          this.emitFrame(true);
          this.emitBatch(true);
        }
      } else if (this.sps === Infinity) {
        const until = Date.now() + 20;
        while (Date.now() < until && !this.budgetSpent()) this.stepAll();
      } else {
        this.stepAll();
      }
      if (this.stopped) return;
      this.emitFrame(false);
      this.emitBatch(false);
      if (this.budgetSpent()) {
        this.emitBatch(true);
        this.finish('budget');
        return;
      }
    } catch (err) {
      this.emit({ type: 'error', source: 'play', message: (err as Error).message, fatal: true, time: Date.now() });
      this.stopped = true;
      this.subject.complete();
      this.vec.close();
      this.rejectDone(err);
      return;
    }
    this.schedule();
  }

  private budgetSpent(): boolean {
    return this.opts.maxSteps !== undefined && this.step >= this.opts.maxSteps;
  }

  private stepAll(): void {
    const actions = this.policy(this.obs);
    const r = this.vec.step(actions);
    this.obs = r.obs;
    const n = this.vec.numEnvs;
    this.step += 1;
    this.batchSteps += n;
    const messages = infoArray(r.infos, 'message');
    const success = infoArray(r.infos, 'success');
    for (let i = 0; i < n; i++) {
      if (this.skipNext[i]) {
        // next-step autoreset: this step only reset env i
        this.skipNext[i] = 0;
        continue;
      }
      this.returns[i]! += r.rewards[i]!;
      this.lengths[i]! += 1;
      const m = messages?.[i];
      if (typeof m === 'string' && m !== '') {
        const buf = this.messages[i]!;
        buf.push(m);
        if (buf.length > 20) buf.shift();
      }
      if (r.terminations[i] || r.truncations[i]) {
        this.episodes += 1;
        const s = success?.[i];
        this.emit({
          type: 'episode',
          step: this.step * n,
          envIndex: i,
          return: this.returns[i]!,
          length: this.lengths[i]!,
          success: typeof s === 'boolean' ? s : typeof s === 'number' ? s > 0 : undefined,
          time: Date.now(),
        });
        this.returns[i] = 0;
        this.lengths[i] = 0;
        if (this.vec.autoresetMode === 'next-step') this.skipNext[i] = 1;
      }
    }
  }

  private emitFrame(force: boolean): void {
    const req = this.frames;
    if (!req) return;
    const now = Date.now();
    if (!force && now - this.lastFrame < req.everyMs) return;
    this.lastFrame = now;
    const frame = this.vec.render(req.envIndex);
    if (frame === undefined) return;
    const msgs = this.messages[req.envIndex]!.splice(0);
    this.emit({
      type: 'frame',
      step: this.step * this.vec.numEnvs,
      envIndex: req.envIndex,
      frame,
      messages: msgs,
      time: now,
    });
  }

  private emitBatch(force: boolean): void {
    const now = Date.now();
    const dt = now - this.batchStart;
    if (!force && dt < 500) return;
    this.emit({
      type: 'batch',
      step: this.step * this.vec.numEnvs,
      steps: this.batchSteps,
      sps: dt > 0 ? (this.batchSteps * 1000) / dt : 0,
      time: now,
    });
    this.batchSteps = 0;
    this.batchStart = now;
  }

  private finish(reason: 'budget' | 'stopped'): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.emit({
      type: 'end',
      step: this.step * this.vec.numEnvs,
      reason,
      summary: { episodes: this.episodes },
      time: Date.now(),
    });
    this.subject.complete();
    this.vec.close();
    this.resolveDone({ steps: this.step * this.vec.numEnvs, episodes: this.episodes });
  }
}

/** `infos[key]` where the `_key` mask says it is set, else undefined entries. */
function infoArray(infos: VecInfo, key: string): unknown[] | undefined {
  const values = infos[key] as ArrayLike<unknown> | undefined;
  if (!values) return undefined;
  const mask = infos[`_${key}`] as ArrayLike<unknown> | undefined;
  const out: unknown[] = [];
  for (let i = 0; i < values.length; i++) out.push(mask && !mask[i] ? undefined : values[i]);
  return out;
}
