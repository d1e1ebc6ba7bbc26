import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RewardComponentConfig, type RewardContext } from '../../rewards/index.js';
import type { RunEvent, RunEventOf } from '../../src/stream/events.js';
import { setBackendLogger } from '../../src/tensor/backend.js';
import { parseEventsJsonl } from '../../src/bench/results.js';
import { startRun } from '../../src/train/run.js';
import { validateScenario } from '../../src/train/scenario.js';
import { rewardsText } from '../../src/viz/panels.js';
import { initialView, reduceView } from '../../src/viz/view-state.js';
import { registerCorridor } from './corridor-env.js';
import { testRegistry, buildRewardStack } from '../support/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'rxgym-code-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  registerCorridor();
  setBackendLogger(() => {});
});

/** Staged corridor reward with three named terms; `bonus` is reported only on the goal cell. */
const CODE = `
export function reward(prev: { pos: number; visited: number[] }, action: number, next: { pos: number; visited: number[] }, info: { success: boolean }) {
  const progress = next.pos - prev.pos;
  const novelty = next.visited.length > prev.visited.length ? 0.5 : 0;
  const components: Record<string, number> = { progress, novelty };
  if (info.success) components.bonus = 10;
  return { total: progress + novelty + (info.success ? 10 : 0), components };
}`;

describe('reward code components in a training run', () => {
  it('reach events.jsonl (rewards event per batch), metrics.csv and the reward panel as <source>/<part>', async () => {
    const runDir = join(dir, 'run');
    const scenario = validateScenario({
      name: 'code-parts',
      env: { id: 'Test-Corridor-v0', numEnvs: 2 },
      agent: { type: 'ppo', numSteps: 32, numMinibatches: 2, updateEpochs: 1 },
      rewards: [{ source: 'extrinsic' }, { source: 'code', name: 'shaped', code: CODE, group: 'extrinsic' }],
      budget: { steps: 256 },
      seed: 3,
      eval: { every: 0, episodes: 1 },
      checkpoint: { every: 0 },
    });
    const handle = startRun(scenario, {
      runDir,
      quiet: true,
      registry: testRegistry,
    });
    const summary = await handle.done;
    expect(summary.reason).toBe('budget');

    const events: RunEvent[] = parseEventsJsonl(readFileSync(join(runDir, 'events.jsonl'), 'utf8'));
    const rewards = events.filter((e): e is RunEventOf<'rewards'> => e.type === 'rewards');
    const batches = events.filter((e) => e.type === 'batch');
    expect(rewards.length).toBe(batches.length);
    expect(rewards.length).toBe(4); // 256 steps / (32 x 2)
    for (const r of rewards) {
      // the stack's components, then the code's parts under the component's name
      expect(Object.keys(r.components)).toEqual(
        expect.arrayContaining(['extrinsic', 'shaped', 'shaped/progress', 'shaped/novelty']),
      );
      const progress = r.components['shaped/progress']!;
      // (at an episode end the rollout hands the reset state as `next`, so progress can be below -1 there)
      expect(
        Number.isFinite(progress.min) &&
          Number.isFinite(progress.max) &&
          progress.min <= progress.rawMean &&
          progress.rawMean <= progress.max,
      ).toBe(true);
      expect(progress.max).toBeLessThanOrEqual(1);
      expect(progress.rawStd).toBeGreaterThan(0);
      expect(progress.scaledMean).toBe(progress.rawMean); // parts are raw values
      const novelty = r.components['shaped/novelty']!;
      expect(novelty.min).toBeGreaterThanOrEqual(0);
      expect(novelty.max).toBeLessThanOrEqual(0.5);
      // the total of the code source is the sum of its parts on every transition (no bonus in these batches, or
      // counted)
      const bonus = r.components['shaped/bonus'];
      const parts = progress.rawMean + novelty.rawMean;
      if (!bonus) expect(r.components.shaped!.rawMean).toBeCloseTo(parts, 6);
      else expect(bonus).toMatchObject({ rawMean: 10, min: 10, max: 10 });
    }

    const [header, ...rows] = readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n');
    const cols = header!.split(',');
    expect(cols).toEqual(expect.arrayContaining(['reward.shaped/progress', 'reward.shaped/novelty']));
    expect(rows.length).toBe(4);
    const at = cols.indexOf('reward.shaped/progress');
    rows.forEach((row, i) =>
      expect(Number(row.split(',')[at])).toBeCloseTo(rewards[i]!.components['shaped/progress']!.rawMean, 5),
    );

    const view = initialView();
    for (const e of events) reduceView(view, e);
    const panel = rewardsText(view, 60, true);
    const lines = panel.split('\n').map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
    const shaped = lines.findIndex((l) => l.startsWith('shaped '));
    expect(shaped).toBeGreaterThanOrEqual(0);
    expect(lines.slice(shaped).some((l) => l.startsWith(' progress'))).toBe(true);
    expect(lines.some((l) => l.startsWith(' novelty'))).toBe(true);
    expect(panel).toMatch(/part of shaped \(unscaled\)/);
  });
});
