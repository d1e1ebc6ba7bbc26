import { RxgymError } from '../core/env.js';

/**
 * Wrong usage of a command (a bad flag value, a missing or conflicting argument, an unknown id or file typed on the
 * command line): the CLI prints it with the command's usage and exits 2. Bad input read from a file stays an
 * RxgymError (exit 1).
 */
export class UsageError extends RxgymError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `f()`, with any RxgymError it throws turned into a UsageError (for checks of what was typed on the command line). */
export function asUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RxgymError && !(e instanceof UsageError)) throw new UsageError(e.message);
    throw e;
  }
}

/** An integer flag value of at least `min`, or a UsageError naming the flag. */
export function intFlag(name: string, v: string, min: number): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name}: expected an integer >= ${min}, got "${v}"`);
  }
  return n;
}

/**
 * Env kwargs typed on the command line (`--kwargs`), checked by building the env with them once: an unknown key or a
 * bad value is wrong usage (exit 2), as a bad --param is, not a failure found after the command started.
 */
export function checkKwargsFlag(
  build: (id: string, kwargs: Record<string, unknown>) => { close(): void },
  id: string,
  kwargs: Record<string, unknown>,
): void {
  let env: { close(): void };
  try {
    env = build(id, kwargs);
  } catch (e) {
    if (e instanceof RxgymError) throw new UsageError(`--kwargs: ${e.message}`);
    throw e;
  }
  env.close();
}

/** A JSON object flag value (env kwargs), or a UsageError naming the flag. */
export function jsonObjectFlag(name: string, text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text) as unknown;
  } catch (e) {
    const why = (e as Error).message;
    throw new UsageError(`--${name}: not valid JSON (${why}); expected an object such as '{"size": 9}'`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new UsageError(`--${name}: expected a JSON object such as '{"size": 9}', got ${JSON.stringify(text)}`);
  }
  return v as Record<string, unknown>;
}
