/** The terminal visualizer: blessed layout, plain reporter, play loop. */
export type { RunControl, FrameRequest } from './control.js';
export { watch, isInteractive, precheckScreen, type WatchOptions } from './watch.js';
export { runScreen, checkTerminalSize, MIN_COLS, MIN_ROWS, type ScreenOptions } from './screen.js';
export { runPlain, progressLine, summaryLines } from './plain.js';
export { PlayRun, randomPolicy, type PlayPolicy, type PlayOptions } from './play.js';
export { initialView, reduceView, type ViewState } from './view-state.js';
