import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/stream/events.js';
import { annotatorText } from '../../src/viz/panels.js';
import { progressLine } from '../../src/viz/plain.js';
import { initialView, reduceView } from '../../src/viz/view-state.js';

const annotation = (extra: Partial<RunEvent & { type: 'annotation' }>): RunEvent => ({
  type: 'annotation',
  source: 'oni',
  labelled: 0,
  queued: 2,
  cacheHits: 0,
  failures: 0,
  pending: 1,
  time: 1,
  ...extra,
});

describe('watch shows LLM failures (issue 13, item 9)', () => {
  it('the plain progress line names failures by kind, dropped and unparsed items', () => {
    const s = initialView();
    const errors = { unreachable: 0, http: 8, timeout: 4, badAnswer: 0 };
    reduceView(s, annotation({ failures: 12, dropped: 3, unparsed: 1, errors }));
    expect(progressLine(s)).toContain('oni labelled 0 queued 2 failures 12 (http 8, timeout 4) dropped 3 unparsed 1');
    expect(annotatorText(s)).toMatch(/failures .*12.* dropped 3 unparsed 1/);
  });

  it('says nothing more while nothing fails', () => {
    const s = initialView();
    const errors = { unreachable: 0, http: 0, timeout: 0, badAnswer: 0 };
    reduceView(s, annotation({ labelled: 5, dropped: 0, unparsed: 0, errors }));
    expect(progressLine(s)).toContain('oni labelled 5 queued 2 |');
  });
});
