import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../viz/tmux.js';

// The CLI from source, as a user runs it: exit codes and what stderr says. Each start loads the whole package (a
// few seconds of CPU on the shared machine), so the cases run a few at a time.
const dir = mkdtempSync(join(tmpdir(), 'rxgym-usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ran {
  args: string;
  code: number | null;
  err: string;
  out: string;
}

function cli(args: string): Promise<Ran> {
  return new Promise((resolve) => {
    const p = spawn('bash', ['-c', `${CLI} ${args}`], { cwd: ROOT });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => resolve({ args, code, err, out }));
  });
}

async function all(cases: string[], at = 4): Promise<Ran[]> {
  const out: Ran[] = [];
  for (let i = 0; i < cases.length; i += at) out.push(...(await Promise.all(cases.slice(i, i + at).map(cli))));
  return out;
}

describe('rxgym: wrong usage exits 2 with the usage; bad input files exit 1 with every error', () => {
  it('wrong usage of run, bench, watch and mjcf: a one-line error, the command usage, exit 2', {
    timeout: 400_000,
  }, async () => {
    const cases: [string, RegExp][] = [
      ['run', /give a scenario file or --env <id>/],
      ['run --env CartPole-v1 --steps abc', /--steps: expected an integer >= 1, got "abc"/],
      ['run --env CartPol-v1', /unknown env id "CartPol-v1"; did you mean "CartPole-v1"\?/],
      ['run scenarios/cartpole-ppo.yaml --env CartPole-v1', /give either a scenario file or --env\/--agent, not both/],
      ['run no-such-file.yaml', /scenario file no-such-file\.yaml does not exist/],
      ['run --env CartPole-v1 --kwargs "{nope"', /--kwargs: not valid JSON/],
      ['run --env CartPole-v1 --param lr=fast', /agent\.lr: expected a positive number, got "fast" \(set by --param\)/],
      // a budget below one rollout: PPO's 128 steps x 8 envs
      [
        'run --env CartPole-v1 --steps 100',
        /budget\.steps: 100 is less than one rollout .* give at least 1024.* \(set by --steps\)/,
      ],
      ['bench scenarios/smoke.yaml --jobs 0', /--jobs: expected an integer >= 1, got "0"/],
      ['bench no-such-file.yaml', /bench file no-such-file\.yaml does not exist/],
      ['bench env CartPol-v1', /unknown env id "CartPol-v1"/],
      ['watch', /nothing to watch/],
      ['watch --env CartPole-v1 --num-envs x', /--num-envs: expected an integer >= 1, got "x"/],
      ['mjcf CartPole-v1', /env "CartPole-v1" is not a MuJoCo env/],
    ];
    const ran = await all(cases.map(([a]) => a));
    for (const [i, r] of ran.entries()) {
      const [args, msg] = cases[i]!;
      const cmd = args.split(' ')[0]!;
      expect([r.args, r.code], r.err).toEqual([args, 2]);
      expect(r.err, args).toMatch(msg);
      expect(r.err, args).toMatch(new RegExp(`Usage: rxgym ${cmd}`));
      expect(r.err, args).not.toMatch(/\n\s+at /);
    }
  });

  it('a scenario file: every error at once with its key path, a binary file, a name that is a path: exit 1', {
    timeout: 400_000,
  }, async () => {
    const many = join(dir, 'many.yaml');
    writeFileSync(
      many,
      'env: { id: CartPole-v1, numEnvs: 0 }\nagent: { type: ppo, lr: fast, gama: 0.9 }\nbudget: 5000\nevall: {}\n',
    );
    const bin = join(dir, 'weights.bin');
    // an ELF header and a terminal escape: never echoed to the terminal
    writeFileSync(
      bin,
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x1b, 0x63]),
    );
    const pathName = join(dir, 'escape.yaml');
    const target = join(dir, 'outside');
    writeFileSync(pathName, `name: "../../../../..${target}"\nenv: CartPole-v1\nagent: random\nbudget: 2048\n`);
    const small = join(dir, 'small.yaml');
    writeFileSync(
      small,
      'env: { id: CartPole-v1, numEnvs: 4 }\nagent: { type: ppo, numSteps: 64 }\nbudget: { steps: 200 }\n',
    );
    const [m, b, e, s, bb] = await all(
      [`run ${many}`, `run ${bin}`, `run ${pathName} --quiet`, `run ${small}`, `bench ${bin}`],
      5,
    );

    expect(m.code).toBe(1);
    const lines = m.err.trim().split('\n');
    expect(lines[0]).toBe(`rxgym: 4 errors in ${many}:`);
    const paths = lines.slice(1).map((l) => l.replace(/:.*/, ''));
    expect(paths.sort()).toEqual(['  agent.gama', '  agent.lr', '  env.numEnvs', '  evall']);
    expect(m.err).toMatch(/\n {2}evall: unknown key; did you mean "eval"\?/);
    expect(m.err).toMatch(/\n {2}agent\.gama: unknown hyper-parameter; did you mean "gamma"\?/);

    for (const r of [b, bb]) {
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/is not a text file \(a NUL byte at offset 7\); a (scenario|bench) is a YAML file/);
      expect(r.err).not.toMatch(/\x1b|ELF/);
    }

    expect(e.code).toBe(1);
    expect(e.err).toMatch(/^rxgym: name: expected a name of letters, digits, "\.", "_" and "-" .*no "\/" or "\.\."/m);
    expect(existsSync(target)).toBe(false);

    expect(s.code).toBe(1);
    expect(s.err).toMatch(
      /budget\.steps: 200 is less than one rollout \(64 steps x 4 envs = 256 env steps\), .*; give at least 256/,
    );
  });
});
