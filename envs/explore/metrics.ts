import { unwrap } from '../../src/core/wrapper.js';
import { Box, Dict, type Space } from '../../src/core/spaces.js';
import { SyncVectorEnv } from '../../src/core/vector/sync.js';
import type { VectorEnv } from '../../src/core/vector/types.js';
import type { RunEventOf } from '../../src/stream/events.js';
import type { TransitionBatch } from '../../src/stream/batch.js';
import { COLS as GAME_COLS } from '../dungeon/consts.js';
import { DungeonEnv } from '../dungeon/env.js';

/** The dungeon's blstats indices (NLE order) of x, y and depth. */
const BL_X = 0, BL_Y = 1, BL_DEPTH = 12;
/** The dungeon map is 80 x 21 at most: cell `depth * LEVEL + y * 80 + x` is distinct for every (depth, x, y), and small. */
const COLS = 80, LEVEL = 2048;
/** Cells below this get their dense index from a typed array (grown by doubling), larger ones (hashes) from a Map. */
const DENSE_MAX = 1 << 22;

/** Exploration metrics of a run so far. */
export interface ExploreMetrics extends Record<string, number | undefined> {
  /** Distinct cells visited over the run (dungeon: (depth, x, y); maze: grid position; arena: unit grid cell). */
  uniqueCells: number;
  /** uniqueCells / number of cells; present only when the env's cell count is known (maze, arena). */
  coverage?: number;
  /** Deepest dungeon level reached (0 when the env has no depth). */
  maxDepth: number;
  /** Distinct non-empty messages seen. */
  distinctMessages: number;
  /** Mean distinct cells per episode over the episodes that ended so far. */
  episodeUniqueCells: number;
}

/**
 * How to read a transition's cell: from the batch's next observation (`k` = t * N + i), or after each vector step from
 * the live sub-env `i` (for envs whose observation does not carry the position). Sets `depth` as a side effect, so that
 * reading allocates nothing.
 */
export interface CellReader {
  /** 'batch': `cell(b, k)` reads `b.nextObs`; 'step': `cell(b, i)` reads sub-env i right after a vector step. */
  readonly mode: 'batch' | 'step';
  readonly numCells: number | undefined;
  cell(b: TransitionBatch, k: number): number;
  depth: number;
}

function blstatsReader(): CellReader {
  return {
    mode: 'batch', numCells: undefined, depth: 0,
    cell(b, k) {
      const d = b.nextObs.blstats!.data, o = k * 27;
      this.depth = d[o + BL_DEPTH]!;
      return this.depth * LEVEL + d[o + BL_Y]! * COLS + d[o + BL_X]!;
    },
  };
}

function posReader(pos: Box, numCells: number | undefined): CellReader {
  const span = pos.high[0]! + 1;
  return {
    mode: 'batch', numCells, depth: 0,
    cell: (b, k) => b.nextObs.pos!.data[2 * k + 1]! * span + b.nextObs.pos!.data[2 * k]!,
  };
}

/** A grid of `resolution`-sized cells over the first two entries of a Box observation (finite bounds: counted cells). */
function boxReader(space: Box, resolution: number): CellReader {
  const lo0 = Number.isFinite(space.low[0]!) ? space.low[0]! : 0;
  const lo1 = Number.isFinite(space.low[1]!) ? space.low[1]! : 0;
  const finite = Number.isFinite(space.high[0]! - space.low[0]!) && Number.isFinite(space.high[1]! - space.low[1]!);
  const side = finite ? Math.ceil((space.high[0]! - lo0) / resolution) : 1000;
  const sideY = finite ? Math.ceil((space.high[1]! - lo1) / resolution) : 1000;
  const n = space.size;
  return {
    mode: 'batch', numCells: finite ? side * sideY : undefined, depth: 0,
    cell(b, k) {
      const d = b.nextObs.obs!.data;
      const cx = Math.max(0, Math.min(side - 1, Math.floor((d[k * n]! - lo0) / resolution)));
      const cy = Math.max(0, Math.min(sideY - 1, Math.floor((d[k * n + 1]! - lo1) / resolution)));
      return cy * side + cx;
    },
  };
}

