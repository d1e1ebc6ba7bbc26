import { describe, expect, it } from 'vitest';
import { initialView, reduceView } from '../../src/viz/view-state.js';
import { progressLine, summaryLines } from '../../src/viz/plain.js';
import { rewardsText } from '../../src/viz/panels.js';
import { emptyTally, tally } from '../../src/train/summary.js';
import type { RunEvent } from '../../src/stream/events.js';

const ev = (value: number, episodeMean?: number): RunEvent => ({
  type: 'multipliers',
  step: 64,
  time: 1,
  multipliers: {
    length: { value, kind: 'atLeast', threshold: 3, ...(episodeMean !== undefined ? { episodeMean } : {}) },
  },
});

describe('multipliers in the view and the summary', () => {
  it('watch keeps their history and shows them; the plain reporter and the tally carry the latest', () => {
    const s = initialView();
    reduceView(s, {
      type: 'rewards',
      step: 64,
      time: 1,
      components: {
        length: { rawMean: 1, scaledMean: 1, rawStd: 0, min: 0, max: 1 },
        extrinsic: { rawMean: 0.5, scaledMean: 0.5, rawStd: 0, min: 0, max: 1 },
      },
    });
    for (const [v, j] of [
      [0.5, 1],
      [0.6, 2],
      [0.7, undefined],
    ] as const)
      reduceView(s, ev(v, j));
    expect(s.multiplierHistory.length).toEqual([0.5, 0.6, 0.7]);
    const text = rewardsText(s, 60, false).replace(/\x1b\[[0-9;]*m/g, '');
    expect(text).toMatch(/λ length .* 0\.7\d* J - >= 3/);
    expect(text).not.toMatch(/^length /m); // the constraint's reward line gives way to its multiplier line
    expect(progressLine(s)).toContain('λ.length 0.7');
    reduceView(s, ev(0.8, 2.5));
    expect(summaryLines(s).join('\n')).toContain(
      'constraint length: multiplier 0.800, episodic value 2.500 (atLeast 3)',
    );
    expect(tally(emptyTally(), ev(0.8, 2.5)).multipliers).toEqual({
      length: { value: 0.8, kind: 'atLeast', threshold: 3, episodeMean: 2.5 },
    });
  });
});
