import { describe, expect, it } from 'vitest';
import { make } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import type { TypedArray } from '../../src/core/spaces.js';
import { registerExplore } from '../../envs/explore/index.js';
import { ExploreArena } from '../../envs/explore/arena.js';
import { ExploreMaze } from '../../envs/explore/maze.js';
import { ExplorationTracker } from '../../src/stream/exploration.js';
import { makeBatch } from '../rewards/batch.js';
import { capabilitiesOf } from '../../src/core/capabilities.js';

registerExplore();

describe('Explore-Maze-v0', () => {
  it('is a perfect maze: every floor cell reachable from the start; same maze for the same mazeSeed', () => {
    const env = new ExploreMaze({ width: 15, height: 10, mazeSeed: 4 });
    const { gridW: W, gridH: H, grid } = env;
    const seen = new Uint8Array(W * H);
    const q = [W + 1];
    seen[W + 1] = 1;
    while (q.length) {
      const c = q.pop()!;
      for (const d of [1, -1, W, -W])
        if (!grid[c + d] && !seen[c + d]) {
          seen[c + d] = 1;
          q.push(c + d);
        }
    }
    expect(seen.reduce((a, v) => a + v, 0)).toBe(env.numCells);
    // a perfect maze of w x h cells has w*h cells and w*h - 1 passages
    expect(env.numCells).toBe(15 * 10 * 2 - 1);
    expect(Array.from(new ExploreMaze({ width: 15, height: 10, mazeSeed: 4 }).grid)).toEqual(Array.from(grid));
    expect(Array.from(new ExploreMaze({ width: 15, height: 10, mazeSeed: 5 }).grid)).not.toEqual(Array.from(grid));
  });
  it('pays nothing, moves through floor, bumps walls with a message, truncates at 1000 steps', () => {
    const env = make<Record<string, TypedArray>, number>('Explore-Maze-v0');
    env.reset({ seed: 0 });
    const rng = new Rng(1);
    let bumps = 0,
      steps = 0,
      truncated = false;
    while (!truncated) {
      const r = env.step(rng.int(0, 4));
      expect(r.reward).toBe(0);
      expect(r.terminated).toBe(false);
      if (r.info.message === 'You bump into a wall.') bumps++;
      truncated = r.truncated;
      steps++;
    }
    expect(steps).toBe(1000);
    expect(bumps).toBeGreaterThan(0);
    expect(() => new ExploreMaze({ widht: 3 })).toThrow(/unknown option "widht"/);
  });
});

describe('Explore-Arena-v0', () => {
  it('a constant push reaches the wall and stops there; cells cover the arena', () => {
    const env = new ExploreArena();
    env.reset({ seed: 3 });
    const cells = new Set<number>();
    for (let t = 0; t < 300; t++) {
      const r = env.step(Float32Array.of(1, 0.5));
      cells.add(r.info.cell as number);
      expect(r.reward).toBe(0);
    }
    const o = env.step(Float32Array.of(1, 0.5)).obs;
    expect(o[0]).toBe(10);
    expect(cells.size).toBeGreaterThan(5);
    expect(env.numCells).toBe(400);
  });
});

describe('Explore-Dungeon-v0', () => {
  it('is the multi-level dungeon with zero reward and its own messages', () => {
    const env = make<Record<string, TypedArray>, number>('Explore-Dungeon-v0');
    const first = env.reset({ seed: 2 });
    expect(String(first.info.message)).toMatch(/welcome/i);
    const rng = new Rng(2);
    for (let t = 0; t < 300; t++) {
      const r = env.step(rng.int(0, env.actionSpace instanceof Object ? (env.actionSpace as { n: number }).n : 1));
      expect(r.reward).toBe(0);
      expect(r.info.success).toBe(false);
      if (r.terminated || r.truncated) env.reset();
    }
  });
});

describe('ExplorationTracker', () => {
  it('counts unique cells, coverage, per-episode cells and distinct messages', () => {
    const env = new ExploreMaze({ width: 3, height: 3 });
    const tr = new ExplorationTracker(env.observationSpace, {
      numCells: env.numCells,
      capabilities: capabilitiesOf(env),
    });
    const pos = (x: number, y: number) => [x, y];
    const b = makeBatch({
      obs: [[pos(1, 1)], [pos(1, 2)], [pos(1, 3)]],
      next: [[pos(1, 2)], [pos(1, 3)], [pos(1, 1)]],
      dones: [[0], [1], [0]],
      messages: [[''], ['You bump into a wall.'], ['You bump into a wall.']],
    });
    b.nextObs = { pos: { data: Int32Array.from([1, 2, 1, 3, 1, 1]), shape: [2] } };
    const m = tr.observe(b);
    expect(m).toMatchObject({ uniqueCells: 3, distinctMessages: 1, episodeUniqueCells: 2, maxDepth: 0 });
    expect(m.coverage).toBeCloseTo(3 / env.numCells);
  });
  it('reads (depth, x, y) from dungeon blstats', () => {
    const env = make<Record<string, TypedArray>, number>('Explore-Dungeon-v0');
    const tr = new ExplorationTracker(env.observationSpace, { capabilities: capabilitiesOf(env) });
    const bl = new Int32Array(2 * 27);
    bl.set([5, 6], 0);
    bl[12] = 1;
    bl.set([5, 6], 27);
    bl[27 + 12] = 3;
    const b = makeBatch({ obs: [[[0]], [[0]]], next: [[[0]], [[0]]] });
    b.nextObs = { blstats: { data: bl, shape: [27] } };
    expect(tr.observe(b)).toMatchObject({ uniqueCells: 2, maxDepth: 3 });
  });
});
