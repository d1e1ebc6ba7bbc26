import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rewardCheck } from '../../src/cli/reward.js';

const ROOT = resolve(import.meta.dirname, '../..');
// `npm test` builds dist/ first (pretest); straight `vitest` runs fall back to transpiling the sources on the fly.
const ENTRY = existsSync(join(ROOT, 'dist/src/cli/reward.js'))
  ? ['dist/src/cli/main.js']
  : ['--import', './test/viz/ts-loader.mjs', 'src/cli/main.ts'];
const cli = (args: string[]): { out: string; err: string; code: number | null } => {
  const r = spawnSync(process.execPath, [...ENTRY, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 80_000,
    env: { ...process.env, OPENAI_BASE_URL: '', OPENAI_API_KEY: '' },
  });
  return { out: r.stdout, err: r.stderr, code: r.status };
};

describe('rxgym reward on the real dungeon env', () => {
  it('check: the hand-written KeyRoom reward is fit (exit code 0)', () => {
    const r = rewardCheck(join(ROOT, 'scenarios/rewards/dungeon-keyroom-s5.ts'), {
      env: 'Dungeon-KeyRoom-S5-v0',
      steps: '128',
      fuzz: '32',
    });
    expect(r.exitCode).toBe(0);
    expect(r.text).toMatch(/real transitions \(random policy\): 128 transitions, 0 failed/);
    expect(r.text).toMatch(/key_approach +min +-0\.1000/);
  });

  it('check exits 1 with the explained failure, as JSON, without a stack trace', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rxgym-cli-')), 'bad.ts');
    writeFileSync(
      file,
      'export function reward(prev: any, action: number, next: any) {\n  return next.monsters[0].dist;\n}\n',
    );
    const r = cli([
      'reward',
      'check',
      file,
      '--env',
      'Dungeon-KeyRoom-S5-v0',
      '--steps',
      '32',
      '--fuzz',
      '0',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as {
      fit: boolean;
      real: { errors: number; error: { kind: string; line: number; message: string } };
    };
    expect(report.fit).toBe(false);
    expect(report.real.error.kind).toBe('exception');
    expect(report.real.error.line).toBe(2);
    expect(report.real.error.message).toMatch(/reading 'dist'.*on transition 0: prev=\{"task":"KeyRoom-S5"/s);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('wrong usage of a reward command exits 2 with its usage', () => {
    const r = cli([
      'reward',
      'generate',
      '--env',
      'CartPole-v1',
      '--out',
      join(tmpdir(), 'never.ts'),
      '--temperature',
      '5',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--task "<what the agent should do>" is needed: env "CartPole-v1" has no describeTask/);
    expect(r.err).toMatch(/Usage: rxgym reward generate/);
  });
});
