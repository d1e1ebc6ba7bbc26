import { describe, expect, it } from 'vitest';
import { make } from '../../src/core/registry.js';
import { RxgymError } from '../../src/core/env.js';
import { registerAll } from '../../envs/index.js';
import { LevelSyntaxError, parseLevel } from '../../envs/dungeon/level-format.js';

registerAll();

function err(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('bad input gets a clear error', () => {
  it('unknown action id names the action space', () => {
    const env = make('Dungeon-Room-5x5-v0');
    env.reset({ seed: 0 });
    for (const a of [8, -1, 1.5, '2' as unknown as number]) {
      const e = err(() => env.step(a));
      expect(e).toBeInstanceOf(RxgymError);
      expect(e.message).toContain('unknown action id');
      expect(e.message).toContain('Discrete(8)');
      expect(e.message).toContain('0=north');
    }
  });
  it('even or too large crop size', () => {
    expect(err(() => make('Dungeon-Room-5x5-v0', { cropSize: 8 })).message).toMatch(
      /cropSize must be an odd integer from 1 to 21.*got 8/,
    );
    expect(err(() => make('Dungeon-Room-5x5-v0', { cropSize: 23 })).message).toMatch(/got 23/);
  });
  it('unknown observation key and unknown option', () => {
    expect(err(() => make('Dungeon-Room-5x5-v0', { observationKeys: ['glyph'] })).message).toContain(
      'unknown observation key "glyph"',
    );
    expect(err(() => make('Dungeon-Room-5x5-v0', { cropsize: 5 })).message).toContain('unknown option "cropsize"');
  });
  it('Custom without a level says how to pass one', () => {
    expect(err(() => make('Dungeon-Custom-v0')).message).toContain('needs a level text');
  });
  it('malformed level: line and column and what was expected', () => {
    const bad = ['MAP', '-----', '|.>.|', '-----', 'ENDMAP', 'OBJECT: apple at 1,1'].join('\n');
    const e = err(() => parseLevel(bad)) as LevelSyntaxError;
    expect(e).toBeInstanceOf(LevelSyntaxError);
    expect(e.line).toBe(6);
    expect(e.message).toMatch(/line 6, column \d+: expected a position "@ x,y" or "@ random"/);
  });
  it('unknown map character, with its line and column', () => {
    const e = err(() =>
      parseLevel(['# comment', 'MAP', '-----', '|.X>|', '-----', 'ENDMAP'].join('\n')),
    ) as LevelSyntaxError;
    expect(e.line).toBe(4);
    expect(e.column).toBe(3);
    expect(e.message).toContain('unknown map character "X"');
  });
  it('unknown object and monster names list the known ones', () => {
    const base = ['MAP', '-----', '|.>.|', '-----', 'ENDMAP'];
    const o = err(() => parseLevel([...base, 'OBJECT: elixir @ 1,1'].join('\n'))) as LevelSyntaxError;
    expect(o.message).toMatch(/line 6, column 9: unknown object "elixir"; known objects: .*apple/);
    const m = err(() => parseLevel([...base, 'MONSTER: dragon @ random'].join('\n'))) as LevelSyntaxError;
    expect(m.message).toMatch(/line 6, column 10: unknown monster "dragon"; known monsters: newt/);
    const r = err(() => parseLevel([...base, 'REWARD: kill dragon value 1'].join('\n'))) as LevelSyntaxError;
    expect(r.message).toContain('unknown monster "dragon"');
  });
  it('positions outside the map, unknown keywords, missing ENDMAP, no goal', () => {
    const base = ['MAP', '-----', '|.>.|', '-----', 'ENDMAP'];
    expect(err(() => parseLevel([...base, 'OBJECT: apple @ 9,1'].join('\n'))).message).toContain('outside the 5x3 map');
    expect(err(() => parseLevel([...base, 'TELEPORT: yes'].join('\n'))).message).toContain(
      'unknown keyword "TELEPORT"',
    );
    expect(err(() => parseLevel(['MAP', '|.|'].join('\n'))).message).toContain('MAP block without ENDMAP');
    expect(err(() => parseLevel(['MAP', '|..|', 'ENDMAP'].join('\n'))).message).toContain('no REWARD line and no ">"');
    expect(
      err(() => make('Dungeon-Custom-v0', { level: [...base, 'MONSTER: newt @ 1,1 angry'].join('\n') })).message,
    ).toContain('unknown monster flag "angry"');
  });
});

describe('level text that cannot be played is refused with line and column', () => {
  const walls = ['-----', '|.>.|', '-----'];
  const level = (...extra: string[]): string => ['MAP', ...walls, 'ENDMAP', ...extra].join('\n');
  function syntax(text: string): LevelSyntaxError {
    const e = err(() => parseLevel(text));
    expect(e).toBeInstanceOf(LevelSyntaxError);
    return e as LevelSyntaxError;
  }

  it('a map without floor (the player would stand at screen 0,0)', () => {
    const e = syntax(['# no floor', 'MAP', '-----', '|>>>|', '-----', 'ENDMAP'].join('\n'));
    expect([e.line, e.column]).toEqual([2, 1]);
    expect(e.message).toContain('the map has no floor cell');
  });
  it('START on a wall', () => {
    const e = syntax(level('START: 0,1'));
    expect([e.line, e.column]).toEqual([6, 8]);
    expect(e.message).toContain('START 0,1 is on a wall ("|")');
  });
  it('two "@" in the map', () => {
    const e = syntax(['MAP', '-----', '|@>@|', '-----', 'ENDMAP'].join('\n'));
    expect([e.line, e.column]).toEqual([3, 4]);
    expect(e.message).toContain('a second "@"; a map has one start (the first is at 1,1)');
  });
  it('two START lines', () => {
    const e = syntax(level('START: 1,1', 'LIT: no', '  START: 3,1'));
    expect([e.line, e.column]).toEqual([8, 3]);
    expect(e.message).toContain('a second START line; a level has one start (the first is on line 6)');
  });
  it('IF with a chance above 100%', () => {
    const e = syntax(level('IF 150%: OBJECT: apple @ 1,1'));
    expect([e.line, e.column]).toEqual([6, 4]);
    expect(e.message).toContain('IF 150%: chances go up to 100%');
  });
  it('a negative quantity', () => {
    const e = syntax(level('OBJECT: gold x -5 @ 1,1'));
    expect([e.line, e.column]).toEqual([6, 16]);
    expect(e.message).toContain('a quantity is a whole number of at least 1, got -5');
  });
  it('accepts a reward value in exponent notation', () => {
    const spec = parseLevel(level('REWARD: reach stairs value 1e-3 terminal', 'REWARD: pickup apple value -2.5E1'));
    expect(spec.events.map((e) => e.value)).toEqual([0.001, -25]);
    expect(spec.events[0]!.terminal).toBe(true);
  });
});
