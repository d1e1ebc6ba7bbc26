import type { TransitionBatch } from '../../src/stream/batch.js';

/**
 * Tracks which episode each env is in, so episodic state (counts, E3B's inverse) can restart:
 * `enter(i, id)` returns true when env `i` starts an episode not seen before.
 */
export class EpisodeTracker {
  private readonly ids: Int32Array;
  constructor(numEnvs: number) {
    this.ids = new Int32Array(numEnvs).fill(-1);
  }
  /** Plain state for checkpoints. */
  state(): number[] {
    return Array.from(this.ids);
  }
  /** Restore `state()`. */
  restore(s: number[]): void {
    this.ids.set(s);
  }
  /** True when the transition at `k` of `batch` opens a new episode for its env. */
  enter(batch: TransitionBatch, k: number): boolean {
    const i = k % batch.numEnvs;
    const id = batch.episodeIds[k]!;
    if (id !== this.ids[i]) {
      this.ids[i] = id;
      return true;
    }
    return false;
  }
}
