import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RxgymError } from '../../src/core/env.js';
import { registerBenchCommand } from '../../src/cli/bench.js';
import { registerMjcfCommand } from '../../src/cli/mjcf.js';
import { registerRunCommand } from '../../src/cli/run.js';
import { UsageError } from '../../src/cli/usage.js';
import { registerWatchCommand } from '../../src/cli/watch.js';
import { CLI, ROOT } from '../viz/tmux.js';

// Most cases run the commands in-process, classified as src/cli/main.ts does (commander and UsageError: 2, any other
// error: 1); a few start the CLI itself, to see what a user sees (each start costs seconds on the shared machine).
vi.setConfig({ testTimeout: 300_000 });
const dir = mkdtempSync(join(tmpdir(), 'rxgym-usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ran {
  code: number;
  message: string;
}

/** `rxgym <args>` in-process: the exit code main.ts would give, and the error message. */
async function runIn(...args: string[]): Promise<Ran> {
  const program = new Command()
    .name('rxgym')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  for (const register of [registerRunCommand, registerBenchCommand, registerWatchCommand, registerMjcfCommand]) {
    register(program);
  }
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'rxgym', ...args]);
    return { code: 0, message: '' };
  } catch (e) {
    if (e instanceof CommanderError || e instanceof UsageError) return { code: 2, message: (e as Error).message };
    if (e instanceof RxgymError) return { code: 1, message: e.message };
    throw e;
  } finally {
    write.mockRestore();
  }
}

function cli(args: string): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const p = spawn('bash', ['-c', `${CLI} ${args}`], { cwd: ROOT });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => resolve({ code, err }));
  });
}

