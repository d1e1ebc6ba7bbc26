/**
 * The token vocabulary shared by the Reason-* envs. Every observation array holds token ids from it:
 *
 * | id            | token                                                                  |
 * |---------------|------------------------------------------------------------------------|
 * | 0             | PAD (empty position)                                                   |
 * | 1             | `;` separator between items (examples, numbers)                        |
 * | 2             | STOP (the answer is given)                                             |
 * | 3             | `?` an invalid step (a masked action taken anyway: nothing happened)   |
 * | 4, 5          | `(` `)`                                                                |
 * | 6, 7, 8, 9    | `+` `-` `*` `/` (binary operators; `-` and `/` keep their order)       |
 * | 10            | `=`                                                                    |
 * | 11            | `->` (Countdown: "reach"; Program: "input maps to output")             |
 * | 12..16        | Program words `dup` `swap` `drop` `over` `nop`                         |
 * | 17..31        | reserved                                                               |
 * | 32..2030      | the integer v in [-999, 999] is the single token 1031 + v              |
 *
 * Numbers are single tokens so that a number keeps its position in a fixed-length array and its id is monotone in
 * its value; every value an env can produce stays within [-999, 999] (steps that would leave it are masked).
 */
export const PAD = 0;
/** Separator between items of a list. */
export const SEP = 1;
/** The stop action's token. */
export const STOP = 2;
/** Marks a step that was invalid (a masked action). */
export const INVALID = 3;
/** Parentheses. */
export const LPAREN = 4,
  RPAREN = 5;
/** Binary operators. */
export const PLUS = 6,
  MINUS = 7,
  TIMES = 8,
  DIVIDE = 9;
/** `=` */
export const EQUALS = 10;
/** `->` */
export const ARROW = 11;
/** Program words. */
export const DUP = 12,
  SWAP = 13,
  DROP = 14,
  OVER = 15,
  NOP = 16;
/** Largest magnitude of a number token. */
export const NUM_MAX = 999;
/** Token id of the number 0. */
export const NUM_ZERO = 32 + NUM_MAX;
/** Number of token ids (observation arrays hold ids in [0, VOCAB_SIZE)). */
export const VOCAB_SIZE = NUM_ZERO + NUM_MAX + 1;

const NAMES: Record<number, string> = {
  [PAD]: '',
  [SEP]: ';',
  [STOP]: 'STOP',
  [INVALID]: '?',
  [LPAREN]: '(',
  [RPAREN]: ')',
  [PLUS]: '+',
  [MINUS]: '-',
  [TIMES]: '*',
  [DIVIDE]: '/',
  [EQUALS]: '=',
  [ARROW]: '->',
  [DUP]: 'dup',
  [SWAP]: 'swap',
  [DROP]: 'drop',
  [OVER]: 'over',
  [NOP]: 'nop',
};

/** True when `v` is an integer a number token can hold. */
export function fitsToken(v: number): boolean {
  return Number.isInteger(v) && v >= -NUM_MAX && v <= NUM_MAX;
}

/** The token of the integer `v` (|v| <= 999). */
export function numToken(v: number): number {
  return NUM_ZERO + v;
}

/** True when `id` is a number token. */
export function isNumToken(id: number): boolean {
  return id >= NUM_ZERO - NUM_MAX && id < VOCAB_SIZE;
}

/** The integer a number token stands for. */
export function tokenValue(id: number): number {
  return id - NUM_ZERO;
}

/** The text of one token ('' for PAD). */
export function tokenName(id: number): string {
  if (isNumToken(id)) return String(tokenValue(id));
  return NAMES[id] ?? `<${id}>`;
}

/** Tokens as text separated by spaces, PAD skipped. */
export function detokenize(ids: ArrayLike<number>): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) if (ids[i] !== PAD) out.push(tokenName(ids[i]!));
  return out.join(' ');
}

/** The token of a binary operator symbol. */
export const OP_TOKEN = { '+': PLUS, '-': MINUS, '*': TIMES, '/': DIVIDE } as const;
/** A binary operator symbol. */
export type Op = keyof typeof OP_TOKEN;

/** `a op b` on integers; division only when exact (otherwise NaN). */
export function applyOp(op: Op, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b !== 0 && a % b === 0 ? a / b : NaN;
  }
}
