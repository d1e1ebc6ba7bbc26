import type { Rng } from '../../src/core/rng.js';
import { LPAREN, OP_TOKEN, RPAREN, detokenize, fitsToken, numToken } from './vocab.js';

/** An operator of Reason-Arith-v0. */
export type ArithOp = '+' | '-' | '*';
/** A number leaf. */
export interface NumNode {
  readonly kind: 'num';
  readonly v: number;
}
/** A binary operation. */
export interface OpNode {
  readonly kind: 'op';
  readonly op: ArithOp;
  readonly l: Expr;
  readonly r: Expr;
}
/** An arithmetic expression tree. */
export type Expr = NumNode | OpNode;

const OPS: readonly ArithOp[] = ['+', '-', '*'];
const PREC: Record<ArithOp, number> = { '+': 1, '-': 1, '*': 2 };

/** `a op b`. */
export function applyArith(op: ArithOp, a: number, b: number): number {
  return op === '+' ? a + b : op === '-' ? a - b : a * b;
}

/** The value of an expression. */
export function evalExpr(e: Expr): number {
  return e.kind === 'num' ? e.v : applyArith(e.op, evalExpr(e.l), evalExpr(e.r));
}

/** True when every sub-expression's value fits a number token. */
export function fitsAll(e: Expr): boolean {
  if (e.kind === 'num') return fitsToken(e.v);
  return fitsAll(e.l) && fitsAll(e.r) && fitsToken(evalExpr(e));
}

/** The number of operators. */
export function countOps(e: Expr): number {
  return e.kind === 'num' ? 0 : 1 + countOps(e.l) + countOps(e.r);
}

/**
 * A random expression with `ops` operators over leaves 1..maxLeaf (random tree shape, operators uniform over
 * + - *), redrawn until every sub-expression's value fits a number token.
 */
export function generateExpr(rng: Rng, ops: number, maxLeaf: number): Expr {
  const gen = (n: number): Expr => {
    if (n === 0) return { kind: 'num', v: rng.int(1, maxLeaf + 1) };
    const k = rng.int(0, n);
    const l = gen(k);
    const r = gen(n - 1 - k);
    return { kind: 'op', op: rng.choice(OPS), l, r };
  };
  for (;;) {
    const e = gen(ops);
    if (fitsAll(e)) return e;
  }
}

/** The two numbers of a reducible operation. */
export function operands(node: OpNode): [number, number] {
  return [(node.l as NumNode).v, (node.r as NumNode).v];
}

/** The operations whose operands are both numbers, left to right: the reductions possible now. */
export function reducible(e: Expr, out: OpNode[] = []): OpNode[] {
  if (e.kind === 'num') return out;
  if (e.l.kind === 'num' && e.r.kind === 'num') out.push(e);
  else {
    reducible(e.l, out);
    reducible(e.r, out);
  }
  return out;
}

/** `e` with the node `target` replaced by the number `v`. */
export function replaceNode(e: Expr, target: OpNode, v: number): Expr {
  if (e === target) return { kind: 'num', v };
  if (e.kind === 'num') return e;
  const l = replaceNode(e.l, target, v);
  const r = replaceNode(e.r, target, v);
  return l === e.l && r === e.r ? e : { kind: 'op', op: e.op, l, r };
}

/** Append the tokens of `e` with the fewest parentheses that keep its meaning. */
export function exprTokens(e: Expr, out: number[] = []): number[] {
  if (e.kind === 'num') {
    out.push(numToken(e.v));
    return out;
  }
  const side = (c: Expr, right: boolean) => {
    const paren = c.kind === 'op' && (PREC[c.op] < PREC[e.op] || (right && PREC[c.op] === PREC[e.op] && e.op === '-'));
    if (paren) out.push(LPAREN);
    exprTokens(c, out);
    if (paren) out.push(RPAREN);
  };
  side(e.l, false);
  out.push(OP_TOKEN[e.op]);
  side(e.r, true);
  return out;
}

/** The expression as text. */
export function exprText(e: Expr): string {
  return detokenize(exprTokens(e)).replace(/\( /g, '(').replace(/ \)/g, ')');
}

/**
 * Four candidate results for `a op b`: the right one at a random position and three plausible slips (off by one,
 * two or ten, the wrong operator, the sign flipped), all distinct and fitting a number token.
 */
export function candidates(rng: Rng, op: ArithOp, a: number, b: number): { values: number[]; right: number } {
  const c = applyArith(op, a, b);
  const pool = [...new Set([c + 1, c - 1, c + 2, c - 2, c + 10, c - 10, a + b, a - b, b - a, a * b, -c])].filter(
    (v) => v !== c && fitsToken(v),
  );
  rng.shuffle(pool);
  // c +- 1, c +- 2 and c +- 10 leave at least three that fit, whatever c is.
  const values = pool.slice(0, 3);
  const right = rng.int(0, 4);
  values.splice(right, 0, c);
  return { values, right };
}
