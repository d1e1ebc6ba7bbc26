import { RxgymError } from './env.js';

/**
 * How one family words and throws its parameter errors; the checks are the same for every family.
 * - `path` style (default), for keys of a scenario file: `agent.lr: expected a positive number, got "fast"`,
 *   `agent.lrr: unknown hyper-parameter; did you mean "lr"? (known: ...)`.
 * - `owner` style, for constructor options: `NormalizeReward: option "gamma" must be a finite number in [0, 1],
 *   got 2`, `CartPole-v1: unknown kwarg "renderMod"; known kwargs: renderMode, ...`.
 */
export interface ParamWording {
  /** What a key is called: 'hyper-parameter' (default), 'option', 'kwarg'. */
  readonly noun?: string;
  readonly style?: 'path' | 'owner';
  /** The path style's verb: 'expected' (default) or 'must be'. */
  readonly verb?: 'expected' | 'must be';
  /** The error to throw (default: ScenarioError in the path style, RxgymError in the owner style). */
  readonly error?: (where: string, detail: string) => Error;
}

/** Constructor options (envs, wrappers): `Ant-v0: option "width" must be ...`, `unknown option "x"`. */
export const OPTION_WORDING: ParamWording = { style: 'owner', noun: 'option' };

/** Constructor kwargs (the classic-control envs, as Gymnasium calls them): `CartPole-v1: unknown kwarg "x"`. */
export const KWARG_WORDING: ParamWording = { style: 'owner', noun: 'kwarg' };

/** Bounds of a number (or of each number of a list); `below` is an exclusive upper bound. */
export interface NumberBounds {
  min?: number;
  max?: number;
  below?: number;
  positive?: boolean;
  integer?: boolean;
}

/** The scenario error type: names the key path and what was expected. */
export class ScenarioError extends RxgymError {
  /** The message without the leading `path: `. */
  readonly detail: string;
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'ScenarioError';
    this.detail = detail;
  }
}

/** JSON-ish rendering of a bad value for messages. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v);
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

/** "a positive integer", "a number in [0, 1)", "an integer >= 1"; constructors say "finite number". */
export function describeNumber(b: NumberBounds, w: ParamWording): string {
  const noun = b.integer ? 'integer' : w.style === 'owner' ? 'finite number' : 'number';
  const upper =
    b.max !== undefined
      ? { sign: '<=', close: ']', at: b.max }
      : b.below !== undefined
        ? { sign: '<', close: ')', at: b.below }
        : undefined;
  if (b.positive) return `a positive ${b.integer ? 'integer' : 'number'}${upper ? ` ${upper.sign} ${upper.at}` : ''}`;
  if (b.min !== undefined && upper) return `${article(noun)} in [${b.min}, ${upper.at}${upper.close}`;
  if (b.min !== undefined) return `${article(noun)} >= ${b.min}`;
  if (upper) return `${article(noun)} ${upper.sign} ${upper.at}`;
  return article(noun);
}

/** The plural of a number phrase, for lists: "positive integers", "numbers in [0, 1]". */
export function describeList(b: NumberBounds, w: ParamWording): string {
  return describeNumber(b, w)
    .replace(/^an? /, '')
    .replace(/(integer|number)/, '$1s');
}

/** What went wrong with one key. */
export type ParamProblem =
  | { expected: string; got: unknown; choice?: readonly string[]; keys?: readonly string[] }
  | { unknown: readonly string[]; hint: string | undefined };

const joinPath = (root: string, key: string): string =>
  !key ? root : !root ? key : key.startsWith('[') ? `${root}${key}` : `${root}.${key}`;

function ownerDetail(noun: string, key: string, p: ParamProblem): string {
  if ('unknown' in p) {
    const known = p.unknown.length ? `known ${noun}s: ${p.unknown.join(', ')}` : `it takes no ${noun}s`;
    return `unknown ${noun} "${key}"; ${known}${p.hint ? `; did you mean "${p.hint}"?` : ''}`;
  }
  if (!key) return `${noun}s must be a mapping with keys ${(p.keys ?? []).join(', ')}, got ${show(p.got)}`;
  if (p.choice) return `${key} ${show(p.got)} is not supported; use one of ${p.choice.join(', ')}`;
  return `${noun} "${key}" must be ${p.expected}, got ${show(p.got)}`;
}

function pathDetail(noun: string, verb: string, p: ParamProblem): string {
  if ('unknown' in p)
    return `unknown ${noun}${p.hint ? `; did you mean "${p.hint}"?` : ''} (known: ${p.unknown.join(', ')})`;
  return `${verb} ${p.expected}, got ${show(p.got)}`;
}

/** The error for `problem` at key `key` under `root`, worded and typed as `w` says. */
export function paramError(w: ParamWording, root: string, key: string, problem: ParamProblem): Error {
  const noun = w.noun ?? 'hyper-parameter';
  if (w.style === 'owner') {
    const detail = ownerDetail(noun, key, problem);
    return w.error ? w.error(root, detail) : new RxgymError(`${root}: ${detail}`);
  }
  const where = joinPath(root, key);
  const detail = pathDetail(noun, w.verb ?? 'expected', problem);
  return w.error ? w.error(where, detail) : new ScenarioError(where, detail);
}
