import type { CapableEnv, EnvCapabilities } from '../../src/core/capabilities.js';
import type { Env, Info, RenderMode, ResetOptions, ResetResult, StepResult } from '../../src/core/env.js';
import { RxgymError } from '../../src/core/env.js';
import { Box, Dict, Discrete, type Space } from '../../src/core/spaces.js';
import { OPTION_WORDING, defineParams, resolveParams } from '../../src/core/params.js';
import { generateMaze } from './maze-gen.js';

/** Observation of Explore-Maze-v0: grid position and the walls around the agent. */
export type MazeObs = { pos: Int32Array; view: Uint8Array };

const ID = 'Explore-Maze-v0';
const MOVES = [
  [0, -1],
  [1, 0],
  [0, 1],
  [-1, 0],
] as const;

const cells = (doc: string) => ({ kind: 'number', integer: true, min: 2, max: 200, default: 20, doc }) as const;

/** Options of Explore-Maze-v0. */
const MAZE_PARAMS = defineParams({
  width: cells('maze cells across'),
  height: cells('maze cells down'),
  view: { kind: 'number', integer: true, min: 1, max: 21, default: 5, doc: 'edge of the local view: odd' },
  mazeSeed: { kind: 'number', integer: true, min: 0, max: 2 ** 31 - 1, default: 0, doc: 'seed of the maze layout' },
  renderMode: { kind: 'enum', values: ['ansi'], optional: true, doc: 'how render() draws' },
});

/**
 * A large seeded maze with no reward at all: actions north/east/south/west, observation the grid
 * position and a `view x view` window of walls. The maze is fixed by `mazeSeed` (the same maze every
 * episode, so coverage is comparable); the agent starts in the top-left cell. `info.cell` is the grid
 * index of the position, `info.numCells` the number of floor cells; bumping a wall says so.
 */
export class ExploreMaze implements Env<MazeObs, number>, CapableEnv {
  readonly observationSpace: Space<MazeObs>;
  readonly actionSpace = new Discrete(4);
  readonly metadata = { renderModes: ['ansi'] as RenderMode[], renderFps: 10 };
  readonly renderMode?: RenderMode;
  readonly gridW: number;
  readonly gridH: number;
  readonly grid: Uint8Array;
  readonly numCells: number;
  /** The cell is the grid position (`pos`); the maze is fixed by `mazeSeed`, not by the reset seed. */
  readonly capabilities: EnvCapabilities;
  private readonly half: number;
  private readonly obs: MazeObs;
  private readonly info: Info = { message: '', success: false, cell: 0, numCells: 0 };
  private x = 1;
  private y = 1;
  private started = false;
  private closed = false;

  constructor(kwargs: Record<string, unknown> = {}) {
    const o = resolveParams(ID, kwargs, MAZE_PARAMS, OPTION_WORDING);
    const { width: w, height: h, view } = o;
    if (view % 2 === 0) throw new RxgymError(`${ID}: option view must be odd (centred on the agent), got ${view}`);
    this.renderMode = o.renderMode;
    this.gridW = 2 * w + 1;
    this.gridH = 2 * h + 1;
    this.grid = generateMaze(w, h, o.mazeSeed);
    this.numCells = this.grid.reduce((a, v) => a + (v === 0 ? 1 : 0), 0);
    this.info.numCells = this.numCells;
    this.half = (view - 1) >> 1;
    this.observationSpace = new Dict({
      pos: new Box(0, Math.max(this.gridW, this.gridH) - 1, [2], 'int32'),
      view: new Box(0, 1, [view, view], 'uint8'),
    }) as unknown as Space<MazeObs>;
    this.obs = { pos: new Int32Array(2), view: new Uint8Array(view * view) };
    // Cells are y * width + x with width the bound of `pos` (the larger grid side), as the tracker always counted them.
    const width = Math.max(this.gridW, this.gridH);
    this.capabilities = {
      exploration: { kind: 'grid', key: 'pos', x: 0, y: 1, width, cells: this.numCells },
      fixedLayout: true,
    };
  }

  private wall(x: number, y: number): boolean {
    return x < 0 || y < 0 || x >= this.gridW || y >= this.gridH || this.grid[y * this.gridW + x] === 1;
  }

  private write(): MazeObs {
    this.obs.pos[0] = this.x;
    this.obs.pos[1] = this.y;
    const v = 2 * this.half + 1;
    for (let dy = -this.half; dy <= this.half; dy++) {
      for (let dx = -this.half; dx <= this.half; dx++)
        this.obs.view[(dy + this.half) * v + dx + this.half] = this.wall(this.x + dx, this.y + dy) ? 1 : 0;
    }
    this.info.cell = this.y * this.gridW + this.x;
    return this.obs;
  }

  reset(_opts: ResetOptions = {}): ResetResult<MazeObs> {
    if (this.closed) throw new RxgymError(`${ID}: env is closed; create a new one with make()`);
    this.x = 1;
    this.y = 1;
    this.started = true;
    this.info.message = '';
    return { obs: this.write(), info: this.info };
  }

  step(action: number): StepResult<MazeObs> {
    if (this.closed) throw new RxgymError(`${ID}: env is closed; create a new one with make()`);
    if (!this.started) throw new RxgymError(`${ID}: step() called before reset(); call env.reset({ seed }) first`);
    if (!this.actionSpace.contains(action))
      throw new RxgymError(`${ID}: action must be 0..3 (north, east, south, west), got ${String(action)}`);
    const [dx, dy] = MOVES[action]!;
    if (this.wall(this.x + dx, this.y + dy)) {
      this.info.message = 'You bump into a wall.';
    } else {
      this.x += dx;
      this.y += dy;
      this.info.message = '';
    }
    return { obs: this.write(), reward: 0, terminated: false, truncated: false, info: this.info };
  }

  render(): string | undefined {
    if (this.renderMode !== 'ansi' || !this.started) return undefined;
    const rows: string[] = [];
    for (let y = 0; y < this.gridH; y++) {
      let row = '';
      for (let x = 0; x < this.gridW; x++)
        row += x === this.x && y === this.y ? '@' : this.grid[y * this.gridW + x] ? '#' : '.';
      rows.push(row);
    }
    return rows.join('\n');
  }

  /** Ends the env: later `reset()` and `step()` calls throw; calling it again does nothing. */
  close(): void {
    this.closed = true;
  }
}
