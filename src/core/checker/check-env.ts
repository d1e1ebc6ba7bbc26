import { capabilitiesOf } from '../capabilities.js';
import type { Env, RenderMode } from '../env.js';
import { Rng } from '../rng.js';
import { unwrap } from '../wrapper.js';
import { setWarningHandler } from '../warn.js';
import { copyObs } from '../vector/layout.js';
import { checkResetResult, checkStepResult, renderProblem } from './passive.js';
import { deepEqual, describeValue, spaceProblems } from './space-checks.js';

/** One problem found by `checkEnv`. */
export interface CheckFinding {
  /** Which check found it: spaces, reset, seed, options, step, determinism, render, close. */
  check: string;
  severity: 'error' | 'warning';
  message: string;
}

/** Options of `checkEnv`. */
export interface CheckEnvOptions {
  skipRenderCheck?: boolean;
  skipCloseCheck?: boolean;
}

/**
 * Gymnasium's check_env: spaces valid, reset/step results well formed and inside the spaces, reset seeding
 * deterministic (seed 123 twice equal; 456 different unless the env declares a `fixedLayout`), reset options accepted,
 * steps deterministic for a seed, every declared render mode returns the right type (envs made by id are rebuilt
 * by their spec's entry point with kwarg `renderMode`), and close() twice is safe (on a fresh copy for envs made by
 * id, which stay open; an env without a spec is closed). Returns the findings (empty when the env passes); never
 * throws for a broken env.
 */
export function checkEnv(env: Env<unknown, unknown>, opts: CheckEnvOptions = {}): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const add = (check: string, message: string, severity: CheckFinding['severity'] = 'error') =>
    findings.push({ check, severity, message });
  const attempt = (check: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      add(check, e instanceof Error ? e.message : String(e));
    }
  };
  const name = env.spec?.id ?? unwrap(env).constructor.name;
  const prev = setWarningHandler((m) => add('passive', m, 'warning'));
  try {
    const spaceIssues = [
      ...spaceProblems(env.observationSpace, 'observationSpace'),
      ...spaceProblems(env.actionSpace, 'actionSpace'),
    ];
    for (const m of spaceIssues) add('spaces', m);
    if (spaceIssues.length) return findings;

    let resetOk = false;
    attempt('reset', () => {
      const r = env.reset({ seed: 0 });
      checkResetResult(name, r, env);
      if (!env.observationSpace.contains(r.obs))
        add('reset', `reset() observation ${describeValue(r.obs)} is not within observationSpace`);
      resetOk = true;
    });
    if (!resetOk) return findings;

    attempt('seed', () => {
      const o1 = copyObs(env.reset({ seed: 123 }).obs);
      const o2 = copyObs(env.reset().obs);
      const o3 = copyObs(env.reset({ seed: 123 }).obs);
      const o4 = copyObs(env.reset().obs);
      if (!deepEqual(o1, o3))
        add('seed', 'reset({ seed: 123 }) twice gave different observations; seed the env RNG in reset');
      if (!deepEqual(o2, o4))
        add(
          'seed',
          'reset() after reset({ seed: 123 }) gave different observations; an unseeded reset must continue the ' +
            'seeded RNG',
        );
      // A fixed layout (declared as a capability) is the same for every seed by design.
      if (capabilitiesOf(env).fixedLayout) return;
      const a = trajectory(env, 123),
        b = trajectory(env, 456);
      if (deepEqual(a, b))
        add(
          'seed',
          'reset({ seed: 456 }) gave the same trajectory as seed 123; the env seems to ignore the seed',
          'warning',
        );
    });

    attempt('options', () => {
      env.reset({ seed: 0, options: {} });
    });

    attempt('step', () => {
      env.reset({ seed: 0 });
      const r = env.step(env.actionSpace.sample(new Rng(0)));
      checkStepResult(name, r, env);
      if (!env.observationSpace.contains(r.obs))
        add('step', `step() observation ${describeValue(r.obs)} is not within observationSpace`);
      if (!Number.isFinite(r.reward)) add('step', `step() reward ${r.reward} is not finite`);
    });

    attempt('determinism', () => {
      const action = env.actionSpace.sample(new Rng(1));
      env.reset({ seed: 123 });
      const r1 = env.step(action);
      const s1 = {
        obs: copyObs(r1.obs),
        reward: r1.reward,
        terminated: r1.terminated,
        truncated: r1.truncated,
        info: r1.info,
      };
      env.reset({ seed: 123 });
      const r2 = env.step(action);
      if (!deepEqual(s1.obs, r2.obs)) add('determinism', 'the same seed and action gave different step observations');
      // deepEqual: a NaN reward twice is deterministic (the step check reports the NaN itself)
      if (!deepEqual(s1.reward, r2.reward))
        add('determinism', `the same seed and action gave different rewards (${s1.reward} vs ${r2.reward})`);
      if (s1.terminated !== r2.terminated)
        add('determinism', 'the same seed and action gave different terminated flags');
      if (s1.truncated || r2.truncated) add('determinism', 'truncated must be false on the first step of an episode');
      if (!deepEqual(s1.info, r2.info)) add('determinism', 'the same seed and action gave different infos');
    });

    if (!opts.skipRenderCheck) checkRender(env, name, add);
  } finally {
    setWarningHandler(prev);
  }
  if (!opts.skipCloseCheck) {
    attempt('close', () => {
      // as Gymnasium's check_env: an env made by id is checked on a fresh copy, so the caller's env stays usable
      const target = env.spec ? env.spec.entryPoint({ ...env.spec.kwargs }) : env;
      if (target !== env) target.reset({ seed: 0 });
      target.close();
      target.close();
    });
  }
  return findings;
}

function trajectory(env: Env<unknown, unknown>, seed: number): unknown[] {
  const out: unknown[] = [copyObs(env.reset({ seed }).obs)];
  const rng = new Rng(7);
  for (let t = 0; t < 5; t++) {
    const r = env.step(env.actionSpace.sample(rng));
    out.push(copyObs(r.obs), r.reward);
    if (r.terminated || r.truncated) break;
  }
  return out;
}

function checkRender(env: Env<unknown, unknown>, name: string, add: (check: string, m: string) => void): void {
  const declared: unknown = env.metadata?.renderModes;
  if (!Array.isArray(declared)) {
    add(
      'render',
      `${name}: metadata.renderModes must be an array of render modes, e.g. metadata = { renderModes: [] }`,
    );
    return;
  }
  const modes = declared.filter((m): m is RenderMode => m !== 'human');
  for (const mode of modes) {
    let target: Env<unknown, unknown> | undefined;
    try {
      if (env.renderMode === mode) target = env;
      // the spec's own entry point, not a registry lookup: the env may come from a user's registry
      else if (env.spec) target = env.spec.entryPoint({ ...env.spec.kwargs, renderMode: mode });
      else continue;
      target.reset({ seed: 0 });
      const p = renderProblem(mode, target.render());
      if (p) add('render', `${name} (${mode}): ${p}`);
    } catch (e) {
      add('render', `${name} (${mode}): ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      if (target && target !== env) target.close();
    }
  }
}
