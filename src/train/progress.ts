/** What the progress display shows. */
export interface ProgressState {
  step: number;
  total: number;
  sps: number;
  returnMean?: number;
  successRate?: number;
  evalReturn?: number;
}

function fmt(x: number | undefined, digits = 1): string {
  return x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits);
}

/** A one-line progress bar on a TTY (redrawn in place), plain periodic lines otherwise; silent when quiet. */
export class Progress {
  private last = 0;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly quiet: boolean,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly everyMs = 10_000,
  ) {
    this.tty = out.isTTY === true;
  }

  private line(s: ProgressState): string {
    const frac = Math.min(1, s.step / s.total);
    const bar = this.tty ? `[${'#'.repeat(Math.round(frac * 24)).padEnd(24, '.')}] ` : '';
    const parts = [
      `${this.label} ${bar}${s.step}/${s.total} (${(frac * 100).toFixed(0)}%)`,
      `${fmt(s.sps, 0)} steps/s`,
      `return ${fmt(s.returnMean)}`,
    ];
    if (s.successRate !== undefined) parts.push(`success ${fmt(s.successRate, 2)}`);
    if (s.evalReturn !== undefined) parts.push(`eval ${fmt(s.evalReturn)}`);
    return parts.join('  ');
  }

  /** Show progress (throttled). */
  update(s: ProgressState): void {
    if (this.quiet) return;
    const now = Date.now();
    if (this.tty) {
      if (now - this.last < 200) return;
      this.last = now;
      this.out.write(`\r${this.line(s)}\x1b[K`);
    } else if (now - this.last >= this.everyMs) {
      this.last = now;
      this.out.write(`${this.line(s)}\n`);
    }
  }

  /** Final line. */
  finish(s: ProgressState): void {
    if (this.quiet) return;
    this.out.write(`${this.tty ? '\r' : ''}${this.line(s)}${this.tty ? '\x1b[K' : ''}\n`);
  }
}
