/** A text progress bar: `[####......]`. */
export function bar(frac: number, width: number): string {
  const n = Math.max(0, Math.min(width, Math.round(frac * width)));
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}]`;
}

/** "45 s", "12 min", "3 h 40 min". */
function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const min = Math.round(seconds / 60);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

/**
 * A bench's overall line, with the time left estimated from the steps this process has run so far (steps finished
 * before it started, by an earlier `--resume`, do not count): `overall [###...]  44%  runs 72/160 (2 running)
 * 1046 s  ~3 h 40 min left`. The estimate appears after a minute, once there is a rate to go by.
 */
export class OverallLine {
  private firstSteps: number | undefined;
  private readonly t0 = Date.now();

  render(steps: number, allSteps: number, runs: string): string {
    this.firstSteps ??= steps;
    const frac = allSteps > 0 ? Math.min(1, steps / allSteps) : 0;
    const elapsed = (Date.now() - this.t0) / 1000;
    const pct = `${(frac * 100).toFixed(0).padStart(3)}%`;
    const rate = (steps - this.firstSteps) / elapsed;
    const left = elapsed >= 60 && rate > 0 && steps < allSteps ? `  ~${duration((allSteps - steps) / rate)} left` : '';
    return `overall ${bar(frac, 30)} ${pct}  ${runs}  ${elapsed.toFixed(0)} s${left}`;
  }
}
