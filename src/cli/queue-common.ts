import { constants } from 'node:os';
import { UsageError } from './usage.js';

/** An integer option of at least `min`, or a usage error (exit 2) naming the flag. */
export function intOption(name: string, v: string, min: number): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name}: expected an integer >= ${min}, got "${v}"`);
  }
  return n;
}

/**
 * Call `onStop(signal, count)` for SIGINT, SIGTERM and SIGHUP (count: how many arrived so far) until the returned
 * function is called; while listening they no longer kill the process.
 */
export function onSignals(onStop: (signal: NodeJS.Signals, count: number) => void): () => void {
  let count = 0;
  const sigs: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handlers = sigs.map((sig) => {
    const h = (): void => onStop(sig, ++count);
    process.on(sig, h);
    return [sig, h] as const;
  });
  return () => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
  };
}

/** 128 + the signal's number, the exit code of a process stopped by it. */
export function exitCodeOf(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 2);
}
