import type { Rng } from '../../src/core/rng.js';
import { ReasonEnv, endStep, type ReasonStateBase, type StepOutcome } from './base.js';
import { checkKwargs, intKw, renderModeKw, repeatKw } from './kwargs.js';
import { ProgramOracle, STOP_WORD } from './program-oracle.js';
import {
  MAX_DEPTH,
  Stacks,
  W_NOP,
  W_PLUS,
  W_TIMES,
  WORDS,
  WORD_TOKENS,
  programText,
  runProgram,
} from './stack-lang.js';
import { ARROW, PAD, SEP, STOP, numToken } from './vocab.js';

const ID = 'Reason-Program-v0';
const SHOWN = 3;
const STEP_ROWS = 16;
const INPUTS = Array.from({ length: 13 }, (_, i) => i - 3);

/** `state()` of Reason-Program-v0. */
export interface ProgramState extends ReasonStateBase {
  difficulty: number;
  /** The examples shown in the problem. */
  examples: { input: number; output: number }[];
  /** How many unit tests the program is scored on (the examples and hidden ones). */
  tests: number;
  /** The program so far. */
  program: string;
  /** The stack after the program so far, for each example input, bottom first. */
  stacks: number[][];
  /** Words the program may still add. */
  wordsLeft: number;
}

const ACTION_NAMES: readonly string[] = [...WORDS.map((w) => `word ${w}`), 'stop'];

/**
 * Write a program in a small stack language (stack-lang.ts), one word per step, that maps each example input to its
 * output. The stack starts as `[x]`; the output is the top of the stack. `stop`, or reaching `maxLength` words,
 * ends the episode and runs the program on the generated unit tests (the shown examples and hidden ones): the
 * reward is the fraction passed. A reference program of difficulty + 1 words solves each problem; no state on its
 * path has a shorter way to finish within two words off the path (longer shortcuts may exist). Correct but
 * unnecessary steps: `nop`, and detours such as `1 *`, `0 +`, `dup drop`.
 * Masked: words that would find too few items, overflow the stack (depth 6) or leave [-999, 999] on a test input.
 *
 * Actions (19): 0..17 the words `0`..`9 + - * dup swap drop over nop`; 18 = stop. Observation: `problem` [11]
 * `x1 -> y1 ; x2 -> y2 ; x3 -> y3`; `current` [3, 6] the stack for each example input (bottom first, PAD above);
 * `steps` [16] the last 16 steps, one token each (the word, STOP, `?`). Ground truth: a word is correct when a
 * passing program can still be finished within the length limit (by the reference, or a detour of up to two words
 * back onto it, see ProgramOracle); stop when every test passes. Kwargs: `difficulty` 1..5 (reference length 2..6,
 * default 2), `tests` 3..8 (default 6), `maxLength` 2..16 (default 12), `renderMode` 'ansi'.
 */
export class ReasonProgram extends ReasonEnv<ProgramState> {
  readonly difficulty: number;
  readonly numTests: number;
  readonly maxLength: number;
  private oracle!: ProgramOracle;
  private inputs: number[] = [];
  private expected: number[] = [];
  private stacks!: Stacks;
  private program: number[] = [];

  constructor(kwargs: Record<string, unknown> = {}) {
    checkKwargs(ID, kwargs, ['difficulty', 'tests', 'maxLength', 'repeat', 'renderMode']);
    super({
      id: ID,
      actionNames: ACTION_NAMES,
      keys: { problem: [4 * SHOWN - 1], current: [SHOWN, MAX_DEPTH] },
      stepRows: STEP_ROWS,
      stepWidth: 1,
      renderMode: renderModeKw(ID, kwargs.renderMode),
      repeat: repeatKw(ID, kwargs),
    });
    this.difficulty = intKw(ID, kwargs, 'difficulty', 2, 1, 5);
    this.numTests = intKw(ID, kwargs, 'tests', 6, SHOWN, 8);
    this.maxLength = intKw(ID, kwargs, 'maxLength', 12, 2, 16);
  }

  protected generate(rng: Rng): void {
    const length = Math.min(this.difficulty + 1, this.maxLength);
    const inputs = rng.shuffle([...INPUTS]).slice(0, this.numTests);
    const start = Stacks.of(inputs),
      s = new Stacks(inputs.length);
    const pool = new Int32Array(WORDS.length);
    // Random references until one computes a non-trivial function without a short cut (most draws are rejected,
    // so a draw allocates nothing but its word list).
    for (;;) {
      s.copyFrom(start);
      const ref: number[] = [];
      while (ref.length < length) {
        // the output is computed: the last word is + - or *
        const last = ref.length === length - 1;
        const literal = !last && rng.random() < 0.35;
        let n = 0;
        for (let w = 0; w < W_NOP; w++) {
          if (w < W_PLUS === literal && (!last || w <= W_TIMES) && s.canRun(w)) pool[n++] = w;
        }
        if (n === 0) break;
        const w = pool[rng.int(0, n)]!;
        s.run(w);
        ref.push(w);
      }
      if (ref.length < length || s.depth === 0) continue;
      const out = inputs.map((_, t) => s.peek(t));
      if (out.every((y) => y === out[0]) || out.every((y, t) => y === inputs[t])) continue;
      const oracle = new ProgramOracle(ref, inputs, out);
      if (!this.noShortcut(oracle, inputs)) continue;
      this.oracle = oracle;
      this.inputs = inputs;
      this.expected = out;
      return;
    }
  }

