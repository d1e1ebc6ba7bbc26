import { Box, Dict, type Space } from '../../src/core/spaces.js';
import type { RunEventOf } from '../../src/stream/events.js';
import type { TransitionBatch } from '../../src/stream/batch.js';

/** The dungeon's blstats indices (NLE order) of x, y and depth. */
const BL_X = 0, BL_Y = 1, BL_DEPTH = 12;

/** Exploration metrics of a run so far. */
export interface ExploreMetrics extends Record<string, number> {
  /** Distinct cells visited over the run (dungeon: (depth, x, y); maze: grid position; arena: unit grid cell). */
  uniqueCells: number;
  /** uniqueCells / number of cells, when the env's cell count is known. */
  coverage: number;
  /** Deepest dungeon level reached (0 when the env has no depth). */
  maxDepth: number;
  /** Distinct non-empty messages seen. */
  distinctMessages: number;
  /** Mean distinct cells per episode over the episodes that ended so far. */
  episodeUniqueCells: number;
}

type CellFn = (batch: TransitionBatch, k: number) => { cell: number; depth: number };

/** How to read a cell (and depth) from one transition's next observation, by observation space. */
function cellReader(space: Space<unknown>, resolution: number): { fn: CellFn; numCells: number | undefined } {
  if (space instanceof Dict) {
    const spaces = space.spaces as Record<string, Space<unknown>>;
    if ('blstats' in spaces) {
      return {
        numCells: undefined,
        fn: (b, k) => {
          const a = b.nextObs.blstats!, d = a.data, o = k * 27;
          const depth = d[o + BL_DEPTH]!;
          return { cell: (depth * 1000 + d[o + BL_Y]!) * 1000 + d[o + BL_X]!, depth };
        },
      };
    }
    if ('pos' in spaces) {
      const pos = spaces.pos as Box;
      const span = pos.high[0]! + 1;
      return { numCells: undefined, fn: (b, k) => ({ cell: b.nextObs.pos!.data[2 * k + 1]! * span + b.nextObs.pos!.data[2 * k]!, depth: 0 }) };
    }
  }
  if (space instanceof Box && space.size >= 2) {
    const lo = [space.low[0]!, space.low[1]!];
    const side = Number.isFinite(space.high[0]! - lo[0]!) ? Math.ceil((space.high[0]! - lo[0]!) / resolution) : 1000;
    const sideY = Number.isFinite(space.high[1]! - lo[1]!) ? Math.ceil((space.high[1]! - lo[1]!) / resolution) : 1000;
    return {
      numCells: side * sideY,
      fn: (b, k) => {
        const d = b.nextObs.obs!.data, n = space.size;
        const cx = Math.min(side - 1, Math.floor((d[k * n]! - (Number.isFinite(lo[0]!) ? lo[0]! : 0)) / resolution));
        const cy = Math.min(sideY - 1, Math.floor((d[k * n + 1]! - (Number.isFinite(lo[1]!) ? lo[1]! : 0)) / resolution));
        return { cell: cy * side + cx, depth: 0 };
      },
    };
  }
  return {
    numCells: undefined,
    fn: (b, k) => {
      const a = Object.values(b.nextObs)[0]!;
      const dim = a.shape.reduce((p, x) => p * x, 1) || 1;
      let h = 0x811c9dc5;
      for (let j = 0; j < dim; j++) h = Math.imul(h ^ (a.data[k * dim + j]! * 1000) | 0, 0x01000193);
      return { cell: h >>> 0, depth: 0 };
    },
  };
}

/**
 * Tracks exploration over a run from its transition batches: unique cells, coverage of a
 * discretised state grid, depth reached, distinct messages. `numCells` (e.g. the maze's floor
 * cells from `info.numCells`) enables coverage where the space alone does not tell.
 */
export class ExplorationTracker {
  private readonly cells = new Set<number>();
  private readonly messages = new Set<string>();
  private readonly episodeCells: Set<number>[] = [];
  private maxDepth = 0;
  private episodes = 0;
  private episodeCellSum = 0;
  private readonly read: CellFn;
  private readonly numCells: number | undefined;

  constructor(space: Space<unknown>, opts: { numCells?: number; resolution?: number } = {}) {
    const r = cellReader(space, opts.resolution ?? 1);
    this.read = r.fn;
    this.numCells = opts.numCells ?? r.numCells;
  }

  /** Fold in one batch and return the metrics so far. */
  observe(batch: TransitionBatch): ExploreMetrics {
    const N = batch.numEnvs, n = batch.numSteps * N;
    while (this.episodeCells.length < N) this.episodeCells.push(new Set());
    for (let k = 0; k < n; k++) {
      const { cell, depth } = this.read(batch, k);
      this.cells.add(cell);
      this.episodeCells[k % N]!.add(cell);
      if (depth > this.maxDepth) this.maxDepth = depth;
      const m = batch.messages?.[k];
      if (m) this.messages.add(m);
      if (batch.terminations[k] || batch.truncations[k]) {
        this.episodes++;
        this.episodeCellSum += this.episodeCells[k % N]!.size;
        this.episodeCells[k % N]!.clear();
      }
    }
    return this.metrics();
  }

  /** The metrics so far. */
  metrics(): ExploreMetrics {
    return {
      uniqueCells: this.cells.size,
      coverage: this.numCells ? this.cells.size / this.numCells : 0,
      maxDepth: this.maxDepth,
      distinctMessages: this.messages.size,
      episodeUniqueCells: this.episodes ? this.episodeCellSum / this.episodes : 0,
    };
  }
}

/** The `explore` RunEvent of the metrics at `step`. */
export function exploreEvent(step: number, metrics: ExploreMetrics): RunEventOf<'explore'> {
  return { type: 'explore', step, metrics: { ...metrics }, time: Date.now() };
}
