import { constants } from 'node:os';

/** The signals that stop a run or a benchmark gracefully: Ctrl-C, `kill`/`timeout`/`docker stop`, a closed terminal. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Call `onStop(signal)` whenever a stop signal arrives, until the returned function is called. While listening, the
 * signals no longer kill the process. A closed terminal (SIGHUP) makes later writes to stdout/stderr fail, so those
 * errors are ignored from then on instead of crashing the process before it has written its checkpoint.
 */
export function onStopSignals(onStop: (signal: NodeJS.Signals) => void): () => void {
  const handlers = STOP_SIGNALS.map((sig) => {
    const h = (): void => {
      if (sig === 'SIGHUP') ignoreOutputErrors();
      onStop(sig);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  return () => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
  };
}

function ignoreOutputErrors(): void {
  for (const s of [process.stdout, process.stderr]) if (s.listenerCount('error') === 0) s.on('error', () => undefined);
}

/** The conventional exit code of a process stopped by `signal`: 128 + its number (130 for SIGINT). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 2);
}