/** A hash of the first observation key: distinct states, for discrete observations. */
function hashReader(): CellReader {
  return {
    mode: 'batch', numCells: undefined, depth: 0,
    cell(b, k) {
      let a = b.nextObs.obs;
      if (!a) for (const key in b.nextObs) { a = b.nextObs[key]; break; }
      let dim = 1;
      for (const x of a!.shape) dim *= x;
      let h = 0x811c9dc5;
      for (let j = 0; j < dim; j++) h = Math.imul(h ^ (a!.data[k * dim + j]! * 1000) | 0, 0x01000193);
      return h >>> 0;
    },
  };
}

/**
 * The dungeon's live position of each sub-env of an in-process vector env (observations without blstats), read after
 * every vector step. The cell where an episode ends is not seen (the env has already been reset by then).
 */
export function dungeonStepReader(envs: DungeonEnv[]): CellReader {
  return {
    mode: 'step', numCells: undefined, depth: 0,
    cell(_b, i) {
      const g = envs[i]!.game;
      this.depth = g.depth;
      return g.depth * LEVEL + ((g.pos / GAME_COLS) | 0) * COLS + (g.pos % GAME_COLS);
    },
  };
}

/** How to read a cell (and depth) from one transition's next observation, by observation space. */
function cellReader(space: Space<unknown>, resolution: number): CellReader {
  if (space instanceof Dict) {
    const spaces = space.spaces as Record<string, Space<unknown>>;
    if ('blstats' in spaces) return blstatsReader();
    if ('pos' in spaces && spaces.pos instanceof Box) return posReader(spaces.pos, undefined);
  }
  if (space instanceof Box && space.size >= 2) return boxReader(space, resolution);
  return hashReader();
}

/**
 * Tracks exploration over a run from its transition batches: unique cells, coverage of a
 * discretised state grid, depth reached, distinct messages. `numCells` (e.g. the maze's floor
 * cells from `info.numCells`) enables coverage where the space alone does not tell.
 * Folding in a batch allocates nothing per transition (a Set grows only with new cells and messages).
 */
export class ExplorationTracker {
  /** Every cell seen, with a dense index (its position in the per-env stamp arrays): small cells in `dense` (index + 1), others in `index`. */
  private readonly index = new Map<number, number>();
  private dense = new Int32Array(1024);
  private count = 0;
  private readonly messages = new Set<string>();
  /** Per env: for each dense cell index, the serial of the last episode that visited it (0: none). */
  private stamps: Int32Array[] = [];
  /** Per env: the serial of its current episode, and the distinct cells it visited so far. */
  private serial = new Int32Array(0);
  private epCells = new Int32Array(0);
  private maxDepth = 0;
  private episodes = 0;
  private episodeCellSum = 0;
  private readonly read: CellReader;
  private readonly numCells: number | undefined;

  constructor(space: Space<unknown>, opts: { numCells?: number; resolution?: number; reader?: CellReader } = {}) {
    this.read = opts.reader ?? cellReader(space, opts.resolution ?? 1);
    this.numCells = opts.numCells ?? this.read.numCells;
  }

  private ensureEnvs(n: number): void {
    if (this.serial.length >= n) return;
    const serial = new Int32Array(n).fill(1), ep = new Int32Array(n);
    serial.set(this.serial);
    ep.set(this.epCells);
    this.serial = serial;
    this.epCells = ep;
    while (this.stamps.length < n) this.stamps.push(new Int32Array(Math.max(64, this.stamps[0]?.length ?? 0)));
  }

  /** The dense index of a cell, -1 if new. */
  private lookup(cell: number): number {
    if (cell >= 0 && cell < DENSE_MAX && Number.isInteger(cell)) return cell < this.dense.length ? this.dense[cell]! - 1 : -1;
    return this.index.get(cell) ?? -1;
  }

  private visit(i: number, cell: number): void {
    let id = this.lookup(cell);
    if (id < 0) {
      id = this.count++;
      if (cell >= 0 && cell < DENSE_MAX && Number.isInteger(cell)) {
        if (cell >= this.dense.length) {
          let len = this.dense.length;
          while (len <= cell) len *= 2;
          const bigger = new Int32Array(len);
          bigger.set(this.dense);
          this.dense = bigger;
        }
        this.dense[cell] = id + 1;
      } else this.index.set(cell, id);
      if (id >= this.stamps[0]!.length) {
        // grow every env's stamps (doubling: amortised, never per step)
        for (let e = 0; e < this.stamps.length; e++) {
          const bigger = new Int32Array(this.stamps[e]!.length * 2);
          bigger.set(this.stamps[e]!);
          this.stamps[e] = bigger;
        }
      }
    }
    const st = this.stamps[i]!;
    if (st[id] !== this.serial[i]) {
      st[id] = this.serial[i]!;
      this.epCells[i]!++;
    }
    if (this.read.depth > this.maxDepth) this.maxDepth = this.read.depth;
  }

