import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, hasTmux, TmuxSession } from '../viz/tmux.js';

// A vlm-rewarded run watched in a real pseudo-terminal: the scored frame panel appears beside the world.
const dir = mkdtempSync(join(tmpdir(), 'rxgym-vlm-tmux-'));
const sessions: TmuxSession[] = [];
afterAll(() => {
  for (const s of sessions) s.kill();
  rmSync(dir, { recursive: true, force: true });
});
const scenario = join(dir, 'vlm.yaml');
writeFileSync(
  scenario,
  `name: vlm-watch
env: { id: Explore-Arena-v0, numEnvs: 2 }
agent: { type: ppo, numSteps: 64 }
rewards: [{ source: vlm, goal: the dot is in the top left, alpha: 0.25, weight: 0.5 }]
budget: { steps: 2000000 }
seed: 3
`,
);

describe.skipIf(!hasTmux)('rxgym watch of a vlm run in a terminal (tmux)', () => {
  it('shows the scored frame in half blocks with its raw and scaled reward', async () => {
    const t = new TmuxSession(`${CLI} watch ${scenario} --run-dir ${join(dir, 'run')}`, 120, 36);
    sessions.push(t);
    const screen = await t.waitFor(/raw -?[\d.]+ {2}scaled -?[\d.]+/, 120_000);
    expect(screen).toMatch(/scored frame/);
    expect(screen).toMatch(/vlm · step [\d,]+ · env 1/);
    expect(screen).toMatch(/▀{30}/);
    const m = /raw (-?[\d.]+) {2}scaled (-?[\d.]+)/.exec(screen)!;
    expect(Number(m[2])).toBeCloseTo(0.5 * Number(m[1]), 2);
    t.send('q');
    expect(await t.waitFor(/EXIT=\d+/, 120_000)).toMatch(/EXIT=0/);
  }, 240_000);
});
