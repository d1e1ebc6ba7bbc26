/** Pearson correlation of two equally long series (NaN when either is constant or they are shorter than 2). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n < 2 || b.length !== n) return NaN;
  let ma = 0,
    mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma,
      y = b[i]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/**
 * ROC-AUC of `scores` for telling positives (`labels` 1) from negatives: the probability that a random positive
 * scores above a random negative, ties counting half (Mann-Whitney U); NaN without both classes.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((x, y) => scores[x]! - scores[y]!);
  let pos = 0,
    neg = 0,
    rankSum = 0;
  for (let s = 0; s < idx.length; ) {
    let e = s;
    while (e + 1 < idx.length && scores[idx[e + 1]!] === scores[idx[s]!]) e++;
    const rank = (s + e) / 2 + 1;
    for (let k = s; k <= e; k++)
      if (labels[idx[k]!]) {
        pos++;
        rankSum += rank;
      } else neg++;
    s = e + 1;
  }
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
