import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CLI, ROOT } from '../viz/tmux.js';

// `rxgym run` as a child process, stopped by real signals. On the shared, loaded 2-core machine a start takes seconds.
vi.setConfig({ testTimeout: 300_000 });
const dir = mkdtempSync(join(tmpdir(), 'rxgym-run-signals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rows of a run's metrics.csv (one per batch), as `step` values. */
const steps = (runDir: string): number[] => {
  const p = join(runDir, 'metrics.csv');
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.split(',')[0]));
};
const summary = (runDir: string): { reason: string; steps: number } =>
  JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { reason: string; steps: number };

function start(args: string): { exit: Promise<number | null>; out: () => string; err: () => string; pid: number } {
  const p = spawn('bash', ['-c', `exec ${CLI} ${args}`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((res) => p.on('exit', (c) => res(c)));
  return { exit, out: () => out, err: () => err, pid: p.pid! };
}

async function until(what: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && !what()) await new Promise((r) => setTimeout(r, 50));
  if (!what()) throw new Error(`timed out after ${ms} ms`);
}

describe('rxgym run and stop signals', () => {
  it('Ctrl-C at the end of one seed of several: no further seed starts; it says how to resume', async () => {
    // Pendulum with a random agent: 10 batches of 64 x 2 steps, then a long final evaluation (300 episodes of 200
    // steps) during which the signal arrives.
    const file = join(dir, 'three-seeds.yaml');
    const out = join(dir, 'three');
    writeFileSync(
      file,
      'name: three\nenv: { id: Pendulum-v1, numEnvs: 2 }\nagent: { type: random, numSteps: 64 }\n' +
        'budget: { steps: 1280 }\n' +
        `seeds: [1, 2, 3]\neval: { every: 0, episodes: 300 }\noutput: { dir: ${out} }\n`,
    );
    const run = start(`run ${file} --quiet`);
    await until(() => steps(join(out, 'seed-1')).includes(1280), 240_000);
    process.kill(run.pid, 'SIGINT');
    expect(await run.exit).toBe(130);
    expect(summary(join(out, 'seed-1'))).toMatchObject({ reason: 'budget', steps: 1280 });
    // before the fix the next seeds started anyway
    expect(existsSync(join(out, 'seed-2'))).toBe(false);
    expect(run.err()).toMatch(/SIGINT: stopping/);
    expect(run.err()).toContain(`stopped (2 of 3 seeds unfinished); continue with: rxgym run ${file} --quiet --resume`);

    const again = spawnSync('bash', ['-c', `${CLI} run ${file} --quiet --resume`], { cwd: ROOT, encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/seed 1: 1280 steps .*\(finished before\)/);
    for (const s of [2, 3]) expect(summary(join(out, `seed-${s}`))).toMatchObject({ reason: 'budget', steps: 1280 });
    // seed 1 was not trained again
    expect(readFileSync(join(out, 'seed-1', 'events.jsonl'), 'utf8').match(/"type":"start"/g)).toHaveLength(1);
  });

  // SIGTERM: kill, timeout, a scheduler, docker stop; SIGHUP: a closed terminal or SSH session
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s stops the run with a checkpoint (exit %i); --resume finishes it', async (sig, code) => {
    const out = join(dir, `run-${sig}`);
    const run = start(`run --env CartPole-v1 --agent random --num-envs 2 --steps 5000000 --out ${out} --quiet`);
    await until(() => steps(out).length >= 3, 240_000);
    process.kill(run.pid, sig);
    expect(await run.exit).toBe(code);
    const s = summary(out);
    expect(s.reason).toBe('stopped');
    expect(existsSync(join(out, 'checkpoints', 'latest'))).toBe(true);
    expect(run.err()).toMatch(new RegExp(`${sig}: stopping .*\\n.*continue with: rxgym run .* --resume`));
    // resumed with a budget just above where it stopped: it continues from the checkpoint and finishes
    const target = s.steps + 512;
    const again = spawnSync(
      'bash',
      [
        '-c',
        `${CLI} run --env CartPole-v1 --agent random --num-envs 2 --steps ${target} --out ${out} --quiet --resume`,
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(again.stderr).not.toMatch(/nothing to resume/);
    expect(again.status).toBe(0);
    expect(summary(out)).toMatchObject({ reason: 'budget', steps: target });
  });
});