  private endEpisode(i: number): void {
    this.episodes++;
    this.episodeCellSum += this.epCells[i]!;
    this.epCells[i] = 0;
    this.serial[i]!++;
  }

  /**
   * For step-mode readers: fold in vector step `t` of the batch being collected, right after the step (the rollout's
   * `onStep`). An env whose episode just ended has already been reset, so its position starts its next episode.
   */
  afterStep(batch: TransitionBatch, t: number): void {
    if (this.read.mode !== 'step') return;
    const N = batch.numEnvs;
    this.ensureEnvs(N);
    for (let i = 0; i < N; i++) {
      const k = t * N + i;
      if (batch.terminations[k] || batch.truncations[k]) this.endEpisode(i);
      this.visit(i, this.read.cell(batch, i));
    }
  }

  /** Fold in one batch and return the metrics so far. */
  observe(batch: TransitionBatch): ExploreMetrics {
    const N = batch.numEnvs, n = batch.numSteps * N;
    this.ensureEnvs(N);
    if (this.read.mode === 'batch') {
      for (let k = 0; k < n; k++) {
        const i = k % N;
        this.visit(i, this.read.cell(batch, k));
        if (batch.terminations[k] || batch.truncations[k]) this.endEpisode(i);
      }
    }
    const msgs = batch.messages;
    if (msgs) {
      for (let k = 0; k < n; k++) {
        const m = msgs[k]!;
        if (m.length > 0) this.messages.add(m);
      }
    }
    return this.metrics();
  }

  /** The metrics so far. */
  metrics(): ExploreMetrics {
    return {
      uniqueCells: this.count,
      ...(this.numCells ? { coverage: this.count / this.numCells } : {}),
      maxDepth: this.maxDepth,
      distinctMessages: this.messages.size,
      episodeUniqueCells: this.episodes ? this.episodeCellSum / this.episodes : 0,
    };
  }
}

/**
 * The tracker of a training run's vector env, or undefined for envs whose position rxgym cannot read cheaply:
 * - the dungeon (every `Dungeon-*`, custom levels and `Explore-Dungeon-v0`): (depth, x, y) from blstats, or, when the
 *   observation has no blstats and the vector env is in-process, from each sub-env's game after every step; messages;
 * - Explore-Maze-v0: the grid position, coverage of its floor cells (in-process vector env: the cell count is read from the env);
 * - Explore-Arena-v0: the unit grid cell of the position, coverage of its cells.
 * Other envs (classic control, MuJoCo) get none.
 */
export function explorationFor(envId: string, vec: VectorEnv): ExplorationTracker | undefined {
  const space = vec.singleObservationSpace;
  const subEnvs = vec instanceof SyncVectorEnv ? vec.envs.map((e) => unwrap(e)) : undefined;
  if (space instanceof Dict && 'blstats' in space.spaces) return new ExplorationTracker(space);
  if (subEnvs && subEnvs.length > 0 && subEnvs.every((e) => e instanceof DungeonEnv)) return new ExplorationTracker(space, { reader: dungeonStepReader(subEnvs as DungeonEnv[]) });
  if (/^Explore-Maze-/.test(envId) && space instanceof Dict && space.spaces.pos instanceof Box) {
    const n = (subEnvs?.[0] as { numCells?: unknown } | undefined)?.numCells;
    return new ExplorationTracker(space, { reader: posReader(space.spaces.pos, typeof n === 'number' ? n : undefined) });
  }
  if (/^Explore-Arena-/.test(envId) && space instanceof Box) return new ExplorationTracker(space);
  return undefined;
}

/** The `explore` RunEvent of the metrics at `step`. */
export function exploreEvent(step: number, metrics: ExploreMetrics): RunEventOf<'explore'> {
  const m: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) if (v !== undefined) m[k] = v;
  return { type: 'explore', step, metrics: m, time: Date.now() };
}
