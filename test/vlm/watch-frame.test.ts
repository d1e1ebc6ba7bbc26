import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent, RunEventOf } from '../../src/stream/events.js';
import { startRun } from '../../src/train/run.js';
import { validateScenario } from '../../src/train/scenario.js';
import { stripAnsi } from '../../src/viz/ansi-frame.js';
import { scoredFrameText } from '../../src/viz/panels.js';
import { progressLine } from '../../src/viz/plain.js';
import { initialView, reduceView } from '../../src/viz/view-state.js';
import { setupTraining, testRegistry, tmpDir } from '../support/train-setup.js';

setupTraining();
const dir = tmpDir('vlm-watch');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('watch shows the frame a vlm source scored, beside its reward', () => {
  it('travels as scoredFrame events from the source through the run to the view state and the panel', async () => {
    const runDir = join(dir, 'run');
    const scenario = validateScenario(
      {
        name: 'vlm-watch',
        env: { id: 'Explore-Arena-v0', numEnvs: 2 },
        agent: { type: 'ppo', numSteps: 32, numMinibatches: 2, updateEpochs: 1 },
        rewards: [{ source: 'vlm', goal: 'the dot is in the top left', alpha: 0.25, weight: 2 }],
        budget: { steps: 192 },
        seed: 5,
        eval: { every: 0, episodes: 1 },
        checkpoint: { every: 0 },
      },
      testRegistry,
    );
    const handle = startRun(scenario, { runDir, quiet: true, registry: testRegistry });
    const events: RunEvent[] = [];
    handle.events$.subscribe((e) => events.push(e));
    expect((await handle.done).reason).toBe('budget');

    const scored = events.filter((e): e is RunEventOf<'scoredFrame'> => e.type === 'scoredFrame');
    expect(scored.length).toBe(3); // one per batch: 192 steps / (32 x 2)
    for (const f of scored) {
      expect(f.source).toBe('vlm');
      expect(f.frame.width).toBe(48);
      expect(f.frame.height).toBe(48);
      expect(f.frame.data.length).toBe(48 * 48 * 3);
      // the last row of the batch: env 1 at the batch's last step
      expect(f.envIndex).toBe(1);
      expect(Number.isFinite(f.raw) && f.raw !== 0).toBe(true);
      // normalize: none, weight 2
      expect(f.scaled).toBeCloseTo(2 * f.raw, 5);
    }
    expect(scored.map((f) => f.step)).toEqual([64, 128, 192]);
    // the raw value is one of the batch's, inside the range its rewards event reports
    const rewards = events.filter((e): e is RunEventOf<'rewards'> => e.type === 'rewards');
    scored.forEach((f, i) => {
      const c = rewards[i]!.components.vlm!;
      expect(f.raw).toBeGreaterThanOrEqual(c.min - 1e-6);
      expect(f.raw).toBeLessThanOrEqual(c.max + 1e-6);
    });
    // pixels are not logged
    expect(readFileSync(join(runDir, 'events.jsonl'), 'utf8')).not.toMatch(/scoredFrame/);

    const view = initialView();
    for (const e of events) reduceView(view, e);
    const last = scored[scored.length - 1]!;
    expect(view.scored?.step).toBe(192);
    const text = scoredFrameText(view, 30, 20);
    const lines = stripAnsi(text).split('\n');
    expect(lines[0]).toBe('vlm · step 192 · env 1');
    // 48x48 pixels into 30 columns: 30 cells wide, 2 pixels per cell vertically
    const body = lines.slice(1, -1);
    expect(body.length).toBe(15);
    for (const l of body) expect(l).toBe('▀'.repeat(30));
    expect(lines[lines.length - 1]).toBe(`raw ${last.raw.toFixed(3)}  scaled ${last.scaled.toFixed(3)}`);
    expect(text).toMatch(/\x1b\[38;5;\d+;48;5;\d+m▀/); // coloured cells
    expect(progressLine(view)).toContain(`vlm frame @192 raw ${last.raw.toFixed(3)} scaled ${last.scaled.toFixed(3)}`);
  }, 120_000);

  it('the panel says so before any frame was scored', () => {
    expect(stripAnsi(scoredFrameText(initialView(), 30, 10))).toBe('no scored frame yet');
  });
});