describe('rxgym: wrong usage exits 2; bad input files exit 1 with every error', () => {
  it('wrong usage of run, bench, watch and mjcf is a UsageError (exit 2) naming the flag or argument', async () => {
    const cases: [string[], RegExp][] = [
      [['run', '--env', 'CartPole-v1', '--steps', 'abc'], /--steps: expected an integer >= 1, got "abc"/],
      [['run', '--env', 'CartPol-v1'], /unknown env id "CartPol-v1"; did you mean "CartPole-v1"\?/],
      [['run', 'scenarios/cartpole-ppo.yaml', '--env', 'CartPole-v1'], /give either a scenario file or --env\/--agent/],
      [['run', 'no-such-file.yaml'], /scenario file no-such-file\.yaml does not exist/],
      [['run', '--env', 'CartPole-v1', '--kwargs', '{nope'], /--kwargs: not valid JSON/],
      [
        ['run', '--env', 'CartPole-v1', '--param', 'lr=fast'],
        /agent\.lr: expected a positive number, got "fast" \(set by --param\)/,
      ],
      [['run', '--env', 'CartPole-v1', '--param', 'lr'], /--param: expected key=value/],
      [['run', 'scenarios/cartpole-ppo.yaml', '--seed=-1'], /--seed: expected an integer >= 0, got "-1"/],
      [['bench', 'scenarios/smoke.yaml', '--jobs', '0'], /--jobs: expected an integer >= 1, got "0"/],
      [['bench', 'no-such-file.yaml'], /bench file no-such-file\.yaml does not exist/],
      [['bench', 'env', 'CartPol-v1'], /unknown env id "CartPol-v1"/],
      [['bench', 'env', 'CartPole-v1', '--seed', 'x'], /--seed: expected an integer >= 0, got "x"/],
      [['watch'], /nothing to watch/],
      [['watch', 'scenarios/demo.yaml', '--env', 'CartPole-v1'], /give either a scenario file or --env <id>, not both/],
      [['watch', '--env', 'CartPole-v1', '--num-envs', 'x'], /--num-envs: expected an integer >= 1, got "x"/],
      [
        ['watch', '--env', 'CartPole-v1', '--policy', join(dir, 'nowhere')],
        /--policy: checkpoint directory .* does not exist/,
      ],
      [['mjcf', 'CartPole-v1'], /env "CartPole-v1" is not a MuJoCo env/],
      [['mjcf', 'Antt-v0'], /unknown env id "Antt-v0"/],
    ];
    for (const [args, msg] of cases) {
      const r = await runIn(...args);
      expect([args.join(' '), r.code], r.message).toEqual([args.join(' '), 2]);
      expect(r.message, args.join(' ')).toMatch(msg);
    }
  });

  it('bad scenario files exit 1: every error at once, a name that is a path, a budget below one rollout', async () => {
    const many = join(dir, 'many.yaml');
    writeFileSync(
      many,
      'env: { id: CartPole-v1, numEnvs: 0 }\nagent: { type: ppo, lr: fast, gama: 0.9 }\nbudget: 5000\nevall: {}\n',
    );
    const m = await runIn('run', many);
    expect(m.code).toBe(1);
    const lines = m.message.split('\n');
    expect(lines[0]).toBe(`4 errors in ${many}:`);
    expect(
      lines
        .slice(1)
        .map((l) => l.replace(/:.*/, ''))
        .sort(),
    ).toEqual(['  agent.gama', '  agent.lr', '  env.numEnvs', '  evall']);
    expect(m.message).toMatch(/\n {2}evall: unknown key; did you mean "eval"\?/);
    expect(m.message).toMatch(/\n {2}agent\.gama: unknown hyper-parameter; did you mean "gamma"\?/);

    const pathName = join(dir, 'escape.yaml');
    const target = join(dir, 'outside');
    writeFileSync(pathName, `name: "../../../../..${target}"\nenv: CartPole-v1\nagent: random\nbudget: 2048\n`);
    const e = await runIn('run', pathName, '--quiet');
    expect(e.code).toBe(1);
    expect(e.message).toMatch(/^name: expected a name of letters, digits, "\.", "_" and "-" .*no "\/" or "\.\."/);
    expect(existsSync(target)).toBe(false);

    const small = join(dir, 'small.yaml');
    writeFileSync(
      small,
      'env: { id: CartPole-v1, numEnvs: 4 }\nagent: { type: ppo, numSteps: 64 }\nbudget: { steps: 200 }\n',
    );
    const s = await runIn('run', small);
    expect(s.code).toBe(1);
    expect(s.message).toMatch(
      /^budget\.steps: 200 is less than one rollout \(64 steps x 4 envs = 256 env steps\), .*give at least 256/,
    );
    // the same in every run of a bench, said once
    const bench = join(dir, 'small-bench.yaml');
    writeFileSync(
      bench,
      'env: { id: CartPole-v1, numEnvs: 4 }\nagent: { type: ppo, numSteps: 64 }\nbudget: 200\n' +
        'bench: { seeds: [1, 2] }\n',
    );
    const b = await runIn('bench', bench, '--list');
    expect(b.code).toBe(1);
    expect(b.message).toMatch(
      new RegExp(`^${bench}: budget\\.steps: 200 is less than one rollout .*give at least 256,`),
    );
    expect(b.message).not.toMatch(/\n/);
  });

  it('the CLI: the usage after a usage error (exit 2); a binary scenario is named, never echoed (exit 1)', async () => {
    const bin = join(dir, 'weights.bin');
    // an ELF header and terminal escapes (clear screen, reset): never written to the terminal
    writeFileSync(
      bin,
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x1b, 0x63]),
    );
    const [steps, env, binRun, binBench] = await Promise.all([
      cli('run --env CartPole-v1 --steps 100'),
      cli('bench env CartPol-v1'),
      cli(`run ${bin}`),
      cli(`bench ${bin}`),
    ]);
    expect(steps.code).toBe(2);
    // PPO's 128 steps x 8 envs
    expect(steps.err).toMatch(
      /^rxgym: budget\.steps: 100 is less than one rollout .* at least 1024.* \(set by --steps\)\nUsage: rxgym run/,
    );
    expect(env.code).toBe(2);
    expect(env.err).toMatch(/^rxgym: unknown env id "CartPol-v1".*\nUsage: rxgym bench env/);
    for (const r of [binRun, binBench]) {
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/is not a text file \(a NUL byte at offset 7\); a (scenario|bench) is a YAML file/);
      expect(r.err).not.toMatch(/\x1b|ELF/);
    }
  });
});
