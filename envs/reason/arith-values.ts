import { RxgymError } from '../../src/core/env.js';
import { type ArithOp, type OpNode, operands } from './arith-expr.js';

/**
 * How Reason-Arith-v0 shows numbers to a policy: token ids only (the default), token ids plus a float `values` key
 * ('value'), or the `values` key alone ('value-only').
 */
export type ArithNumbers = 'id' | 'value' | 'value-only';

/** Floats per slot of the `values` key: present, the operator one-hot (+ - *), a, b, and the four candidates. */
export const VALUE_WIDTH = 10;
/** Numbers in the `values` key are divided by this. */
export const VALUE_SCALE = 10;

const OPS: readonly ArithOp[] = ['+', '-', '*'];

/** The `numbers` kwarg of Reason-Arith-v0. */
export function numbersKw(id: string, v: unknown): ArithNumbers {
  if (v === undefined || v === 'id') return 'id';
  if (v === 'value' || v === 'value-only') return v;
  throw new RxgymError(
    `${id}: option numbers must be "id" (token ids, the default), "value" or "value-only", got ${JSON.stringify(v)}`,
  );
}

/**
 * Write the `values` observation: row s = slot s (the reducible operations left to right, as in the actions) as
 * [1, op is +, op is -, op is *, a / 10, b / 10, candidate 0..3 / 10], a zero row where there is no slot.
 *
 * Why this layout: with token ids a number is an arbitrary embedding, so `a op b = c` is a lookup table the encoder
 * has to memorise at positions that move with the expression (rewards/process/RESULTS.md, section 0). By value,
 * `a + b - c` is linear in the inputs and each slot's operands and candidates sit at fixed positions, so a plain MLP
 * can learn the comparison. The policy still does the arithmetic: the right result and its index are never shown,
 * only the operands, the operator and the four candidates. Scale 10 keeps a unit difference at 0.1 (a finer scale
 * learned worse in the BC probe) while values up to 999 stay below 100.
 */
export function writeArithValues(
  dst: Float32Array,
  slots: readonly OpNode[],
  choices: readonly { values: readonly number[] }[],
): void {
  dst.fill(0);
  slots.forEach((node, s) => {
    const row = s * VALUE_WIDTH;
    const [a, b] = operands(node);
    dst[row] = 1;
    dst[row + 1 + OPS.indexOf(node.op)] = 1;
    dst[row + 4] = a / VALUE_SCALE;
    dst[row + 5] = b / VALUE_SCALE;
    choices[s]!.values.forEach((v, c) => {
      dst[row + 6 + c] = v / VALUE_SCALE;
    });
  });
}
