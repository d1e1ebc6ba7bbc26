import { describe, expect, it } from 'vitest';
import { capabilitiesOf, isExplorationCellSource } from '../../src/core/capabilities.js';
import { RxgymError } from '../../src/core/env.js';
import { make } from '../../src/core/registry.js';
import { unwrap } from '../../src/core/wrapper.js';
import { registerAll } from '../../envs/index.js';
import { DungeonEnv } from '../../envs/dungeon/env.js';
import { TASKS } from '../../envs/dungeon/tasks.js';
import { Explorer } from './explorer.js';

registerAll();

function err(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('dungeon capabilities', () => {
  it('default keys: message is text, the exploration cell is read from blstats', () => {
    const caps = capabilitiesOf(make('Dungeon-Room-5x5-v0'));
    expect(caps.textKeys).toEqual(['message']);
    expect(caps.exploration).toEqual({ kind: 'grid', key: 'blstats', x: 0, y: 1, depth: 12, width: 80 });
  });

  it('without blstats the env computes its cell live; without message it has no text key', () => {
    const env = make('Dungeon-Room-5x5-v0', { observationKeys: ['glyphs_crop'] });
    const caps = capabilitiesOf(env);
    expect(caps.textKeys).toEqual([]);
    expect(caps.exploration).toEqual({ kind: 'live' });
    expect(isExplorationCellSource(unwrap(env))).toBe(true);
  });

  it('Explore-Dungeon-v0 declares the dungeon capabilities through its wrapper', () => {
    const env = make('Explore-Dungeon-v0', { observationKeys: ['chars'] });
    expect(capabilitiesOf(env).exploration).toEqual({ kind: 'live' });
  });

  it('the live cell is the blstats cell, depth * 2048 + y * 80 + x, over a multi-level descent', () => {
    const env = new DungeonEnv(TASKS.find((t) => t.name === 'Scout')!, { observationKeys: ['blstats'] });
    const ex = new Explorer(env, 'descend');
    let b = env.reset({ seed: 1 }).obs.blstats!;
    let deepest = 0;
    for (let t = 0; t < 1500 && !env.game.dead; t++) {
      const c = env.explorationCell();
      expect(c).toEqual({ cell: b[12]! * 2048 + b[1]! * 80 + b[0]!, depth: b[12] });
      deepest = Math.max(deepest, c.depth);
      b = env.step(ex.next()).obs.blstats!;
    }
    expect(deepest).toBeGreaterThan(2);
  });
});

describe('a closed dungeon env', () => {
  it('refuses step() and reset() with a clear error; close() twice is safe', () => {
    const env = make('Dungeon-Room-5x5-v0');
    env.reset({ seed: 0 });
    env.step(0);
    env.close();
    env.close();
    for (const call of [() => env.step(0), () => env.reset({ seed: 1 })]) {
      const e = err(call);
      expect(e).toBeInstanceOf(RxgymError);
      expect(e.message).toBe('Dungeon-Room-5x5: env is closed; create a new one with make()');
    }
  });
});
