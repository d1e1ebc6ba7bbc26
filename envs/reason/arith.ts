import type { Rng } from '../../src/core/rng.js';
import { ReasonEnv, endStep, type ReasonStateBase, type StepOutcome } from './base.js';
import {
  type Expr,
  type OpNode,
  applyArith,
  candidates,
  countOps,
  evalExpr,
  exprText,
  exprTokens,
  generateExpr,
  operands,
  reducible,
  replaceNode,
} from './arith-expr.js';
import { type ArithNumbers, VALUE_SCALE, VALUE_WIDTH, numbersKw, writeArithValues } from './arith-values.js';
import { checkKwargs, intKw, renderModeKw, repeatKw } from './kwargs.js';
import { EQUALS, OP_TOKEN, PAD, STOP, TIMES, fitsToken, numToken } from './vocab.js';

const ID = 'Reason-Arith-v0';
/** Reduction slots (the reducible operations, left to right) and candidates per slot. */
const SLOTS = 4,
  CHOICES = 4;
const EXPR_LEN = 32;
const REPEAT = SLOTS * CHOICES + SLOTS;
const STOP_ACTION = REPEAT + 1;

/** `state()` of Reason-Arith-v0. */
export interface ArithState extends ReasonStateBase {
  difficulty: number;
  /** The reductions on offer, left to right: the operation and its four candidate results. */
  choices: { operation: string; candidates: number[] }[];
}

const ACTION_NAMES: readonly string[] = [
  ...Array.from({ length: SLOTS * CHOICES }, (_, a) => `reduce slot ${Math.floor(a / CHOICES)} to ${a % CHOICES}`),
  ...Array.from({ length: SLOTS }, (_, s) => `restate slot ${s}'s left operand times 1`),
  'repeat the last reduction',
  'stop',
];

/**
 * Evaluate a generated arithmetic expression one reduction at a time. Each step picks one of the reducible
 * operations (both operands numbers; slots 0..3 left to right) and one of four candidate results, one of them right;
 * the chosen value replaces the operation, right or wrong. `stop` gives the answer: reward 1 when the expression is
 * a single number equal to the true value, else 0. Correct but unnecessary steps: `a * 1 = a` on a slot's left
 * operand (or on the final number), and repeating the last reduction. Masked: reductions of missing slots, a repeat
 * before any reduction.
 *
 * Actions (22): 4 x slot + candidate = reduce; 16 + slot = `a * 1 = a`; 20 = repeat; 21 = stop.
 * Observation: `problem` [32] the expression; `current` [32] the expression now; `choices` [4, 4] the candidate
 * results of each slot (PAD where there is no slot); `steps` [16, 5] the last 16 steps (`a op b = c`, `STOP = v`,
 * `?`). Ground truth: a step is correct when its claim is true (the candidate is the right result of its operation;
 * `a * 1 = a` always; a repeat when the repeated step was; stop when the answer is right). Kwargs: `difficulty` 1..5
 * (2..6 operators, default 2), `repeat` (episodes per problem, default 1), `renderMode` 'ansi', `numbers` 'id'
 * (default), 'value' (adds a float key `values` [4, 10]: per slot its operator and numbers by value, see
 * arith-values.ts, so that an MLP can learn the arithmetic) or 'value-only' (the `values` key alone).
 */
export class ReasonArith extends ReasonEnv<ArithState> {
  readonly difficulty: number;
  /** The `numbers` kwarg: 'value' adds the `values` key. */
  readonly numbers: ArithNumbers;
  private problem!: Expr;
  private expr!: Expr;
  private answer = 0;
  private onTrack = true;
  private slots: OpNode[] = [];
  private choices: { values: number[]; right: number }[] = [];
  private last?: { tokens: number[]; text: string; correct: boolean };

  constructor(kwargs: Record<string, unknown> = {}) {
    checkKwargs(ID, kwargs, ['difficulty', 'repeat', 'renderMode', 'numbers']);
    const numbers = numbersKw(ID, kwargs.numbers);
    const high = 999 / VALUE_SCALE;
    super({
      id: ID,
      actionNames: ACTION_NAMES,
      keys: { problem: [EXPR_LEN], current: [EXPR_LEN], choices: [SLOTS, CHOICES] },
      ...(numbers === 'id' ? {} : { valueKeys: { values: { shape: [SLOTS, VALUE_WIDTH], low: -high, high } } }),
      tokens: numbers !== 'value-only',
      stepRows: 16,
      stepWidth: 5,
      renderMode: renderModeKw(ID, kwargs.renderMode),
      repeat: repeatKw(ID, kwargs),
    });
    this.difficulty = intKw(ID, kwargs, 'difficulty', 2, 1, 5);
    this.numbers = numbers;
  }

  protected generate(rng: Rng): void {
    this.problem = generateExpr(rng, this.difficulty + 1, 9);
    this.answer = evalExpr(this.problem);
  }

  protected begin(): number {
    this.onTrack = true;
    this.last = undefined;
    this.setExpr(this.problem);
    return countOps(this.problem) + 1;
  }

