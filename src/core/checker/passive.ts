import type { Env, ResetOptions, ResetResult, RgbFrame, StepResult } from '../env.js';
import { RxgymError } from '../env.js';
import { Wrapper } from '../wrapper.js';
import { warnOnce } from '../warn.js';
import { describeValue, spaceProblems } from './space-checks.js';

/**
 * Gymnasium's PassiveEnvChecker: checks the spaces at construction and the first reset, step and render results.
 * Broken structure (missing fields, non-boolean flags, non-number reward) is an RxgymError; an observation outside
 * its space or a non-finite reward is a warning. After the first call of each kind it only forwards.
 */
export class PassiveEnvChecker<O, A> extends Wrapper<O, A> {
  private checkedReset = false;
  private checkedStep = false;
  private checkedRender = false;

  constructor(env: Env<O, A>) {
    super(env);
    const problems = [
      ...spaceProblems(env.observationSpace, 'observationSpace'),
      ...spaceProblems(env.actionSpace, 'actionSpace'),
    ];
    if (!env.metadata || !Array.isArray(env.metadata.renderModes))
      problems.push('metadata.renderModes must be an array of render modes');
    if (problems.length) throw new RxgymError(`${this.name()}: ${problems.join('; ')}`);
  }

  override reset(opts?: ResetOptions): ResetResult<O> {
    const r = this.env.reset(opts);
    if (!this.checkedReset) {
      this.checkedReset = true;
      checkResetResult(this.name(), r, this.env);
    }
    return r;
  }

  override step(action: A): StepResult<O> {
    const r = this.env.step(action);
    if (!this.checkedStep) {
      this.checkedStep = true;
      checkStepResult(this.name(), r, this.env);
    }
    return r;
  }

  override render(): string | RgbFrame | undefined {
    const f = this.env.render();
    if (!this.checkedRender) {
      this.checkedRender = true;
      const p = renderProblem(this.env.renderMode, f);
      if (p) throw new RxgymError(`${this.name()}: ${p}`);
    }
    return f;
  }

  private name(): string {
    return this.env.spec?.id ?? 'env';
  }
}

/** Check a reset result; throws on broken structure, warns on an observation outside the space. */
export function checkResetResult(name: string, r: unknown, env: Env<unknown, unknown>): void {
  if (typeof r !== 'object' || r === null || !('obs' in r) || !('info' in r)) {
    throw new RxgymError(`${name}: reset() must return { obs, info }, got ${describeValue(r)}`);
  }
  const { obs, info } = r as ResetResult<unknown>;
  if (typeof info !== 'object' || info === null || Array.isArray(info))
    throw new RxgymError(`${name}: reset() info must be a plain object, got ${describeValue(info)}`);
  if (!env.observationSpace.contains(obs))
    warnOnce(`${name}: the observation returned by reset() is not within observationSpace (${describeValue(obs)})`);
}

/** Check a step result; throws on broken structure, warns on out-of-space observations and non-finite rewards. */
export function checkStepResult(name: string, r: unknown, env: Env<unknown, unknown>): void {
  if (typeof r !== 'object' || r === null)
    throw new RxgymError(
      `${name}: step() must return { obs, reward, terminated, truncated, info }, got ${describeValue(r)}`,
    );
  const s = r as Partial<StepResult<unknown>>;
  for (const k of ['obs', 'reward', 'terminated', 'truncated', 'info'] as const) {
    if (!(k in s))
      throw new RxgymError(`${name}: step() result lacks "${k}"; return { obs, reward, terminated, truncated, info }`);
  }
  if (typeof s.terminated !== 'boolean')
    throw new RxgymError(`${name}: step() terminated must be a boolean, got ${describeValue(s.terminated)}`);
  if (typeof s.truncated !== 'boolean')
    throw new RxgymError(`${name}: step() truncated must be a boolean, got ${describeValue(s.truncated)}`);
  if (typeof s.reward !== 'number')
    throw new RxgymError(`${name}: step() reward must be a number, got ${describeValue(s.reward)}`);
  if (typeof s.info !== 'object' || s.info === null || Array.isArray(s.info))
    throw new RxgymError(`${name}: step() info must be a plain object`);
  if (!Number.isFinite(s.reward)) warnOnce(`${name}: step() returned a non-finite reward (${s.reward})`);
  if (!env.observationSpace.contains(s.obs))
    warnOnce(`${name}: the observation returned by step() is not within observationSpace (${describeValue(s.obs)})`);
}

/** What is wrong with a render result for `mode`, or undefined. */
export function renderProblem(mode: string | undefined, f: unknown): string | undefined {
  if (mode === undefined || mode === 'human')
    return f === undefined ? undefined : `render() must return undefined for render mode ${mode ?? 'none'}`;
  if (mode === 'ansi')
    return typeof f === 'string' ? undefined : `render() in 'ansi' mode must return a string, got ${describeValue(f)}`;
  if (mode === 'rgb_array') {
    const fr = f as RgbFrame;
    if (
      typeof fr !== 'object' ||
      fr === null ||
      !(fr.data instanceof Uint8Array) ||
      !Number.isInteger(fr.width) ||
      !Number.isInteger(fr.height)
    ) {
      return `render() in 'rgb_array' mode must return { width, height, data: Uint8Array }, got ${describeValue(f)}`;
    }
    if (fr.data.length !== fr.width * fr.height * 3)
      return `render() frame data has ${fr.data.length} bytes, expected width*height*3 = ${fr.width * fr.height * 3}`;
    return undefined;
  }
  return `unknown render mode ${JSON.stringify(mode)}`;
}
