/** "Did you mean": the one edit-distance helper behind every unknown-name error. */

/** Levenshtein distance between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = t;
    }
  }
  return prev[b.length]!;
}

/** The `k` names nearest to `word` (case-insensitive), within a distance of max(`minSlack`, a third of the name). */
export function closestNames(word: string, names: readonly string[], k: number, minSlack = 3): string[] {
  const a = word.toLowerCase();
  return names
    .map((x) => ({ x, d: editDistance(a, x.toLowerCase()) }))
    .filter(({ d, x }) => d <= Math.max(minSlack, Math.floor(x.length / 3)))
    .sort((p, q) => p.d - q.d || p.x.localeCompare(q.x))
    .slice(0, k)
    .map(({ x }) => x);
}

/** The single closest name to `word` within max(2, a third of `word`), for "did you mean" hints. */
export function closestName(word: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const a = word.toLowerCase();
  for (const n of names) {
    const d = editDistance(a, n.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
