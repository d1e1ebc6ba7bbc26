import blessed from 'blessed';
import type { Widgets } from 'blessed';
import { RxgymError } from '../core/env.js';
import type { RunControl } from './control.js';
import { fitAnsi } from './ansi-frame.js';
import { annotatorText, helpText, logText, rewardsText, scoredFrameText, statusText, trainText } from './panels.js';
import { rgbToHalfBlocks } from './rgb-frame.js';
import { initialView, reduceView, type ViewState } from './view-state.js';
import { fmtInt } from './format.js';

/** The smallest terminal the layout fits in. */
export const MIN_COLS = 100;
export const MIN_ROWS = 30;

/** Frame intervals (ms) selectable with +/- while training; the default is 250 ms. */
const FRAME_MS = [2000, 1000, 500, 250, 100, 50];
/** Steps per second selectable with +/- in play mode. */
const PLAY_SPS = [1, 2, 5, 10, 20, 50, 100, 1000, Infinity];

/** Options of the full-screen viewer. */
export interface ScreenOptions {
  mode: 'train' | 'play';
  /** Initial play speed (steps per second per env); play mode only. */
  stepsPerSecond?: number;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** A clear error when the terminal is smaller than the layout needs. */
export function checkTerminalSize(cols: number, rows: number): void {
  if (cols < MIN_COLS || rows < MIN_ROWS) {
    throw new RxgymError(
      `terminal is ${cols}x${rows}; rxgym watch needs at least ${MIN_COLS}x${MIN_ROWS} (columns x rows). ` +
        'Enlarge the window, or pipe the output (e.g. `| cat`) for plain progress lines.',
    );
  }
}

/**
 * Run the blessed layout over a run until it ends or the user quits with `q`.
 * Resolves with the final view state; the terminal is restored in every case.
 */
export async function runScreen(control: RunControl, opts: ScreenOptions): Promise<ViewState> {
  const out = (opts.output ?? process.stdout) as NodeJS.WriteStream;
  checkTerminalSize(out.columns ?? 0, out.rows ?? 0);
  const state = initialView();
  // Draw borders with unicode box characters rather than the ACS charset (what terminals and tmux render alike).
  process.env.NCURSES_NO_UTF8_ACS ??= '1';
  const screen = blessed.screen({
    smartCSR: true,
    title: 'rxgym watch',
    warnings: false,
    input: opts.input as never,
    output: opts.output as never,
    fullUnicode: true,
    forceUnicode: true,
    dockBorders: true,
  });
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    try {
      screen.destroy();
    } catch {
      // the terminal may already be gone; nothing more to restore
    }
  };
  process.once('exit', restore);

  const panel = (label: string): Widgets.BoxElement =>
    blessed.box({
      parent: screen,
      label: ` ${label} `,
      border: { type: 'line' },
      tags: false,
      style: { border: { fg: 'blue' }, label: { fg: 'white', bold: true } },
    });
  const world = panel('world');
  const status = panel('run');
  const train = panel('training');
  const annot = panel('annotator');
  const log = panel('messages & labels');
  const rewards = panel('rewards');
  // shown only in runs whose reward stack scores frames (a vlm source): the frame beside its reward
  const scored = panel('scored frame');
  scored.hide();
  const help = blessed.box({ parent: screen, height: 1, tags: false });
  const small = blessed.box({
    parent: screen,
    top: 'center',
    left: 'center',
    width: '90%',
    height: 3,
    border: { type: 'line' },
    hidden: true,
  });

