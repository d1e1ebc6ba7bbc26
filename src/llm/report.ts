import type { LlmErrorCounts } from './types.js';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * Failed attempts in words, most frequent kind first, e.g. "4 HTTP errors (500 x3, 503 x1), 1 time-out";
 * "no failed request" when there is none.
 */
export function describeFailures(errors: LlmErrorCounts, statuses: Record<string, number> = {}): string {
  const codes = Object.entries(statuses)
    .sort((a, b) => b[1] - a[1])
    .map(([s, k]) => `${s} x${k}`)
    .join(', ');
  const parts: Array<[number, string]> = [
    [errors.http, `${plural(errors.http, 'HTTP error')}${codes ? ` (${codes})` : ''}`],
    [errors.timeout, plural(errors.timeout, 'time-out')],
    [errors.unreachable, `${plural(errors.unreachable, 'connection failure')} (refused, reset or broken off)`],
    [errors.badAnswer, `${plural(errors.badAnswer, 'unparsable answer')} (not an OpenAI chat answer)`],
  ];
  const said = parts
    .filter(([k]) => k > 0)
    .sort((a, b) => b[0] - a[0])
    .map(([, text]) => text);
  return said.length ? said.join(', ') : 'no failed request';
}

/** `b - a`, field by field: the failures between two snapshots of a client's counters. */
export function errorsSince(a: LlmErrorCounts, b: LlmErrorCounts): LlmErrorCounts {
  return {
    unreachable: b.unreachable - a.unreachable,
    http: b.http - a.http,
    timeout: b.timeout - a.timeout,
    badAnswer: b.badAnswer - a.badAnswer,
  };
}
