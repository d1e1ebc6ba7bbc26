import { afterEach, describe, expect, it, vi } from 'vitest';
import { OverallLine } from '../../src/bench/progress-line.js';

afterEach(() => {
  vi.useRealTimers();
});

describe("a bench's overall line", () => {
  it('estimates the time left from the steps this process ran, not from those an earlier --resume finished', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const line = new OverallLine();
    // 40 of 100 runs of 1M steps were finished before this process started
    expect(line.render(40e6, 100e6, 'runs 40/100 (2 running)')).toBe(
      'overall [############..................]  40%  runs 40/100 (2 running)  0 s',
    );
    // no estimate in the first minute
    vi.setSystemTime(30_000);
    expect(line.render(40.5e6, 100e6, 'runs 40/100 (2 running)')).not.toContain('left');
    // 2M steps in 10 minutes: the 58M left take 290 minutes
    vi.setSystemTime(600_000);
    expect(line.render(42e6, 100e6, 'runs 42/100 (2 running)')).toBe(
      'overall [#############.................]  42%  runs 42/100 (2 running)  600 s  ~4 h 50 min left',
    );
    vi.setSystemTime(1_200_000);
    expect(line.render(99.9e6, 100e6, 'runs 99/100 (1 running)')).toMatch(/ 1200 s {2}~2 s left$/);
    expect(line.render(100e6, 100e6, 'runs 100/100 (0 running)')).toMatch(
      /100% {2}runs 100\/100 \(0 running\) {2}1200 s$/,
    );
  });
});
