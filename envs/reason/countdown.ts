import type { Rng } from '../../src/core/rng.js';
import { ReasonEnv, endStep, type ReasonStateBase, type StepOutcome } from './base.js';
import { CountdownSolver, combine } from './countdown-solver.js';
import { checkKwargs, intKw, renderModeKw, repeatKw } from './kwargs.js';
import { ARROW, DIVIDE, EQUALS, MINUS, PAD, PLUS, SEP, STOP, TIMES, numToken } from './vocab.js';

const ID = 'Reason-Countdown-v0';
const SLOTS = 5;
const PAIRS: readonly (readonly [number, number])[] = Array.from({ length: SLOTS }, (_, i) =>
  Array.from({ length: SLOTS - i - 1 }, (_, k) => [i, i + k + 1] as const),
).flat();
const OPS = ['+', '-', '*', '/'] as const;
const OP_TOKENS = [PLUS, MINUS, TIMES, DIVIDE] as const;
const IDENTITY = PAIRS.length * OPS.length;
const REPEAT = IDENTITY + SLOTS;
const STOP_ACTION = REPEAT + 1;
const BIG = [25, 50, 75, 100] as const;
/** Per difficulty: how many numbers, the fewest combinations the target needs, whether one number is big. */
const LEVELS: readonly { count: number; steps: number; big: boolean }[] = [
  { count: 3, steps: 1, big: false },
  { count: 4, steps: 2, big: false },
  { count: 4, steps: 3, big: false },
  { count: 5, steps: 3, big: true },
  { count: 5, steps: 4, big: true },
];

/** `state()` of Reason-Countdown-v0. */
export interface CountdownState extends ReasonStateBase {
  difficulty: number;
  target: number;
  /** The numbers in their slots (null: the slot is empty, its number was used). */
  slots: (number | null)[];
}

const ACTION_NAMES: readonly string[] = [
  ...PAIRS.flatMap(([i, j]) => OPS.map((op) => `combine slots ${i} ${op} ${j}`)),
  ...Array.from({ length: SLOTS }, (_, i) => `restate slot ${i} times 1`),
  'repeat the last combination',
  'stop',
];

/**
 * Countdown: reach a target from given numbers. Each step combines the numbers of two slots i < j with + - * /
 * (`-` is larger minus smaller, `/` larger over smaller and only when exact; results are positive and at most 999);
 * the result goes to slot i and slot j empties. `stop` answers: reward 1 when the target is among the numbers.
 * Correct but unnecessary steps: `n * 1 = n` on a slot and repeating the last combination (re-deriving a known
 * number). Masked: empty slots, results that are not positive integers up to 999, a repeat before any combination.
 *
 * Actions (47): 4 x pair + op = combine (pairs (0,1), (0,2), ..., (3,4); ops + - * /); 40 + slot = `n * 1 = n`;
 * 45 = repeat; 46 = stop. Observation: `problem` [12] `n1 ; n2 ; ... -> target`; `current` [5] the numbers in their
 * slots (PAD when empty); `steps` [16, 5] the last 16 steps. Every claim is true by construction, so ground truth is
 * reachability: a step is correct when the target can still be made afterwards (an exact search), and stop when the
 * target is there. Kwargs: `difficulty` 1..5 (3/4/4/5/5 numbers whose target needs 1/2/3/3/4 combinations at the
 * fewest; levels 4-5 add one of 25, 50, 75, 100), default 2; `renderMode` 'ansi'.
 */
export class ReasonCountdown extends ReasonEnv<CountdownState> {
  readonly difficulty: number;
  private readonly solver = new CountdownSolver();
  private initial: number[] = [];
  private readonly slots = new Int32Array(SLOTS);
  private target = 0;
  private dist = 0;
  /** The fewest combinations the fresh problem needs (known from generating it). */
  private startDist = 0;
  private last?: { tokens: number[]; text: string };

  constructor(kwargs: Record<string, unknown> = {}) {
    checkKwargs(ID, kwargs, ['difficulty', 'repeat', 'renderMode']);
    super({
      id: ID,
      actionNames: ACTION_NAMES,
      keys: { problem: [2 * SLOTS + 2], current: [SLOTS] },
      stepRows: 16,
      stepWidth: 5,
      renderMode: renderModeKw(ID, kwargs.renderMode),
      repeat: repeatKw(ID, kwargs),
    });
    this.difficulty = intKw(ID, kwargs, 'difficulty', 2, 1, 5);
  }

  protected generate(rng: Rng): void {
    const level = LEVELS[this.difficulty - 1]!;
    for (;;) {
      const nums = Array.from({ length: level.count }, () => rng.int(1, 11));
      if (level.big) nums[rng.int(0, nums.length)] = rng.choice(BIG);
      const steps = this.solver.minSteps(nums);
      const targets: number[] = [];
      for (let v = 10; v < steps.length; v++) if (steps[v] === level.steps) targets.push(v);
      if (targets.length === 0) continue;
      this.initial = nums;
      this.target = rng.choice(targets);
      this.startDist = level.steps;
      return;
    }
  }