  protected writeMask(mask: Uint8Array): void {
    this.slots.forEach((node, s) => {
      if (!fitsToken(applyArith(node.op, ...operands(node)))) return;
      for (let c = 0; c < CHOICES; c++) mask[s * CHOICES + c] = 1;
    });
    for (let s = 0; s < SLOTS; s++) {
      if (s < this.slots.length || (s === 0 && this.expr.kind === 'num')) mask[SLOTS * CHOICES + s] = 1;
    }
    if (this.last) mask[REPEAT] = 1;
    mask[STOP_ACTION] = 1;
  }

  protected apply(action: number): StepOutcome {
    if (action === STOP_ACTION) return this.stop();
    if (action === REPEAT) {
      const l = this.last!;
      return this.outcome('repeat', l.tokens, `${l.text} (again)`, l.correct);
    }
    if (action >= SLOTS * CHOICES) {
      const s = action - SLOTS * CHOICES;
      const a = this.expr.kind === 'num' ? this.expr.v : operands(this.slots[s]!)[0];
      return this.outcome('identity', [numToken(a), TIMES, numToken(1), EQUALS, numToken(a)], `${a} * 1 = ${a}`, true);
    }
    const s = Math.floor(action / CHOICES),
      c = action % CHOICES;
    const node = this.slots[s]!;
    const [a, b] = operands(node);
    const ch = this.choices[s]!;
    const v = ch.values[c]!;
    const correct = c === ch.right;
    if (!correct) this.onTrack = false;
    const tokens = [numToken(a), OP_TOKEN[node.op], numToken(b), EQUALS, numToken(v)];
    const text = `${a} ${node.op} ${b} = ${v}`;
    this.last = { tokens, text, correct };
    this.setExpr(replaceNode(this.expr, node, v));
    return this.outcome('reduce', tokens, text, correct);
  }

  protected writeObs(): void {
    if (this.values.values) writeArithValues(this.values.values, this.slots, this.choices);
    if (!this.obs.problem) return;
    writeTokens(this.obs.problem, exprTokens(this.problem));
    writeTokens(this.obs.current!, exprTokens(this.expr));
    const ch = this.obs.choices!;
    ch.fill(PAD);
    this.choices.forEach((x, s) =>
      x.values.forEach((v, c) => {
        ch[s * CHOICES + c] = numToken(v);
      }),
    );
  }

  protected problemText(): string {
    return exprText(this.problem);
  }

  protected currentText(): string {
    return exprText(this.expr);
  }

  protected override renderExtra(): string[] {
    return this.slots.map((n, s) => {
      const offers = this.choices[s]!.values.map((v, c) => `[${c}] ${v}`).join('  ');
      return `  slot ${s}: ${exprText(n)} -> ${offers}`;
    });
  }

  expertAction(): number {
    if (!this.onTrack || this.expr.kind === 'num') return STOP_ACTION;
    return this.choices[0]!.right;
  }

  state(): ArithState {
    return {
      ...this.baseState(),
      difficulty: this.difficulty,
      choices: this.slots.map((n, s) => ({ operation: exprText(n), candidates: [...this.choices[s]!.values] })),
    };
  }

  describeState(): string {
    return `// ${ID}: evaluate an integer expression (+ - *) one reduction at a time; each step replaces one operation
// whose operands are both numbers by one of four candidate results (one is right). "stop" gives the answer.
interface State {
  difficulty: number;   // 1..5: 2..6 operators
  problem: string;      // the expression to evaluate, e.g. "3 + 4 * 2"
  current: string;      // the expression after the steps so far, e.g. "3 + 8"; a single number when fully reduced
  steps: string[];      // each step: "4 * 2 = 8", "3 * 1 = 3" (restating), "... (again)", "stop: the answer is 11"
  done: boolean;        // true after stop
  choices: { operation: string; candidates: number[] }[];  // slot 0..3 left to right: e.g. "4 * 2" and [9, 8, 6, 18]
}`;
  }

  private stop(): StepOutcome {
    const v = this.expr.kind === 'num' ? this.expr.v : undefined;
    const success = v === this.answer && this.onTrack;
    const tokens = v === undefined ? [STOP] : [STOP, EQUALS, numToken(v)];
    const text =
      v === undefined ? `stop: no answer yet (${this.currentText()} is not reduced)` : `stop: the answer is ${v}`;
    return endStep('stop', tokens, text, success ? 1 : 0, success);
  }

  private outcome(kind: StepOutcome['kind'], tokens: number[], text: string, correct: boolean): StepOutcome {
    const remaining = this.onTrack ? countOps(this.expr) + 1 : Infinity;
    return { kind, tokens, text, correct, remaining, done: false, reward: 0, success: false };
  }

  private setExpr(e: Expr): void {
    this.expr = e;
    this.slots = reducible(e).slice(0, SLOTS);
    this.choices = this.slots.map((n) => candidates(this.episodeRng, n.op, ...operands(n)));
  }
}

function writeTokens(dst: Int32Array, src: readonly number[]): void {
  dst.fill(PAD);
  for (let i = 0; i < src.length && i < dst.length; i++) dst[i] = src[i]!;
}
