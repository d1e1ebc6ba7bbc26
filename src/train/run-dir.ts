import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { RxgymError } from '../core/env.js';
import type { Scenario } from './scenario.js';
import { resolveRewardFiles } from './scenario-paths.js';

/** Files that may be in a run directory before its run starts: what `rxgym bench` puts beside a run it starts. */
const BEFORE_RUN = new Set(['scenario.yaml', 'result.json', 'stderr.log']);

/** The identity of a run: what must match for `--resume` (budget, eval and output may change). */
export function fingerprint(s: Scenario, seed: number): Record<string, unknown> {
  return {
    env: s.env,
    agent: s.agent,
    rewards: s.rewards ?? null,
    seed,
    ...(s.pretrain ? { pretrain: s.pretrain } : {}),
  };
}

/**
 * How errors about a run directory name the options that choose it and resume it: a library caller reads the
 * option names of `startRun` (the default), the CLI passes its flags (`CLI_OPTION_NAMES`).
 */
export interface RunOptionNames {
  /** The option that continues a run, e.g. "resume: true" or "--resume". */
  resume: string;
  /** The option that chooses the run directory, e.g. "runDir" or "--out". */
  runDir: string;
}

/** `startRun`'s option names: the wording library callers get. */
export const API_OPTION_NAMES: RunOptionNames = { resume: 'resume: true', runDir: 'runDir' };

/** The flags of `rxgym run` (and the commands that start runs for it). */
export const CLI_OPTION_NAMES: RunOptionNames = { resume: '--resume', runDir: '--out' };

/** A run directory: where a run's identity, events, metrics, checkpoints and summary live. */
export interface RunDir {
  readonly path: string;
  readonly runId: string;
  /** True when the directory already held this run (a resume). */
  readonly existing: boolean;
}

/**
 * Check that `path` can hold this run before anything is written: a new run needs a directory that is missing,
 * empty or holds only run files of no run; `resume` needs the same run. Throws a clear error otherwise.
 */
export function checkRunDir(
  path: string,
  s: Scenario,
  seed: number,
  resume: boolean,
  names: RunOptionNames = API_OPTION_NAMES,
): RunDir {
  const dir = resolve(path);
  const runJson = join(dir, 'run.json');
  const fp = fingerprint(s, seed);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new RxgymError(`${dir} is a file, not a run directory; choose another output directory (${names.runDir})`);
  }
  if (existsSync(runJson)) {
    let prev: { runId: string; fingerprint: unknown };
    try {
      prev = JSON.parse(readFileSync(runJson, 'utf8')) as { runId: string; fingerprint: unknown };
    } catch {
      throw new RxgymError(
        `${runJson} is not valid JSON: the run directory is damaged; choose another output directory ` +
          `(${names.runDir})`,
      );
    }
    if (!resume) {
      throw new RxgymError(
        `${dir} already holds run ${prev.runId}; pass ${names.resume} to continue it, or choose another output ` +
          `directory (${names.runDir}); nothing was overwritten`,
      );
    }
    // Runs started before reward files were resolved against the scenario hold them relative to the working directory.
    const same = (a: unknown) => JSON.stringify(resolveRewardFiles(a, process.cwd()));
    if (same(prev.fingerprint) !== same(fp)) {
      throw new RxgymError(
        `${dir} holds a different run (${JSON.stringify(prev.fingerprint).slice(0, 200)}); ${names.resume} needs ` +
          `the same env, agent, hyper-parameters, rewards and seed; nothing was overwritten`,
      );
    }
    return { path: dir, runId: prev.runId, existing: true };
  }
  if (resume) {
    throw new RxgymError(`nothing to resume in ${dir} (no run.json); drop ${names.resume} to start a new run there`);
  }
  if (existsSync(dir)) {
    const entries = readdirSync(dir).filter((f) => !f.startsWith('.'));
    if (entries.includes('checkpoints'))
      throw new RxgymError(`${dir} holds checkpoints but no run.json; choose another output directory`);
    const foreign = entries.filter((f) => !BEFORE_RUN.has(f));
    if (foreign.length > 0) {
      const what = `${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}`;
      throw new RxgymError(
        `${dir} is not empty and holds no run (${what}); choose an empty or new output directory ` +
          `(${names.runDir}); nothing ` +
          `was written`,
      );
    }
  }
  return { path: dir, runId: `${s.name}-s${seed}-${Date.now().toString(36)}`, existing: false };
}

/** Create the directory and its `run.json` (a new run only). */
export function createRunDir(d: RunDir, s: Scenario, seed: number): void {
  mkdirSync(d.path, { recursive: true });
  if (d.existing) return;
  const record = {
    runId: d.runId,
    name: s.name,
    fingerprint: fingerprint(s, seed),
    scenario: s,
    created: new Date().toISOString(),
  };
  writeFileAtomic(join(d.path, 'run.json'), JSON.stringify(record, null, 1));
}
