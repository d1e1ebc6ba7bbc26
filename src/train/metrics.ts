import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../stream/events.js';
import type { EventWriter } from '../stream/operators.js';

/** True when `path` exists and its last line was cut off (a process killed mid-write); reads its last byte only. */
function endsTorn(path: string): boolean {
  if (!existsSync(path)) return false;
  const size = statSync(path).size;
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, last, 0, 1, size - 1);
  } finally {
    closeSync(fd);
  }
  return last[0] !== 0x0a;
}

/** Appends every event except frames (the viewer's and scored ones) as one JSON line to `<runDir>/events.jsonl`. */
export class JsonlWriter implements EventWriter {
  private readonly path: string;
  private buffer: string[] = [];

  constructor(runDir: string) {
    this.path = join(runDir, 'events.jsonl');
    // A resumed run's first event must not be glued to a line cut off by a kill: end that line (readers skip it).
    // Ended, not cut: a bench parent follows this file from a byte offset taken before the run started.
    if (endsTorn(this.path)) appendFileSync(this.path, '\n');
  }

  write(e: RunEvent): void {
    if (e.type === 'frame' || e.type === 'scoredFrame') return;
    this.buffer.push(JSON.stringify(e));
    if (this.buffer.length >= 64 || e.type === 'end' || e.type === 'checkpoint' || e.type === 'eval') this.flush();
  }

  /** Write buffered lines to disk. */
  flush(): void {
    if (this.buffer.length === 0) return;
    appendFileSync(this.path, `${this.buffer.join('\n')}\n`);
    this.buffer = [];
  }
}

const CSV_COLUMNS = [
  'step',
  'time',
  'sps',
  'episodes',
  'returnMean',
  'lengthMean',
  'successRate',
  'evalReturn',
  'evalSuccess',
] as const;

/**
 * One CSV row per rollout batch in `<runDir>/metrics.csv`: progress, recent episode means, the latest evaluation,
 * then the train statistics (columns fixed by the first row; later new keys are left out).
 */
export class CsvWriter {
  private readonly path: string;
  private statKeys: string[] | undefined;

  constructor(runDir: string) {
    this.path = join(runDir, 'metrics.csv');
    // A row cut off by a kill would read as a row of wrong numbers: drop it before a resumed run appends.
    let text = existsSync(this.path) ? readFileSync(this.path, 'utf8') : '';
    if (text !== '' && !text.endsWith('\n')) {
      text = text.slice(0, text.lastIndexOf('\n') + 1);
      truncateSync(this.path, Buffer.byteLength(text));
    }
    if (text !== '') {
      const header = text.split('\n', 1)[0]!.split(',');
      this.statKeys = header.slice(CSV_COLUMNS.length);
    }
  }

  /** Append a row. */
  row(values: Record<(typeof CSV_COLUMNS)[number], number | undefined>, stats: Record<string, number>): void {
    if (!this.statKeys) {
      this.statKeys = Object.keys(stats).sort();
      appendFileSync(this.path, `${[...CSV_COLUMNS, ...this.statKeys].join(',')}\n`);
    }
    const fmt = (x: number | undefined): string =>
      x === undefined || Number.isNaN(x) ? '' : String(Math.round(x * 1e6) / 1e6);
    const cells = [...CSV_COLUMNS.map((c) => fmt(values[c])), ...this.statKeys.map((k) => fmt(stats[k]))];
    appendFileSync(this.path, `${cells.join(',')}\n`);
  }
}
