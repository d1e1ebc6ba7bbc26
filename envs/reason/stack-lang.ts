import { DROP, DUP, MINUS, NOP, OVER, PLUS, SWAP, TIMES, fitsToken, numToken } from './vocab.js';

/**
 * A small stack language. A program is a list of words run left to right on a stack of integers that starts as
 * `[x]` (the input); its output is the top of the stack at the end. Words: `0`..`9` push the literal; `+ - *` pop b
 * then a and push `a op b`; `dup` (a -- a a), `swap` (a b -- b a), `drop` (a --), `over` (a b -- a b a), `nop`.
 * A program fails on an input when a word finds too few items, the stack would exceed MAX_DEPTH, a value would leave
 * [-999, 999] (the number tokens), or the stack ends empty.
 */
export const WORDS = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '+',
  '-',
  '*',
  'dup',
  'swap',
  'drop',
  'over',
  'nop',
] as const;
/** The token of each word (index = word id). */
export const WORD_TOKENS: readonly number[] = [
  ...Array.from({ length: 10 }, (_, v) => numToken(v)),
  PLUS,
  MINUS,
  TIMES,
  DUP,
  SWAP,
  DROP,
  OVER,
  NOP,
];
/** Word ids. */
export const W_PLUS = 10,
  W_MINUS = 11,
  W_TIMES = 12,
  W_DUP = 13,
  W_SWAP = 14,
  W_DROP = 15,
  W_OVER = 16,
  W_NOP = 17;
/** Deepest stack a program may build. */
export const MAX_DEPTH = 6;

/** Items a word needs on the stack, and how it changes the depth. */
const NEEDS = [...Array<number>(10).fill(0), 2, 2, 2, 1, 2, 1, 2, 0];
const GROWS = [...Array<number>(10).fill(1), -1, -1, -1, 1, 0, -1, 1, 0];

/**
 * The stacks of one straight-line program run on several inputs at once. Their depth is the same for every input
 * (no word branches), so one depth is kept; `values[t * MAX_DEPTH + i]` is item i (0 = bottom) for input t.
 */
export class Stacks {
  depth = 1;
  readonly values: Int32Array;

  constructor(readonly count: number) {
    this.values = new Int32Array(count * MAX_DEPTH);
  }

  /** Stacks holding just the inputs. */
  static of(inputs: readonly number[]): Stacks {
    const s = new Stacks(inputs.length);
    inputs.forEach((x, t) => {
      s.values[t * MAX_DEPTH] = x;
    });
    return s;
  }

  /** Overwrite this with `o`. */
  copyFrom(o: Stacks): this {
    this.depth = o.depth;
    this.values.set(o.values);
    return this;
  }

  /** Item `i` from the top (0 = top) for input `t`. */
  peek(t: number, i = 0): number {
    return this.values[t * MAX_DEPTH + this.depth - 1 - i]!;
  }

  /** True when word `w` can run on every input (enough items, room, results in range). */
  canRun(w: number): boolean {
    const d = this.depth;
    if (d < NEEDS[w]! || d + GROWS[w]! > MAX_DEPTH) return false;
    if (w < W_PLUS || w > W_TIMES) return true;
    for (let t = 0; t < this.count; t++) if (!fitsToken(arith(w, this.peek(t, 1), this.peek(t, 0)))) return false;
    return true;
  }

  /** The top item for input `t` after word `w` would run (check `canRun` first; `drop` to empty gives NaN). */
  topAfter(w: number, t: number): number {
    if (w < 10) return w;
    if (w <= W_TIMES) return arith(w, this.peek(t, 1), this.peek(t, 0));
    if (w === W_SWAP || w === W_OVER || w === W_DROP) return this.depth > 1 ? this.peek(t, 1) : NaN;
    return this.peek(t, 0);
  }

  /** The depth after word `w`. */
  depthAfter(w: number): number {
    return this.depth + GROWS[w]!;
  }

  /** Run word `w` (check `canRun` first). */
  run(w: number): void {
    const v = this.values;
    const d = this.depth;
    for (let t = 0; t < this.count; t++) {
      const b = t * MAX_DEPTH + d - 1;
      if (w < 10) v[b + 1] = w;
      else if (w <= W_TIMES) v[b - 1] = arith(w, v[b - 1]!, v[b]!);
      else if (w === W_DUP) v[b + 1] = v[b]!;
      else if (w === W_SWAP) {
        const x = v[b]!;
        v[b] = v[b - 1]!;
        v[b - 1] = x;
      } else if (w === W_OVER) v[b + 1] = v[b - 1]!;
    }
    this.depth = d + GROWS[w]!;
  }

  /** `run(w)`, returning this. */
  runThen(w: number): this {
    this.run(w);
    return this;
  }

  /** True when `o` holds the same stacks. */
  equals(o: Stacks): boolean {
    if (o.depth !== this.depth) return false;
    for (let t = 0; t < this.count; t++) {
      const at = t * MAX_DEPTH;
      for (let i = 0; i < this.depth; i++) if (this.values[at + i] !== o.values[at + i]) return false;
    }
    return true;
  }

  /** The stack of input `t`, bottom first. */
  list(t: number): number[] {
    return Array.from(this.values.subarray(t * MAX_DEPTH, t * MAX_DEPTH + this.depth));
  }
}

function arith(w: number, a: number, b: number): number {
  return w === W_PLUS ? a + b : w === W_MINUS ? a - b : a * b;
}

/** The interpreter: run `program` (word ids) on input `x`; the top of the final stack, or undefined when it fails. */
export function runProgram(program: readonly number[], x: number): number | undefined {
  const s = Stacks.of([x]);
  for (const w of program) {
    if (!(w >= 0 && w < WORDS.length) || !s.canRun(w)) return undefined;
    s.run(w);
  }
  return s.depth > 0 ? s.peek(0) : undefined;
}

/** The program as text (`dup 3 + *`). */
export function programText(program: readonly number[]): string {
  return program.map((w) => WORDS[w]).join(' ');
}
