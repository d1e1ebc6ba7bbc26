import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from './tmux.js';

const run = (args: string): { out: string; err: string; code: number | null } => {
  const r = spawnSync('bash', ['-c', `${CLI} ${args}`], { cwd: ROOT, encoding: 'utf8', timeout: 200_000 });
  return { out: r.stdout, err: r.stderr, code: r.status };
};

describe('rxgym watch without a terminal', () => {
  it('prints plain progress lines and a summary, no escape codes', { timeout: 240_000 }, () => {
    const r = run('watch --env CartPole-v1 --num-envs 4 --sps max --steps 3000 --every 20');
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/\x1b/);
    expect(r.out).toMatch(/^rxgym: random on CartPole-v1 x4, seed 0/m);
    expect(r.out).toMatch(/^step [\d,]+ \| sps [\d,]+ \| episodes [\d,]+ \| return \d/m);
    expect(r.out).toMatch(/^done: budget after 12,000 steps, \d+ episodes/m);
  });

  it('rejects wrong usage with one clear line and exit 2', { timeout: 240_000 }, () => {
    let r = run('watch');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nothing to watch: give a scenario file/);
    r = run('watch --env CartPol-v1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown env id "CartPol-v1"; did you mean "CartPole-v1"/);
    r = run('watch --env CartPole-v1 --policy /nonexistent/ckpt');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/checkpoint directory "\/nonexistent\/ckpt" does not exist/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
