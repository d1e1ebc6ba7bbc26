import type { Observable } from 'rxjs';
import type { RunEvent } from '../stream/events.js';

/** Which env's frames to stream, and how often at most. */
export interface FrameRequest {
  envIndex: number;
  everyMs: number;
}

/**
 * What a viewer needs from a running thing (a training run's RunHandle, or a play loop):
 * the event stream and the controls. H3's `RunHandle` satisfies it structurally.
 */
export interface RunControl {
  /** Hot stream of run events; completes when the run ends. */
  readonly events$: Observable<RunEvent>;
  /** Resolves when the run has finished (budget, stop or error). */
  readonly done: Promise<unknown>;
  pause(): void;
  resume(): void;
  /** One rollout batch (training) or one step of every env (play) while paused. */
  stepOnce(): void;
  /** Stops cleanly (a training run writes a checkpoint) and completes the stream. */
  stop(): Promise<void>;
  /** Start (or with null stop) `frame` events for one env, at most one per `everyMs`. */
  requestFrames(opts: FrameRequest | null): void;
  /** Optional: play loops can be slowed to a watchable number of steps per second (Infinity = full speed). */
  setStepsPerSecond?(sps: number): void;
}
