import { RxgymError } from '../core/env.js';
import { ScenarioError, show } from '../core/params.js';

/** Several scenario errors at once: one line per error, each naming its key path. */
export class ScenarioErrors extends RxgymError {
  constructor(
    readonly errors: readonly ScenarioError[],
    where?: string,
  ) {
    super(`${errors.length} errors${where ? ` in ${where}` : ''}:\n${errors.map((e) => `  ${e.message}`).join('\n')}`);
    this.name = 'ScenarioErrors';
  }
}

/** The single errors of a scenario error (one, or each of several); undefined for any other error. */
export function scenarioErrorList(e: unknown): readonly ScenarioError[] | undefined {
  if (e instanceof ScenarioErrors) return e.errors;
  if (e instanceof ScenarioError) return [e];
  return undefined;
}

/** Collects the errors of a validation, so that a scenario's every error is reported at once. */
export class ErrorCollector {
  readonly list: ScenarioError[] = [];

  /** Record an error at `path`. */
  add(path: string, detail: string): void {
    this.list.push(new ScenarioError(path, detail));
  }

  /** `f()`, or `fallback` after recording the ScenarioError it threw (any other error propagates). */
  check<T>(f: () => T, fallback: T): T {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      this.list.push(e);
      return fallback;
    }
  }

  /** Throw what was collected: nothing, the one error itself, or all of them as ScenarioErrors. */
  throwIfAny(where?: string): void {
    if (this.list.length === 0) return;
    if (this.list.length === 1) {
      const e = this.list[0]!;
      throw where ? new ScenarioError(e.path, `${e.message.slice(e.path.length + 2)} (in ${where})`) : e;
    }
    throw new ScenarioErrors(this.list, where);
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * A run or benchmark name, checked at `path`: it names a directory, so only letters, digits, ".", "_" and "-"
 * (starting with a letter or digit, at most 100 characters, no ".."), never a path.
 */
export function checkName(path: string, v: unknown): string {
  const s = typeof v === 'number' && Number.isFinite(v) ? String(v) : v;
  if (typeof s === 'string' && NAME.test(s) && !s.includes('..')) return s;
  throw new ScenarioError(
    path,
    `expected a name of letters, digits, ".", "_" and "-" (starting with a letter or digit, at most 100 characters, ` +
      `no "/" or ".."; it names the output directory), got ${show(v)}`,
  );
}

/** A name derived from something else (a file name): every run of characters `checkName` refuses becomes "_". */
export function safeName(s: string): string {
  const t = s
    .replace(/\.{2,}/g, '_')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100);
  return t || 'run';
}
