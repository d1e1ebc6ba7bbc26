import type { Rng } from '../core/rng.js';

/** Delay before retry number `attempt` (0-based): `base * 2^attempt`, capped, times a jitter factor in [0.5, 1.5). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, rng: Rng): number {
  const raw = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.min(maxMs, raw * rng.uniform(0.5, 1.5));
}

/** Resolve after `ms` milliseconds, or at once when `signal` aborts (the caller checks `signal.aborted`). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