  protected begin(): number {
    this.slots.fill(0);
    this.initial.forEach((v, i) => {
      this.slots[i] = v;
    });
    this.dist = this.startDist;
    this.last = undefined;
    return this.dist + 1;
  }

  protected writeMask(mask: Uint8Array): void {
    PAIRS.forEach(([i, j], p) => {
      const a = this.slots[i]!,
        b = this.slots[j]!;
      if (a && b) for (let op = 0; op < OPS.length; op++) if (combine(op, a, b)) mask[p * OPS.length + op] = 1;
    });
    for (let i = 0; i < SLOTS; i++) if (this.slots[i]) mask[IDENTITY + i] = 1;
    if (this.last) mask[REPEAT] = 1;
    mask[STOP_ACTION] = 1;
  }

  protected apply(action: number): StepOutcome {
    if (action === STOP_ACTION) {
      const success = this.slots.includes(this.target);
      const have = this.numbers().join(', ');
      const text = success ? `stop: ${this.target} is reached` : `stop: ${this.target} is not among ${have}`;
      return endStep('stop', [STOP], text, success ? 1 : 0, success);
    }
    if (action === REPEAT) return this.outcome('repeat', this.last!.tokens, `${this.last!.text} (again)`);
    if (action >= IDENTITY) {
      const n = this.slots[action - IDENTITY]!;
      return this.outcome('identity', [numToken(n), TIMES, numToken(1), EQUALS, numToken(n)], `${n} * 1 = ${n}`);
    }
    const [i, j] = PAIRS[Math.floor(action / OPS.length)]!;
    const op = action % OPS.length;
    const a = this.slots[i]!,
      b = this.slots[j]!;
    const v = combine(op, a, b);
    const [x, y] = op === 1 || op === 3 ? [Math.max(a, b), Math.min(a, b)] : [a, b];
    const tokens = [numToken(x), OP_TOKENS[op]!, numToken(y), EQUALS, numToken(v)];
    const text = `${x} ${OPS[op]} ${y} = ${v}`;
    this.slots[i] = v;
    this.slots[j] = 0;
    this.dist = this.solver.distance(this.numbers(), this.target);
    this.last = { tokens, text };
    return this.outcome('combine', tokens, text);
  }

  protected writeObs(): void {
    const p = this.obs.problem!;
    p.fill(PAD);
    let k = 0;
    this.initial.forEach((v, i) => {
      if (i > 0) p[k++] = SEP;
      p[k++] = numToken(v);
    });
    p[k++] = ARROW;
    p[k] = numToken(this.target);
    const c = this.obs.current!;
    for (let i = 0; i < SLOTS; i++) c[i] = this.slots[i] ? numToken(this.slots[i]!) : PAD;
  }

  protected problemText(): string {
    return `make ${this.target} from ${this.initial.join(', ')}`;
  }

  protected currentText(): string {
    return `${Array.from(this.slots, (v) => (v ? String(v) : '_')).join(', ')} (target ${this.target})`;
  }

  expertAction(): number {
    if (this.dist === 0 || !Number.isFinite(this.dist)) return STOP_ACTION;
    for (let p = 0; p < PAIRS.length; p++) {
      const [i, j] = PAIRS[p]!;
      const a = this.slots[i]!,
        b = this.slots[j]!;
      if (!a || !b) continue;
      for (let op = 0; op < OPS.length; op++) {
        const v = combine(op, a, b);
        if (!v) continue;
        const next = [v];
        for (let k = 0; k < SLOTS; k++) if (k !== i && k !== j && this.slots[k]) next.push(this.slots[k]!);
        if (this.solver.distance(next, this.target) === this.dist - 1) return p * OPS.length + op;
      }
    }
    return STOP_ACTION;
  }

  state(): CountdownState {
    const slots = Array.from(this.slots, (v) => v || null);
    return { ...this.baseState(), difficulty: this.difficulty, target: this.target, slots };
  }

  describeState(): string {
    return `// ${ID}: make the target from the numbers with + - * / (positive integers up to 999, exact division).
// Each step combines two numbers into one (the result takes the first slot, the second empties); "stop" answers.
interface State {
  difficulty: number;        // 1..5
  problem: string;           // e.g. "make 24 from 3, 7, 2, 9"
  target: number;
  slots: (number | null)[];  // five slots; null where a number was used up
  current: string;           // e.g. "21, _, 2, 9 (target 24)"
  steps: string[];           // "3 * 7 = 21", "9 * 1 = 9" (restating), "... (again)", "stop: 24 is reached"
  done: boolean;             // true after stop
}`;
  }

  private outcome(kind: StepOutcome['kind'], tokens: number[], text: string): StepOutcome {
    const onTrack = Number.isFinite(this.dist);
    return { kind, tokens, text, correct: onTrack, remaining: this.dist + 1, done: false, reward: 0, success: false };
  }

  private numbers(): number[] {
    return Array.from(this.slots).filter((v) => v > 0);
  }
}
