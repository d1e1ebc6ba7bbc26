import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import type { RunEvent } from '../../stream/events.js';
import { parseEventsJsonl } from '../results.js';

/**
 * Reads the events a run's process appends to its events.jsonl, from a byte offset on: its progress (step, smoothed
 * return and success), its checkpoints, and how this process's part ended.
 */
export class EventsFollower {
  step = 0;
  ret?: number;
  success?: number;
  /** The newest checkpoint of the run proper (not of its pre-training). */
  checkpointStep = -1;
  /** The newest checkpoint of the run's pre-training (under `pretrain/`). */
  pretrainCheckpointStep = -1;
  /** The `end` reason this process wrote, if it did. */
  endReason?: string;
  /** The message of a fatal error event, if any. */
  error?: string;
  private offset: number;
  private partial = '';

  constructor(private readonly path: string) {
    this.offset = existsSync(path) ? fstatSizeOf(path) : 0;
  }

  /** Take in what was appended since the last call. */
  poll(): void {
    if (!existsSync(this.path)) return;
    const fd = openSync(this.path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const text = this.partial + buf.toString('utf8');
      const cut = text.lastIndexOf('\n');
      this.partial = text.slice(cut + 1);
      for (const ev of parseEventsJsonl(text.slice(0, cut + 1))) this.take(ev);
    } finally {
      closeSync(fd);
    }
  }

  private take(ev: RunEvent): void {
    const phase = (ev as { phase?: string }).phase;
    if (ev.type === 'batch' || ev.type === 'episode' || ev.type === 'end') this.step = Math.max(this.step, ev.step);
    if (ev.type === 'checkpoint' && phase !== 'pretrain') this.checkpointStep = Math.max(this.checkpointStep, ev.step);
    if (ev.type === 'checkpoint' && phase === 'pretrain')
      this.pretrainCheckpointStep = Math.max(this.pretrainCheckpointStep, ev.step);
    if (ev.type === 'end') this.endReason = ev.reason;
    if (ev.type === 'error' && ev.fatal) this.error = ev.message;
    if (ev.type === 'episode') {
      this.ret = this.ret === undefined ? ev.return : 0.95 * this.ret + 0.05 * ev.return;
      if (ev.success !== undefined) {
        const s = Number(ev.success);
        this.success = this.success === undefined ? s : 0.95 * this.success + 0.05 * s;
      }
    }
  }
}

function fstatSizeOf(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