  let dirty = true;
  // Anything written to stderr while the screen is up (warnings, library logs) goes to the message log instead.
  const stderrWrite = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    for (const line of String(chunk).split('\n')) if (line.trim()) state.log.push({ kind: 'info', text: line.trim() });
    dirty = true;
    return true;
  }) as typeof process.stderr.write;
  let paused = false;
  let rewardBig = false;
  let quitting = false;
  let envIndex = 0;
  let frameLevel = FRAME_MS.indexOf(250);
  let playLevel = Math.max(0, PLAY_SPS.indexOf(opts.stepsPerSecond ?? 10));
  if (opts.stepsPerSecond !== undefined && PLAY_SPS.indexOf(opts.stepsPerSecond) < 0)
    playLevel = PLAY_SPS.findIndex((x) => x >= opts.stepsPerSecond!);
  if (playLevel < 0) playLevel = PLAY_SPS.length - 1;

  const speedLabel = (): string => {
    if (opts.mode === 'play') {
      const sps = PLAY_SPS[playLevel]!;
      return sps === Infinity ? 'full speed' : `${sps} steps/s`;
    }
    return `${+(1000 / FRAME_MS[frameLevel]!).toFixed(1)} frames/s`;
  };
  const frameEvery = (): number => {
    const ms = FRAME_MS[frameLevel]!;
    if (opts.mode !== 'play') return ms;
    const sps = PLAY_SPS[playLevel]!;
    return Math.max(50, Math.min(ms, sps === Infinity ? 100 : 1000 / sps));
  };
  const applySpeed = (): void => {
    if (opts.mode === 'play') control.setStepsPerSecond?.(PLAY_SPS[playLevel]!);
    control.requestFrames({ envIndex, everyMs: frameEvery() });
  };

  const layout = (): void => {
    const W = screen.width as number;
    const H = screen.height as number;
    const tooSmall = W < MIN_COLS || H < MIN_ROWS;
    for (const b of [world, status, train, annot, log, rewards, help]) tooSmall ? b.hide() : b.show();
    if (tooSmall || rewardBig || !state.scored) scored.hide();
    if (tooSmall) {
      small.setContent(
        ` terminal is ${W}x${H}; rxgym watch needs at least ${MIN_COLS}x${MIN_ROWS}. Enlarge it, or press q to quit.`,
      );
      small.show();
      return;
    }
    small.hide();
    const RW = W >= 130 ? 46 : 40;
    const logH = Math.max(8, Math.floor((H - 1) * 0.28));
    const topH = H - 1 - logH;
    const annotH = 5;
    const statusH = 10;
    const trainH = Math.max(4, topH - statusH - annotH);
    Object.assign(status.position, { left: W - RW, top: 0, width: RW, height: statusH });
    Object.assign(train.position, { left: W - RW, top: statusH, width: RW, height: trainH });
    Object.assign(annot.position, { left: W - RW, top: statusH + trainH, width: RW, height: topH - statusH - trainH });
    Object.assign(log.position, { left: 0, top: topH, width: W - RW, height: logH });
    Object.assign(help.position, { left: 0, top: H - 1, width: W, height: 1 });
    if (rewardBig) {
      world.hide();
      Object.assign(rewards.position, { left: 0, top: 0, width: W - RW, height: topH });
      Object.assign(log.position, { left: 0, top: topH, width: W, height: logH });
      log.width = W;
    } else {
      world.show();
      // a scored frame takes the right part of the world area (at most 50 columns, at least half for the world)
      const SW = state.scored ? Math.min(50, Math.floor((W - RW) / 2)) : 0;
      Object.assign(world.position, { left: 0, top: 0, width: W - RW - SW, height: topH });
      Object.assign(rewards.position, { left: W - RW, top: topH, width: RW, height: logH });
      if (SW > 0) {
        scored.show();
        Object.assign(scored.position, { left: W - RW - SW, top: 0, width: SW, height: topH });
      }
    }
  };

  const draw = (): void => {
    if (restored) return;
    layout();
    const inner = (b: Widgets.BoxElement): [number, number] => [
      Math.max(1, (b.width as number) - 2),
      Math.max(1, (b.height as number) - 2),
    ];
    const [ww, wh] = inner(world);
    world.setLabel(` world · env ${state.frameEnv}${state.frame ? ` · step ${fmtInt(state.frameStep)}` : ''} `);
    if (state.frame === undefined) world.setContent(state.ended ? '' : '\x1b[2mwaiting for the first frame…\x1b[0m');
    else
      world.setContent(
        typeof state.frame === 'string' ? fitAnsi(state.frame, ww, wh) : rgbToHalfBlocks(state.frame, ww, wh),
      );
    if (state.scored && !scored.hidden) {
      const [sw, sh] = inner(scored);
      scored.setContent(scoredFrameText(state, sw, sh));
    }
    status.setContent(statusText(state, { paused, speed: speedLabel(), mode: opts.mode }));
    const [tw] = inner(train);
    train.setContent(trainText(state, tw));
    annot.setContent(annotatorText(state));
    const [lw, lh] = inner(log);
    log.setContent(logText(state, lw, lh));
    const [rw] = inner(rewards);
    rewards.setLabel(rewardBig ? ' rewards (detail; r to close) ' : ' rewards (r: detail) ');
    rewards.setContent(rewardsText(state, rw, rewardBig));
    help.setContent(
      quitting
        ? ' \x1b[33mstopping: writing the checkpoint…\x1b[0m'
        : state.ended
          ? ' run finished: press q to exit'
          : helpText(opts.mode),
    );
    screen.render();
  };

  const sub = control.events$.subscribe({
    next: (ev) => {
      reduceView(state, ev);
      if (ev.type === 'start' && state.numEnvs > 0) envIndex = Math.min(envIndex, state.numEnvs - 1);
      dirty = true;
    },
    error: () => {
      dirty = true;
    },
  });
  const timer = setInterval(() => {
    if (dirty) {
      dirty = false;
      draw();
    }
  }, 100);

  let finish: (() => void) | undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const quit = async (): Promise<void> => {
    if (quitting) return;
    quitting = true;
    draw();
    try {
      await control.stop();
    } finally {
      finish?.();
    }
  };

  screen.key(['space'], () => {
    if (quitting || state.ended) return;
    paused = !paused;
    if (paused) control.pause();
    else control.resume();
    dirty = true;
  });
  screen.key(['n'], () => {
    if (paused && !quitting) control.stepOnce();
  });
  screen.key(['+', '='], () => {
    if (opts.mode === 'play') playLevel = Math.min(PLAY_SPS.length - 1, playLevel + 1);
    else frameLevel = Math.min(FRAME_MS.length - 1, frameLevel + 1);
    applySpeed();
    dirty = true;
  });
  screen.key(['-', '_'], () => {
    if (opts.mode === 'play') playLevel = Math.max(0, playLevel - 1);
    else frameLevel = Math.max(0, frameLevel - 1);
    applySpeed();
    dirty = true;
  });
  screen.key(['tab'], () => {
    const n = Math.max(1, state.numEnvs);
    envIndex = (envIndex + 1) % n;
    state.frame = undefined;
    applySpeed();
    dirty = true;
  });
  screen.key(['r'], () => {
    rewardBig = !rewardBig;
    dirty = true;
  });
  screen.key(['q', 'C-c'], () => void quit());
  screen.on('resize', () => {
    dirty = true;
  });

  applySpeed();
  draw();
  try {
    await Promise.race([
      control.done.then(
        () => undefined,
        () => undefined,
      ),
      finished,
    ]);
    if (!quitting) {
      // The run ended by itself: leave the final screen up until the user presses q.
      draw();
      await new Promise<void>((resolve) => screen.key(['q', 'C-c', 'enter', 'escape'], () => resolve()));
    }
    await control.done.catch(() => undefined);
  } finally {
    clearInterval(timer);
    sub.unsubscribe();
    control.requestFrames(null);
    restore();
    process.stderr.write = stderrWrite;
    process.removeListener('exit', restore);
  }
  return state;
}
