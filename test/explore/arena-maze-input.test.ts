import { describe, expect, it } from 'vitest';
import { ExploreArena } from '../../envs/explore/arena.js';
import { ExploreMaze } from '../../envs/explore/maze.js';
import { RxgymError } from '../../src/core/env.js';

describe('Explore-Arena-v0 and Explore-Maze-v0 refuse misuse', () => {
  it('Explore-Arena refuses a NaN force, naming the action, and leaves the mass where it was', () => {
    const env = new ExploreArena();
    const before = Array.from(env.reset({ seed: 3 }).obs);
    expect(() => env.step(new Float32Array([NaN, 0.5]))).toThrow(RxgymError);
    expect(() => env.step(new Float32Array([NaN, 0.5]))).toThrow(
      /^Explore-Arena-v0: action Float32Array \[NaN, 0\.5\] has NaN as force x; give 2 numbers/,
    );
    const plain = [0.5, Number('push')] as unknown as Float32Array;
    expect(() => env.step(plain)).toThrow(/action \[0\.5, NaN\] has NaN as force y/);
    // At rest, a zero force leaves the mass in place: the refused steps moved nothing.
    expect(Array.from(env.step(new Float32Array([0, 0])).obs)).toEqual(before);
    // Forces outside [-1, 1] are still clipped, not refused.
    const after = (force: number[]) => {
      env.reset({ seed: 3 });
      return Array.from(env.step(Float32Array.from(force)).obs);
    };
    expect(after([5, -5])).toEqual(after([1, -1]));
  });

  it('reset and step after close() are clear errors, as on the MuJoCo and dungeon envs; close twice is safe', () => {
    const arena = new ExploreArena();
    arena.reset({ seed: 0 });
    arena.close();
    arena.close();
    const closed = /^Explore-Arena-v0: env is closed; create a new one with make\(\)$/;
    expect(() => arena.step(new Float32Array([0, 0]))).toThrow(closed);
    expect(() => arena.reset()).toThrow(/^Explore-Arena-v0: env is closed/);
    const maze = new ExploreMaze({ width: 4, height: 4 });
    maze.reset();
    maze.close();
    maze.close();
    expect(() => maze.step(0)).toThrow(/^Explore-Maze-v0: env is closed; create a new one with make\(\)$/);
    expect(() => maze.reset()).toThrow(/^Explore-Maze-v0: env is closed/);
  });
});
