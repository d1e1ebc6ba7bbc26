import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/core/atomic.js';

const dir = mkdtempSync(join(tmpdir(), 'rxgym-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic (write-file-atomic)', () => {
  it('replaces a file whole, with text or bytes (a view writes only its own bytes), leaving no temp file', () => {
    const p = join(dir, 'a.json');
    writeFileSync(p, 'old content that is longer');
    writeFileAtomic(p, '{"new":1}');
    expect(readFileSync(p, 'utf8')).toBe('{"new":1}');
    const big = Uint8Array.from([9, 1, 2, 3, 9]);
    writeFileAtomic(p, big.subarray(1, 4));
    expect([...readFileSync(p)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('names the path when it cannot write, and leaves nothing behind', () => {
    const p = join(dir, 'missing', 'b.json');
    expect(() => writeFileAtomic(p, 'x')).toThrow(`could not write ${p}: ENOENT`);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('creates the directory when asked (makeDir)', () => {
    const p = join(dir, 'made', 'deeper', 'c.json');
    writeFileAtomic(p, '{"c":3}', { makeDir: true });
    expect(readFileSync(p, 'utf8')).toBe('{"c":3}');
    expect(readdirSync(join(dir, 'made', 'deeper'))).toEqual(['c.json']);
  });
});
