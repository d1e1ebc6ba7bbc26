import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CLI_ENTRY, ROOT } from '../support/cli.js';

// A run killed while it wrote a line of events.jsonl or metrics.csv, then resumed with the real CLI.
vi.setConfig({ testTimeout: 120_000 });
const ENTRY = CLI_ENTRY;
const dir = mkdtempSync(join(tmpdir(), 'rxgym-torn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (out: string, steps: number, resume: boolean): number | null =>
  spawnSync(
    process.execPath,
    [
      ...ENTRY,
      'run',
      '--env',
      'CartPole-v1',
      '--agent',
      'random',
      '--steps',
      String(steps),
      '--out',
      out,
      '--quiet',
    ].concat(resume ? ['--resume'] : []),
    { cwd: ROOT, encoding: 'utf8', timeout: 100_000 },
  ).status;

const cut = (file: string, bytes: number): void => truncateSync(file, statSync(file).size - bytes);

describe('resuming a run whose last log line was cut off', () => {
  it("keeps the resumed run's events readable and drops the torn metrics row", () => {
    const out = join(dir, 'run');
    expect(run(out, 1024, false)).toBe(0);
    cut(join(out, 'events.jsonl'), 20);
    cut(join(out, 'metrics.csv'), 7);
    expect(run(out, 2048, true)).toBe(0);
    const lines = readFileSync(join(out, 'events.jsonl'), 'utf8').split('\n').filter(Boolean);
    const types = lines.map((l) => {
      try {
        return (JSON.parse(l) as { type: string }).type;
      } catch {
        return 'torn';
      }
    });
    // Only the cut line is unreadable; the resumed run's start event is intact.
    expect(types.filter((t) => t === 'torn')).toHaveLength(1);
    expect(types.filter((t) => t === 'start')).toHaveLength(2);
    const rows = readFileSync(join(out, 'metrics.csv'), 'utf8').trimEnd().split('\n');
    const width = rows[0]!.split(',').length;
    for (const r of rows) expect(r.split(',')).toHaveLength(width);
    expect(rows.map((r) => r.split(',')[0])).toEqual(['step', '2048']);
  });
});
