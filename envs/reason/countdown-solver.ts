import { NUM_MAX } from './vocab.js';

/** Countdown's rules for one combination: positive integers up to 999, `-` as larger minus smaller, exact `/`. */
export function combine(op: number, a: number, b: number): number {
  const hi = a > b ? a : b,
    lo = a > b ? b : a;
  let v: number;
  if (op === 0) v = a + b;
  else if (op === 1) v = hi - lo;
  else if (op === 2) v = a * b;
  else v = hi % lo === 0 ? hi / lo : 0;
  return v > 0 && v <= NUM_MAX ? v : 0;
}

const MAX_NUMBERS = 5;
const SPAN = NUM_MAX + 1;

/**
 * Exact Countdown search by subsets: for every subset of the numbers, the set of values one number made of exactly
 * that subset can take (|subset| - 1 combinations). Values are marked in one stamped table so nothing is cleared
 * between searches; five numbers take well under a millisecond.
 */
export class CountdownSolver {
  private readonly lists: number[][] = Array.from({ length: 1 << MAX_NUMBERS }, () => []);
  private readonly seen = new Int32Array((1 << MAX_NUMBERS) * SPAN);
  private stamp = 0;
  private masks = 0;

  /** The fewest combinations that make `target` from `nums` (0 when it is one of them; Infinity when impossible). */
  distance(nums: readonly number[], target: number): number {
    if (nums.includes(target)) return 0;
    this.solve(nums);
    let best = Infinity;
    for (let m = 1; m < this.masks; m++) {
      if (this.seen[m * SPAN + target] === this.stamp) best = Math.min(best, popcount(m) - 1);
    }
    return best;
  }

  /** For every value 1..999 the fewest combinations that make it from `nums` (-1: impossible); index = value. */
  minSteps(nums: readonly number[]): Int8Array {
    this.solve(nums);
    const out = new Int8Array(SPAN).fill(-1);
    for (let m = 1; m < this.masks; m++) {
      const k = popcount(m) - 1;
      for (const v of this.lists[m]!) if (out[v] === -1 || out[v]! > k) out[v] = k;
    }
    return out;
  }

  private solve(nums: readonly number[]): void {
    if (nums.length > MAX_NUMBERS) throw new Error(`CountdownSolver: at most ${MAX_NUMBERS} numbers (${nums.length})`);
    this.stamp++;
    this.masks = 1 << nums.length;
    for (let m = 1; m < this.masks; m++) {
      const list = this.lists[m]!;
      list.length = 0;
      if ((m & (m - 1)) === 0) {
        this.add(m, nums[31 - Math.clz32(m)]!);
        continue;
      }
      // each unordered split once: the part holding the lowest bit of m is `sub`
      const low = m & -m;
      for (let sub = (m - 1) & m; sub > 0; sub = (sub - 1) & m) {
        if (!(sub & low)) continue;
        const left = this.lists[sub]!,
          right = this.lists[m ^ sub]!;
        for (const a of left) {
          for (const b of right) {
            // combine() inlined: this loop is the whole cost of a search
            const hi = a > b ? a : b,
              lo = a > b ? b : a;
            if (a + b <= NUM_MAX) this.add(m, a + b);
            if (hi > lo) this.add(m, hi - lo);
            if (a * b <= NUM_MAX) this.add(m, a * b);
            if (hi % lo === 0) this.add(m, hi / lo);
          }
        }
      }
    }
  }

  private add(m: number, v: number): void {
    const at = m * SPAN + v;
    if (this.seen[at] === this.stamp) return;
    this.seen[at] = this.stamp;
    this.lists[m]!.push(v);
  }
}

function popcount(m: number): number {
  let c = 0;
  for (; m; m &= m - 1) c++;
  return c;
}
