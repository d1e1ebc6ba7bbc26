import { Subject } from 'rxjs';
import type { CollectRequest } from '../stream/rollout.js';

/**
 * Paces a phase's rollout: one collect request at a time, each on its own macrotask (so pause, stop, frames and the
 * reward sources' callbacks get a turn between batches). Completing `requests$` ends the phase's pipeline.
 */
export class Pacer {
  readonly requests$ = new Subject<CollectRequest>();
  private inFlight = false;
  private paused = false;
  private stopping = false;
  private closed = false;

  /** `request` builds the next batch's collect request when it is sent. */
  constructor(private readonly request: () => CollectRequest) {}

  /** True while a batch is being collected, annotated or learned from. */
  get busy(): boolean {
    return this.inFlight;
  }

  /** A batch has been fully processed: ask for the next one unless paused or stopping. */
  done(): void {
    this.inFlight = false;
    this.next();
  }

  /** Ask for the next batch when nothing is in flight. */
  next(): void {
    if (this.closed || this.inFlight) return;
    if (this.stopping) {
      this.close();
      return;
    }
    if (!this.paused) this.launch();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.next();
  }

  /** One batch while paused. */
  stepOnce(): void {
    if (this.paused && !this.inFlight && !this.closed) this.launch();
  }

  /** Finish the batch in flight, then complete `requests$`. */
  stop(): void {
    this.stopping = true;
    if (!this.inFlight) this.close();
  }

  /** Complete `requests$` now (the phase ends; nothing is in flight or the budget is spent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.requests$.complete();
  }

  private launch(): void {
    this.inFlight = true;
    setImmediate(() => {
      if (this.closed) return;
      this.requests$.next(this.request());
    });
  }
}