  /** True when no state on the reference's path has a way to finish (<= 2 words off it) shorter than its rest. */
  private noShortcut(oracle: ProgramOracle, inputs: number[]): boolean {
    const ref = oracle.reference;
    const s = Stacks.of(inputs);
    for (let k = 0; k <= ref.length; k++) {
      if (oracle.plan(s, this.maxLength - k).remaining !== ref.length - k + 1) return false;
      if (k < ref.length) s.run(ref[k]!);
    }
    return true;
  }

  protected begin(): number {
    this.stacks = Stacks.of(this.inputs);
    this.program = [];
    return this.oracle.reference.length + 1;
  }

  protected writeMask(mask: Uint8Array): void {
    for (let w = 0; w < WORDS.length; w++) if (this.stacks.canRun(w)) mask[w] = 1;
    mask[STOP_WORD] = 1;
  }

  protected apply(action: number): StepOutcome {
    if (action === STOP_WORD) return this.finish('stop', [STOP], 'stop: the program passes');
    this.stacks.run(action);
    this.program.push(action);
    const tokens = [WORD_TOKENS[action]!];
    const text = `${WORDS[action]}  (for x = ${this.inputs[0]} the stack is now [${this.stacks.list(0).join(', ')}])`;
    const full = this.program.length >= this.maxLength;
    if (full) return this.finish('token', tokens, `${text}; at the length limit it passes`);
    const { remaining } = this.oracle.plan(this.stacks, this.maxLength - this.program.length);
    const correct = Number.isFinite(remaining);
    return { kind: 'token', tokens, text, correct, remaining, done: false, reward: 0, success: false };
  }

  protected writeObs(): void {
    const p = this.obs.problem!;
    p.fill(PAD);
    for (let t = 0; t < SHOWN; t++) {
      const at = 4 * t;
      if (t > 0) p[at - 1] = SEP;
      p[at] = numToken(this.inputs[t]!);
      p[at + 1] = ARROW;
      p[at + 2] = numToken(this.expected[t]!);
    }
    const c = this.obs.current!;
    c.fill(PAD);
    for (let t = 0; t < SHOWN; t++) {
      const at = t * MAX_DEPTH;
      for (let i = 0; i < this.stacks.depth; i++) c[at + i] = numToken(this.stacks.values[at + i]!);
    }
  }

  protected problemText(): string {
    const ex = this.inputs
      .slice(0, SHOWN)
      .map((x, t) => `${x} -> ${this.expected[t]}`)
      .join(', ');
    return `write a stack program (the stack starts as [x]; the output is its top) with ${ex}`;
  }

  protected currentText(): string {
    const stacks = this.inputs.slice(0, SHOWN).map((x, t) => `x = ${x}: [${this.stacks.list(t).join(', ')}]`);
    return `program "${programText(this.program)}"; stacks ${stacks.join('; ')}`;
  }

  expertAction(): number {
    return this.oracle.plan(this.stacks, this.maxLength - this.program.length).action;
  }

  /** The fraction of unit tests the program so far passes. */
  passRate(): number {
    let pass = 0;
    this.inputs.forEach((x, t) => {
      if (runProgram(this.program, x) === this.expected[t]) pass++;
    });
    return pass / this.inputs.length;
  }

  state(): ProgramState {
    return {
      ...this.baseState(),
      difficulty: this.difficulty,
      tests: this.numTests,
      examples: this.inputs.slice(0, SHOWN).map((x, t) => ({ input: x, output: this.expected[t]! })),
      program: programText(this.program),
      stacks: this.inputs.slice(0, SHOWN).map((_, t) => this.stacks.list(t)),
      wordsLeft: this.maxLength - this.program.length,
    };
  }

  describeState(): string {
    return `// ${ID}: write a program in a stack language, one word per step. The stack starts as [x] (the input);
// the output is the top of the final stack. Words: 0..9 push; + - * pop b, a and push a op b; dup (a -- a a),
// swap (a b -- b a), drop (a --), over (a b -- a b a), nop. "stop" ends the program; it is scored on unit tests.
interface State {
  difficulty: number;                             // 1..5: the reference solution has 2..6 words
  problem: string;                                // the task with the example input/output pairs
  examples: { input: number; output: number }[];  // three shown examples
  tests: number;                                  // unit tests scored (the examples and hidden ones)
  program: string;                                // the words so far, e.g. "dup 3 +"
  stacks: number[][];                             // the stack after the program so far, per example, bottom first
  wordsLeft: number;                              // words the program may still add
  current: string;                                // the program and stacks as text
  steps: string[];                                // each step as text
  done: boolean;                                  // true once the program was run on the tests
}`;
  }

  /** Run the program on the tests; `lead` starts the step's text. */
  private finish(kind: StepOutcome['kind'], tokens: number[], lead: string): StepOutcome {
    const rate = this.passRate();
    const text = `${lead} ${Math.round(rate * this.inputs.length)} of ${this.inputs.length} tests`;
    return endStep(kind, tokens, text, rate, rate === 1);
  }
}
