import type { RunControl } from './control.js';
import { runPlain } from './plain.js';
import { runScreen, checkTerminalSize } from './screen.js';
import type { ViewState } from './view-state.js';

/** Options of `watch`. */
export interface WatchOptions {
  mode: 'train' | 'play';
  /** Force the plain line reporter even on a TTY. */
  plain?: boolean;
  /** Progress line interval of the plain reporter (ms). */
  everyMs?: number;
  stepsPerSecond?: number;
}

/** True when stdout and stdin are an interactive terminal. */
export function isInteractive(): boolean {
  return Boolean(process.stdout.isTTY && process.stdin.isTTY) && process.env.TERM !== 'dumb';
}

/** Check, before anything starts, that the full-screen layout can be shown (throws the size error). */
export function precheckScreen(opts: WatchOptions): void {
  if (!opts.plain && isInteractive()) checkTerminalSize(process.stdout.columns ?? 0, process.stdout.rows ?? 0);
}

/**
 * Follow a run: the blessed layout on an interactive terminal, plain periodic lines otherwise.
 * Ctrl-C in plain mode stops the run cleanly (checkpoint), a second Ctrl-C exits at once.
 */
export async function watch(control: RunControl, opts: WatchOptions): Promise<ViewState> {
  if (!opts.plain && isInteractive())
    return runScreen(control, { mode: opts.mode, stepsPerSecond: opts.stepsPerSecond });
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    process.stdout.write('rxgym: stopping (writing a checkpoint); Ctrl-C again to exit at once\n');
    void control.stop();
  };
  process.on('SIGINT', onSigint);
  try {
    return await runPlain(control, { everyMs: opts.everyMs });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
