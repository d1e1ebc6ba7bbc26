import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, hasTmux, TmuxSession } from './tmux.js';

// Training live in a real pseudo-terminal: PPO on CartPole through startRun, watched, paused and quit with q.
const dir = mkdtempSync(join(tmpdir(), 'rxgym-watch-'));
const sessions: TmuxSession[] = [];
afterAll(() => {
  for (const s of sessions) s.kill();
  rmSync(dir, { recursive: true, force: true });
});
const scenario = join(dir, 'cp.yaml');
writeFileSync(
  scenario,
  `name: cp
env: { id: CartPole-v1, numEnvs: 4, kwargs: { renderMode: ansi } }
agent: { type: ppo, numSteps: 64 }
rewards: [{ source: extrinsic, weight: 1 }]
budget: { steps: 2000000 }
seed: 3
`,
);

describe.skipIf(!hasTmux)('rxgym watch <scenario> in a terminal (tmux)', () => {
  it('shows training statistics and frames, pauses, and q checkpoints, stops and restores the terminal', async () => {
    const runDir = join(dir, 'run');
    const t = new TmuxSession(`${CLI} watch ${scenario} --run-dir ${runDir}`, 120, 36);
    sessions.push(t);
    let screen = await t.waitFor(/update @[\d,]+/, 120_000);
    expect(screen).toMatch(/CartPole-v1 ppo/);
    expect(screen).toMatch(/(policy|value|loss|entropy)/i);
    expect(screen).toMatch(/extrinsic\s+\S*[▁▂▃▄▅▆▇█]/); // the reward component's sparkline
    await t.waitFor(/world · env 0 · step [\d,]+/);
    t.send('Space');
    screen = await t.waitFor(/state\s+PAUSED/);
    t.send('q');
    screen = await t.waitFor(/EXIT=\d+/, 120_000);
    expect(screen).toMatch(/EXIT=0/);
    expect(screen).toMatch(/done: stopped after [\d,]+ steps/);
    expect(screen).toMatch(/checkpoint: .*checkpoints[/\\]step-\d+/);
    expect(screen).not.toMatch(/[┌│└]/);
    expect(existsSync(join(runDir, 'checkpoints', 'latest'))).toBe(true);
    expect(readdirSync(join(runDir, 'checkpoints')).some((d) => d.startsWith('step-'))).toBe(true);
  }, 240_000);
});
