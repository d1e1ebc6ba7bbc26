import { Box, Dict, type Space } from '../core/spaces.js';
import {
  capabilitiesOf,
  isExplorationCellSource,
  type EnvCapabilities,
  type ExplorationCellSource,
} from '../core/capabilities.js';
import { unwrap } from '../core/wrapper.js';
import { SyncVectorEnv } from '../core/vector/sync.js';
import type { VectorEnv } from '../core/vector/types.js';
import type { RunEventOf } from './events.js';
import type { TransitionBatch } from './batch.js';

/**
 * Grid cells are `depth * LEVEL + y * width + x`: distinct for every (depth, x, y) of maps up to 2048 cells a level.
 */
const LEVEL = 2048;
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

/** What `ExplorationTracker.state()` returns and a checkpoint keeps (explore.json). */
export interface ExplorationState {
  cells: number[];
  messages: string[];
  maxDepth: number;
  episodes: number;
  episodeCellSum: number;
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

/** Cells at integer coordinates of a flat observation key (the dungeon's blstats, the maze's position). */
function gridReader(
  c: Extract<NonNullable<EnvCapabilities['exploration']>, { kind: 'grid' }>,
  dim: number,
): CellReader {
  const { key, x, y, depth, width } = c;
  return {
    mode: 'batch',
    numCells: c.cells,
    depth: 0,
    cell(b, k) {
      const d = b.nextObs[key]!.data,
        o = k * dim;
      this.depth = depth === undefined ? 0 : d[o + depth]!;
      return this.depth * LEVEL + d[o + y]! * width + d[o + x]!;
    },
  };
}

/**
 * A grid of `resolution`-sized cells over the first two entries of a Box observation (finite bounds: counted cells).
 */
function boxReader(space: Box, resolution: number, key = 'obs'): CellReader {
  const lo0 = Number.isFinite(space.low[0]!) ? space.low[0]! : 0;
  const lo1 = Number.isFinite(space.low[1]!) ? space.low[1]! : 0;
  const finite = Number.isFinite(space.high[0]! - space.low[0]!) && Number.isFinite(space.high[1]! - space.low[1]!);
  const side = finite ? Math.ceil((space.high[0]! - lo0) / resolution) : 1000;
  const sideY = finite ? Math.ceil((space.high[1]! - lo1) / resolution) : 1000;
  const n = space.size;
  return {
    mode: 'batch',
    numCells: finite ? side * sideY : undefined,
    depth: 0,
    cell(b, k) {
      const d = b.nextObs[key]!.data;
      const cx = Math.max(0, Math.min(side - 1, Math.floor((d[k * n]! - lo0) / resolution)));
      const cy = Math.max(0, Math.min(sideY - 1, Math.floor((d[k * n + 1]! - lo1) / resolution)));
      return cy * side + cx;
    },
  };
}

/** A hash of the first observation key: distinct states, for discrete observations. */
function hashReader(): CellReader {
  return {
    mode: 'batch',
    numCells: undefined,
    depth: 0,
    cell(b, k) {
      let a = b.nextObs.obs;
      if (!a)
        for (const key in b.nextObs) {
          a = b.nextObs[key];
          break;
        }
      let dim = 1;
      for (const x of a!.shape) dim *= x;
      let h = 0x811c9dc5;
      for (let j = 0; j < dim; j++) h = Math.imul((h ^ (a!.data[k * dim + j]! * 1000)) | 0, 0x01000193);
      return h >>> 0;
    },
  };
}

/** Each sub-env's own cell, read right after every vector step (envs whose observation lacks the position). */
export function liveCellReader(envs: readonly ExplorationCellSource[]): CellReader {
  return {
    mode: 'step',
    numCells: undefined,
    depth: 0,
    cell(_b, i) {
      const c = envs[i]!.explorationCell();
      this.depth = c.depth;
      return c.cell;
    },
  };
}

/** How to read a cell of an observation space without a declared capability: a Box grid, else a state hash. */
function cellReader(space: Space<unknown>, resolution: number): CellReader {
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
  /**
   * Every cell seen, with a dense index (its position in the per-env stamp arrays): small cells in `dense` (index + 1),
   * others in `index`.
   */
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

  /**
   * `capabilities`: the env's declared exploration cell (else a Box grid of `resolution`, or a hash of the state);
   * `reader` overrides both.
   */
  constructor(
    space: Space<unknown>,
    opts: { numCells?: number; resolution?: number; reader?: CellReader; capabilities?: EnvCapabilities } = {},
  ) {
    const declared = opts.capabilities?.exploration ? declaredReader(space, opts.capabilities.exploration) : undefined;
    this.read = opts.reader ?? declared ?? cellReader(space, opts.resolution ?? 1);
    this.numCells = opts.numCells ?? this.read.numCells;
  }

  private ensureEnvs(n: number): void {
    if (this.serial.length >= n) return;
    const serial = new Int32Array(n).fill(1),
      ep = new Int32Array(n);
    serial.set(this.serial);
    ep.set(this.epCells);
    this.serial = serial;
    this.epCells = ep;
    // room for every cell seen so far (a restored tracker knows cells before its first batch)
    let len = Math.max(64, this.stamps[0]?.length ?? 0);
    while (len < this.count) len *= 2;
    while (this.stamps.length < n) this.stamps.push(new Int32Array(len));
  }

  /** A new cell's dense index. */
  private add(cell: number): number {
    const id = this.count++;
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
    return id;
  }

  /** The dense index of a cell, -1 if new. */
  private lookup(cell: number): number {
    if (cell >= 0 && cell < DENSE_MAX && Number.isInteger(cell))
      return cell < this.dense.length ? this.dense[cell]! - 1 : -1;
    return this.index.get(cell) ?? -1;
  }

  private visit(i: number, cell: number): void {
    let id = this.lookup(cell);
    if (id < 0) {
      id = this.add(cell);
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
    const N = batch.numEnvs,
      n = batch.numSteps * N;
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

  /**
   * The whole-run state a checkpoint keeps (every cell in first-seen order, every message, the deepest level, the
   * episodes ended and their cells), so that a resumed run's figures cover the whole run, not only its last segment.
   * Episodes in progress are not kept: a checkpoint is taken where the episodes were cut.
   */
  state(): ExplorationState {
    const cells = new Array<number>(this.count);
    for (let c = 0; c < this.dense.length; c++) if (this.dense[c]! > 0) cells[this.dense[c]! - 1] = c;
    for (const [c, id] of this.index) cells[id] = c;
    return {
      cells,
      messages: [...this.messages],
      maxDepth: this.maxDepth,
      episodes: this.episodes,
      episodeCellSum: this.episodeCellSum,
    };
  }

  /** Continue from a checkpoint's `state()`; call before the first batch. */
  restore(st: ExplorationState): void {
    if (this.count > 0 || this.episodes > 0)
      throw new Error('ExplorationTracker.restore: the tracker has seen batches');
    for (const c of st.cells) if (this.lookup(c) < 0) this.add(c);
    for (const m of st.messages) this.messages.add(m);
    this.maxDepth = st.maxDepth;
    this.episodes = st.episodes;
    this.episodeCellSum = st.episodeCellSum;
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

/** The reader of a declared exploration cell over `space`, or undefined when the space does not fit it. */
function declaredReader(
  space: Space<unknown>,
  cell: NonNullable<EnvCapabilities['exploration']>,
): CellReader | undefined {
  if (cell.kind === 'live') return undefined;
  const sub = space instanceof Dict ? (space.spaces as Record<string, Space<unknown>>)[cell.key] : space;
  if (!(sub instanceof Box)) return undefined;
  if (cell.kind === 'grid') return gridReader(cell, sub.size);
  return sub.size >= 2 ? boxReader(sub, cell.resolution, cell.key) : undefined;
}

/** The capabilities of a vector env's sub-envs: declared by the vector env, else read from its first sub-env. */
function vectorCapabilities(vec: VectorEnv): EnvCapabilities {
  const declared = (vec as { capabilities?: EnvCapabilities }).capabilities;
  if (declared) return declared;
  return vec instanceof SyncVectorEnv && vec.envs.length > 0 ? capabilitiesOf(vec.envs[0]) : {};
}

/**
 * The tracker of a training run's vector env, from the exploration cell its envs declare (`EnvCapabilities`), or
 * undefined for envs that declare none (classic control, MuJoCo). A `live` cell needs an in-process vector env.
 */
export function explorationFor(vec: VectorEnv): ExplorationTracker | undefined {
  const space = vec.singleObservationSpace;
  const cell = vectorCapabilities(vec).exploration;
  if (!cell) return undefined;
  if (cell.kind !== 'live') {
    const reader = declaredReader(space, cell);
    return reader ? new ExplorationTracker(space, { reader }) : undefined;
  }
  const subEnvs = vec instanceof SyncVectorEnv ? vec.envs.map((e) => unwrap(e)) : undefined;
  if (!subEnvs || subEnvs.length === 0 || !subEnvs.every(isExplorationCellSource)) return undefined;
  return new ExplorationTracker(space, { reader: liveCellReader(subEnvs as unknown as ExplorationCellSource[]) });
}

/** The defined entries of a metrics record (for events, CSV columns and summaries). */
export function definedMetrics(m: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k in m) {
    const v = m[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The `explore` RunEvent of the metrics at `step`. */
export function exploreEvent(step: number, metrics: ExploreMetrics): RunEventOf<'explore'> {
  const m: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) if (v !== undefined) m[k] = v;
  return { type: 'explore', step, metrics: m, time: Date.now() };
}
