import { RxgymError } from '../../src/core/env.js';

/** What went wrong with a reward module. */
export type RewardCodeErrorKind =
  | 'not-code'
  | 'syntax'
  | 'import'
  | 'shape'
  | 'exception'
  | 'non-number'
  | 'non-finite'
  | 'too-large'
  | 'timeout'
  | 'memory';

/** A reward-code failure, explained: where (line, column in the author's source), on which transition, and why. */
export class RewardCodeError extends RxgymError {
  readonly kind: RewardCodeErrorKind;
  /** 1-based line and column in the original (TypeScript) source, when known. */
  readonly line?: number;
  readonly column?: number;
  /** Index of the offending transition in its batch, when one is to blame. */
  readonly transition?: number;

  constructor(
    kind: RewardCodeErrorKind,
    message: string,
    where: { line?: number; column?: number; transition?: number } = {},
  ) {
    super(message);
    this.name = 'RewardCodeError';
    this.kind = kind;
    this.line = where.line;
    this.column = where.column;
    this.transition = where.transition;
  }
}

/** The source line `line` (1-based) with a caret under `column`, for error messages. */
export function excerptAt(source: string, line: number, column?: number): string {
  const text = source.split(/\r?\n/)[line - 1];
  if (text === undefined) return '';
  const shown = text.length > 160 ? `${text.slice(0, 160)}...` : text;
  const gutter = `${line} | `;
  const caret = column && column <= 161 ? `\n${' '.repeat(gutter.length + column - 1)}^` : '';
  return `\n  ${gutter}${shown}${caret ? caret.replace('\n', '\n  ') : ''}`;
}
