import type { Env } from '../../src/core/env.js';
import { RewardCodeError } from './errors.js';
import { RewardSandbox, type SandboxOptions } from './sandbox.js';
import { collectTransitions, fuzzTransitions, type CollectedTransitions } from './transitions.js';

/** Range of a series of values (NaNs left out). */
export interface RangeStat {
  count: number;
  min: number;
  max: number;
  mean: number;
  std: number;
}

/** How reward code fared on one set of transitions. */
export interface CheckPhase {
  transitions: number;
  errors: number;
  /** The first failure, explained. */
  error?: { kind: string; message: string; line?: number; transition?: number };
  total: RangeStat;
  components: Record<string, RangeStat>;
  /** Wall time of the sandbox call per transition, in microseconds. */
  usPerTransition: number;
}

/** The verdict of `rxgym reward check`. */
export interface CheckReport {
  file: string;
  env: string;
  /** Compiles, and runs on every real transition with finite results. */
  fit: boolean;
  compile?: { kind: string; message: string; line?: number; column?: number };
  real?: CheckPhase;
  fuzz?: CheckPhase;
  warnings: string[];
  logs: string[];
}

/** Options of a check. */
export interface CheckOptions extends SandboxOptions {
  /** Real transitions from a random policy (default 512). */
  steps?: number;
  /** Fuzzed transitions (default 256). */
  fuzz?: number;
  seed?: number;
  /** Transitions to use instead of collecting them (e.g. shared by several candidates). */
  transitions?: CollectedTransitions;
}

function range(values: ArrayLike<number>, mask?: Uint8Array): RangeStat {
  let count = 0,
    sum = 0,
    sq = 0,
    min = Infinity,
    max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] !== 0) continue;
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    count++;
    sum += v;
    sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = count ? sum / count : NaN;
  return { count, min, max, mean, std: count ? Math.sqrt(Math.max(0, sq / count - mean * mean)) : NaN };
}

function runPhase(sandbox: RewardSandbox, input: CollectedTransitions, logs: string[]): CheckPhase {
  let t0 = process.hrtime.bigint();
  let res = sandbox.run(input);
  if (res.errorCount === 0) {
    // time a second, JIT-compiled call with the state codec in place
    t0 = process.hrtime.bigint();
    res = sandbox.run(input);
  }
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / Math.max(1, input.prevStates.length);
  logs.push(...res.logs);
  const phase: CheckPhase = {
    transitions: input.prevStates.length,
    errors: res.errorCount,
    total: range(res.total, res.status),
    components: Object.fromEntries(Object.entries(res.components).map(([k, v]) => [k, range(v, res.status)])),
    usPerTransition: us,
  };
  if (res.error)
    phase.error = {
      kind: res.error.kind,
      message: res.error.message,
      line: res.error.line,
      transition: res.error.transition,
    };
  return phase;
}

function warningsOf(real: CheckPhase, fuzz: CheckPhase | undefined): string[] {
  const w: string[] = [];
  if (fuzz?.error)
    w.push(
      `would break on perturbed states (${fuzz.errors}/${fuzz.transitions} fuzzed transitions fail): ` +
        `${fuzz.error.message}`,
    );
  const flat = (r: RangeStat): boolean => r.count > 1 && r.std <= 1e-6 * Math.max(1e-6, Math.abs(r.mean));
  if (flat(real.total))
    w.push(
      `the total is constant (${real.total.mean}) on ${real.total.count} real transitions: ` +
        `it gives the agent no signal`,
    );
  const comps = Object.entries(real.components);
  for (const [name, r] of comps) {
    if (flat(r)) w.push(`component "${name}" is constant (${r.mean}): rescale it, change its temperature, or drop it`);
    if (r.count < real.transitions - real.errors)
      w.push(
        `component "${name}" is missing or not a number on ${real.transitions - real.errors - r.count} transitions`,
      );
  }
  const scales = comps
    .map(([name, r]) => [name, Math.max(Math.abs(r.min), Math.abs(r.max))] as const)
    .filter(([, s]) => s > 0 && Number.isFinite(s));
  if (scales.length > 1) {
    const sorted = [...scales].sort((a, b) => b[1] - a[1]);
    const [top, second] = [sorted[0]!, sorted[1]!];
    if (top[1] > 100 * second[1])
      w.push(
        `component "${top[0]}" (|x| up to ${top[1].toPrecision(3)}) dwarfs the others (next: "${second[0]}" up to ` +
          `${second[1].toPrecision(3)}): rescale it`,
      );
  }
  return w;
}

/**
 * Compile reward code and run it on real transitions of `env` (random policy) and on fuzzed ones; never throws for bad
 * code.
 */
export function checkRewardCode(
  source: string,
  env: Env<unknown, unknown>,
  id: string,
  opts: CheckOptions & { filename?: string } = {},
): CheckReport {
  const file = opts.filename ?? 'reward.ts';
  const report: CheckReport = { file, env: id, fit: false, warnings: [], logs: [] };
  let sandbox: RewardSandbox;
  try {
    sandbox = RewardSandbox.compile(source, opts);
  } catch (e) {
    if (!(e instanceof RewardCodeError)) throw e;
    report.compile = { kind: e.kind, message: e.message, line: e.line, column: e.column };
    return report;
  }
  try {
    const seed = opts.seed ?? 0;
    const real = opts.transitions ?? collectTransitions(env, id, { steps: opts.steps ?? 512, seed });
    report.real = runPhase(sandbox, real, report.logs);
    const nFuzz = opts.fuzz ?? 256;
    if (nFuzz > 0) report.fuzz = runPhase(sandbox, fuzzTransitions(real, nFuzz, seed + 1), report.logs);
    report.fit = report.real.errors === 0;
    report.warnings = warningsOf(report.real, report.fuzz);
  } finally {
    sandbox.dispose();
  }
  return report;
}

const fmt = (x: number): string =>
  Number.isFinite(x)
    ? Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3)
      ? x.toExponential(2)
      : x.toFixed(4)
    : String(x);

/** The human-readable report. */
export function formatCheckReport(r: CheckReport): string {
  const lines: string[] = [`reward check: ${r.file} on ${r.env}`];
  if (r.compile) {
    lines.push(`  does not compile (${r.compile.kind}):`, `  ${r.compile.message.replace(/\n/g, '\n  ')}`, 'UNFIT');
    return lines.join('\n');
  }
  const phase = (name: string, p: CheckPhase): void => {
    lines.push(
      `  ${name}: ${p.transitions} transitions, ${p.errors} failed, ${p.usPerTransition.toFixed(2)} us/transition`,
    );
    const row = (label: string, s: RangeStat): string =>
      `    ${label.padEnd(16)} min ${fmt(s.min).padStart(10)}  mean ${fmt(s.mean).padStart(10)}  max ` +
      `${fmt(s.max).padStart(10)}  std ${fmt(s.std).padStart(10)}`;
    lines.push(row('total', p.total));
    for (const [k, s] of Object.entries(p.components)) lines.push(row(k, s));
    if (p.error) lines.push(`    first failure (${p.error.kind}): ${p.error.message.replace(/\n/g, '\n    ')}`);
  };
  if (r.real) phase('real transitions (random policy)', r.real);
  if (r.fuzz) phase('fuzzed transitions', r.fuzz);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  if (r.logs.length) lines.push('  console output:', ...r.logs.slice(0, 10).map((l) => `    ${l}`));
  lines.push(r.fit ? 'FIT' : 'UNFIT');
  return lines.join('\n');
}
