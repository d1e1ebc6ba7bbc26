import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerCheckCommand } from '../../src/cli/check.js';
import { registerEnvsCommand, spaceSummary } from '../../src/cli/envs.js';
import { registerInfoCommand } from '../../src/cli/info.js';

// End to end, the compiled bin (built by `npm test`'s pretest / `npm ci`'s prepare), spawned concurrently because
// each start loads the whole package; the rest runs the same command modules in-process.
const BIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
function runBin(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args]);
    let out = '',
      err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

/** Run `rxgym <args>` in-process with the three core commands; returns stdout, stderr and the exit code. */
async function runIn(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '',
    err = '';
  const program = new Command()
    .name('rxgym')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerInfoCommand(program);
  registerEnvsCommand(program);
  registerCheckCommand(program);
  const spy = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  process.exitCode = undefined;
  let code = 0;
  try {
    await program.parseAsync(['node', 'rxgym', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = 2;
  } finally {
    spy.mockRestore();
    process.exitCode = undefined;
  }
  return { code, out, err };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('rxgym info / envs / check', () => {
  // Each start of the bin imports every family (about 3 s of CPU); on the shared, loaded machine that can take 15 s+.
  it('the bin: --help exits 0, an unknown id exits 2 with a clean message and the usage', {
    timeout: 240_000,
  }, async () => {
    const [help, unknown] = await Promise.all([runBin('--help'), runBin('check', 'CartPol-v1')]);
    expect(help.code).toBe(0);
    for (const c of ['info', 'envs', 'check']) expect(help.out).toContain(c);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown env id "CartPol-v1"; did you mean "CartPole-v1"\?/);
    expect(unknown.err).toMatch(/Usage: rxgym check/);
    expect(unknown.err).not.toMatch(/\n\s+at /);
  });

  it('info --json reports backend, versions and cores', async () => {
    const r = await runIn('info', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      node: string;
      backend: string;
      cores: { available: number };
      packages: Record<string, string | null>;
      envs: number;
    };
    expect(j.node).toBe(process.version);
    expect(j.cores.available).toBeGreaterThan(0);
    expect(j.packages['@tensorflow/tfjs']).toMatch(/^4\./);
    expect(j.backend).not.toMatch(/^unavailable/);
    expect(j.envs).toBeGreaterThanOrEqual(4);
  });

  it('envs lists the classic ids with spaces and limits', async () => {
    const r = await runIn('envs', '--json', '--family', 'classic');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Array<{ id: string; maxEpisodeSteps: number; actionSpace: { type: string } }>;
    expect(rows.map((x) => x.id)).toEqual(['Acrobot-v1', 'CartPole-v1', 'MountainCar-v0', 'Pendulum-v1']);
    expect(rows.find((x) => x.id === 'CartPole-v1')).toMatchObject({
      maxEpisodeSteps: 500,
      actionSpace: { type: 'Discrete' },
    });
    const text = await runIn('envs', '--family', 'classic');
    expect(text.out).toMatch(
      /CartPole-v1 {2}\[classic\] {2}limit 500, threshold 475\n {4}obs Box\(4,\) float32\n {4}act Discrete\(2\)/,
    );
    expect(spaceSummary({ type: 'Dict', spaces: { a: { type: 'Discrete', n: 3, start: 0 } } })).toBe(
      'Dict{a: Discrete(3)}',
    );
  });

  // every built-in env passes the checker, so findings (exit 1) are tested on the library's checkEnv (test/core)
  it('check: ok exits 0, wrong usage (a kwarg the env refuses included) exits 2', async () => {
    const ok = await runIn('check', 'CartPole-v1', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toEqual({ id: 'CartPole-v1', ok: true, findings: [] });
    // a kwarg value the env refuses is the user's input, not a finding about the env (b1a189b)
    const bad = await runIn('check', 'Pendulum-v1', '--json', '--kwargs', '{"g":"x"}');
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.err).toMatch(/--kwargs: .*kwarg "g" must be a finite number/);
    expect((await runIn('check')).code).toBe(2);
    const unknownCmd = await runIn('nonsense-command');
    expect(unknownCmd.code).toBe(2);
    expect(unknownCmd.err).toMatch(/unknown command 'nonsense-command'/);
    const badJson = await runIn('check', 'CartPole-v1', '--kwargs', '{nope');
    expect(badJson.code).toBe(2);
    expect(badJson.err).toMatch(/--kwargs is not valid JSON/);
  });
});
