import { MAX_DEPTH, Stacks, WORDS } from './stack-lang.js';

/** The stop action of Reason-Program-v0 (after the words). */
export const STOP_WORD = WORDS.length;

/**
 * Ground truth for a partial program, from the reference solution: from the current stacks, try every sequence of
 * up to two words; a sequence that ends on stacks passing every test, or on the stacks the reference has after k
 * words (then its remaining words finish the job), is a way to finish. `plan` returns the shortest such way. It is
 * exact on the reference's path and for detours of up to two words off it (`1 *`, `dup drop`, `dup +` for `2 *`);
 * a program that wanders further from the reference is judged unable to finish.
 */
export class ProgramOracle {
  private readonly refStates: Stacks[] = [];
  /** Reference steps k by the depth of their stacks, furthest first. */
  private readonly byDepth: number[][] = Array.from({ length: MAX_DEPTH + 1 }, () => []);
  private readonly scratch: [Stacks, Stacks];

  constructor(
    readonly reference: readonly number[],
    readonly inputs: readonly number[],
    readonly expected: readonly number[],
  ) {
    let s = Stacks.of(inputs);
    this.refStates.push(s);
    for (const w of reference) {
      s = new Stacks(inputs.length).copyFrom(s);
      s.run(w);
      this.refStates.push(s);
    }
    for (let k = this.refStates.length - 1; k >= 0; k--) this.byDepth[this.refStates[k]!.depth]!.push(k);
    this.scratch = [new Stacks(inputs.length), new Stacks(inputs.length)];
  }

  /** True when the top of every stack is the expected output. */
  passes(s: Stacks): boolean {
    if (s.depth === 0) return false;
    for (let t = 0; t < s.count; t++) if (s.peek(t) !== this.expected[t]) return false;
    return true;
  }

  /**
   * The fewest steps (words, then stop) that finish a passing program from `s` using at most `budget` more words,
   * and the first action of such a way (STOP_WORD to stop now); remaining is Infinity when none is found.
   */
  plan(s: Stacks, budget: number): { remaining: number; action: number } {
    let best = Infinity,
      action: number = STOP_WORD;
    const consider = (cost: number, first: number) => {
      if (cost < best && cost - 1 <= budget) {
        best = cost;
        action = first;
      }
    };
    const pass = this.passes(s);
    const k0 = pass ? -1 : this.refIndex(s);
    consider(pass ? 1 : this.costAt(k0), k0 >= 0 && k0 < this.reference.length ? this.reference[k0]! : STOP_WORD);
    const [s1, s2] = this.scratch;
    for (let a = 0; a < WORDS.length; a++) {
      if (best <= 2 || budget < 1) break;
      if (!s.canRun(a)) continue;
      consider(1 + this.costAfter(s, a, s2), a);
      if (best <= 3 || budget < 2) continue;
      s1.copyFrom(s).run(a);
      for (let b = 0; b < WORDS.length; b++) if (s1.canRun(b)) consider(2 + this.costAfter(s1, b, s2), a);
    }
    return { remaining: best, action: Number.isFinite(best) ? action : STOP_WORD };
  }

  /** Steps to finish at reference step k: its remaining words and stop (Infinity for k < 0). */
  private costAt(k: number): number {
    return k < 0 ? Infinity : this.reference.length - k + 1;
  }

  /**
   * Steps to finish without a detour once word `w` ran on `s`: 1 (stop) when it passes, the reference's rest + 1
   * when it lands on the reference's path. Tops are compared first, so `w` runs (into `tmp`) only on a likely match.
   */
  private costAfter(s: Stacks, w: number, tmp: Stacks): number {
    const d = s.depthAfter(w);
    if (d > 0) {
      let pass = true;
      for (let t = 0; t < s.count && pass; t++) pass = s.topAfter(w, t) === this.expected[t];
      if (pass) return 1;
    }
    for (const k of this.byDepth[d]!) {
      const r = this.refStates[k]!;
      let same = true;
      for (let t = 0; t < s.count && same && d > 0; t++) same = s.topAfter(w, t) === r.peek(t);
      if (same && r.equals(tmp.copyFrom(s).runThen(w))) return this.costAt(k);
    }
    return Infinity;
  }

  /** The furthest k whose reference stacks equal `s` (-1: none). */
  private refIndex(s: Stacks): number {
    for (const k of this.byDepth[s.depth]!) if (this.refStates[k]!.equals(s)) return k;
    return -1;
  }
}
