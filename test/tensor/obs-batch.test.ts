import { describe, expect, it } from 'vitest';
import { allocObsBatch, floatRows, obsLayout, selectRows, viewObsBatch } from '../../src/core/obs-batch.js';
import { Box, Dict, Discrete } from '../../src/core/spaces.js';

describe('the obs-batch layout (src/core/obs-batch.ts)', () => {
  const space = new Dict({
    pos: new Box(-1, 1, [2], 'float32'),
    glyphs: new Box(0, 9, [2, 3], 'int16'),
    dir: new Discrete(4),
  });
  const vec = {
    pos: new Float32Array([0, 1, 2, 3, 4, 5]),
    glyphs: Int16Array.from({ length: 18 }, (_, i) => i),
    dir: new Int32Array([3, 1, 2]),
  };

  it('lays Dict keys out sorted, with the space shape per row and the env array type', () => {
    const layout = obsLayout(space, vec, 3);
    const keys = layout.map((l) => [l.key, l.dim, l.shape]);
    expect(keys).toEqual([
      ['dir', 1, []],
      ['glyphs', 6, [2, 3]],
      ['pos', 2, [2]],
    ]);
    const batch = allocObsBatch(layout, 5);
    expect(batch.glyphs!.data).toBeInstanceOf(Int16Array);
    expect(batch.glyphs!.data.length).toBe(30);
    expect(batch.dir!.data).toBeInstanceOf(Int32Array);
    const view = viewObsBatch(vec, layout);
    expect(view.pos!.data).toBe(vec.pos); // no copy
    expect(view.glyphs!.shape).toEqual([2, 3]);
  });

  it('a non-Dict space is the key "obs"', () => {
    const flat = new Float32Array([1, 2, 3, 4]);
    const layout = obsLayout(new Box(0, 5, [2]), flat, 2);
    expect(layout.map((l) => [l.key, l.dim, l.shape])).toEqual([['obs', 2, [2]]]);
    expect(viewObsBatch(flat, layout).obs!.data).toBe(flat);
  });

  it('selects rows into a compact batch (reusing the output arrays) and reads a key as float32 rows', () => {
    const batch = viewObsBatch(vec, obsLayout(space, vec, 3));
    const out = selectRows(batch, [2, 0]);
    expect(Array.from(out.dir!.data)).toEqual([2, 3]);
    expect(Array.from(out.pos!.data)).toEqual([4, 5, 0, 1]);
    expect(Array.from(out.glyphs!.data)).toEqual([12, 13, 14, 15, 16, 17, 0, 1, 2, 3, 4, 5]);
    const reused = out.pos!.data;
    selectRows(batch, [1, 1], out);
    expect(out.pos!.data).toBe(reused);
    expect(Array.from(out.pos!.data)).toEqual([2, 3, 2, 3]);
    const g = floatRows(batch.glyphs!);
    expect([g.dim, g.rows, g.data instanceof Float32Array, g.data[7]]).toEqual([6, 3, true, 7]);
    expect(floatRows(batch.pos!).data).toBe(vec.pos);
  });
});
