import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerAll } from '../../envs/index.js';
import { explorationFor, ExplorationTracker, liveCellReader } from '../../src/stream/exploration.js';
import type { ExplorationCellSource } from '../../src/core/capabilities.js';
import { DungeonEnv } from '../../envs/dungeon/env.js';
import { unwrap } from '../../src/core/wrapper.js';
import { makeVec, type SyncVectorEnv } from '../../src/core/vector/sync.js';
import { Rollout } from '../../src/stream/rollout.js';
import type { RunEvent } from '../../src/stream/events.js';
import { setBackendLogger } from '../../src/tensor/backend.js';
import { startRun } from '../../src/train/run.js';
import { validateScenario } from '../../src/train/scenario.js';
import { parseEventsJsonl, resultFromEvents } from '../../src/bench/results.js';

beforeAll(() => {
  registerAll();
  setBackendLogger(() => {});
});

const tmp = (): string => join(mkdtempSync(join(tmpdir(), 'rxgym-explore-run-')), 'r');
const randomRun = (env: Record<string, unknown>, steps = 2048) =>
  validateScenario({
    name: 'x',
    env,
    agent: { type: 'random' },
    budget: { steps },
    seed: 1,
    eval: { every: 0, episodes: 1 },
  });
const ofType = <K extends RunEvent['type']>(es: RunEvent[], t: K) =>
  es.filter((e): e is Extract<RunEvent, { type: K }> => e.type === t);

describe('exploration metrics in training runs', () => {
  it('a run resumed from a checkpoint reports the whole run, as one that went on', async () => {
    const scenario = () => ({
      ...randomRun({ id: 'Explore-Dungeon-v0', numEnvs: 2 }, 4096),
      checkpoint: { every: 2048 },
    });
    const whole = await startRun(scenario(), { runDir: tmp(), quiet: true }).done;
    const dir = tmp();
    const first = startRun(scenario(), { runDir: dir, quiet: true });
    first.events$.subscribe((e) => {
      if (e.type === 'checkpoint' && e.step === 2048) void first.stop();
    });
    const part = await first.done;
    expect(part.steps).toBe(2048);
    const ck = readFileSync(join(dir, 'checkpoints', 'latest'), 'utf8').trim();
    const kept = JSON.parse(readFileSync(join(dir, 'checkpoints', ck, 'explore.json'), 'utf8'));
    expect(kept.cells).toHaveLength(part.explore!.uniqueCells!);
    expect(kept.messages).toHaveLength(part.explore!.distinctMessages!);
    const resumed = await startRun(scenario(), { runDir: dir, quiet: true, resume: true }).done;
    expect(resumed.steps).toBe(4096);
    expect(whole.explore!.uniqueCells).toBeGreaterThan(part.explore!.uniqueCells!);
    expect(whole.explore!.distinctMessages).toBeGreaterThan(1);
    expect(resumed.explore).toEqual(whole.explore);
  });

  it(
    'Explore-Maze-v0: an explore event per batch and at the end, in events.jsonl, metrics.csv, summary.json and the ' +
      'bench result',
    async () => {
      const dir = tmp();
      const run = startRun(randomRun({ id: 'Explore-Maze-v0', numEnvs: 2, kwargs: { width: 6, height: 6 } }), {
        runDir: dir,
        quiet: true,
      });
      const sum = await run.done;
      const events = parseEventsJsonl(readFileSync(join(dir, 'events.jsonl'), 'utf8'));
      const ex = ofType(events, 'explore');
      expect(ex).toHaveLength(ofType(events, 'batch').length + 1);
      const last = ex.at(-1)!.metrics;
      // a 6x6 maze has 71 floor cells
      expect(last.uniqueCells).toBeGreaterThan(5);
      expect(last.coverage).toBeCloseTo(last.uniqueCells! / 71, 10);
      expect(last.distinctMessages).toBe(1);
      expect(last.maxDepth).toBe(0);
      // non-decreasing
      for (let i = 1; i < ex.length; i++)
        expect(ex[i]!.metrics.uniqueCells).toBeGreaterThanOrEqual(ex[i - 1]!.metrics.uniqueCells!);
      expect(sum.explore).toEqual(last);
      expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).explore).toEqual(last);
      const csv = readFileSync(join(dir, 'metrics.csv'), 'utf8').trim().split('\n');
      const head = csv[0]!.split(',');
      const col = head.indexOf('explore.uniqueCells');
      expect(col).toBeGreaterThan(0);
      expect(head).toContain('explore.coverage');
      expect(Number(csv.at(-1)!.split(',')[col])).toBe(last.uniqueCells);
      const result = resultFromEvents({ key: 'k', env: 'Explore-Maze-v0', rewards: 'none', seed: 1 }, events, 1);
      expect(result.explore).toEqual(last);
    },
  );

  it('the dungeon without blstats: positions from the live games (in-process), depth and messages', async () => {
    const dir = tmp();
    const sum = await startRun(
      randomRun({ id: 'Dungeon-MazeWalk-9x9-v0', numEnvs: 2, kwargs: { observationKeys: ['glyphs_crop'] } }),
      { runDir: dir, quiet: true },
    ).done;
    expect(sum.explore?.uniqueCells).toBeGreaterThan(5);
    expect(sum.explore?.maxDepth).toBe(1);
    expect(sum.explore?.distinctMessages).toBeGreaterThan(0);
    expect(sum.explore?.coverage).toBeUndefined();
  });

  it('the live-game reader agrees with blstats (up to the cells where episodes end and the very first start)', () => {
    const vec = makeVec('Dungeon-MazeWalk-9x9-v0', {
      numEnvs: 3,
      autoresetMode: 'same-step',
      kwargs: { observationKeys: ['blstats', 'glyphs_crop'] },
    }) as SyncVectorEnv;
    const byObs = explorationFor(vec)!;
    const live = new ExplorationTracker(vec.singleObservationSpace, {
      reader: liveCellReader(vec.envs.map((e) => unwrap(e) as unknown as ExplorationCellSource)),
    });
    let s = 7;
    const policy = {
      act: (_o: unknown, n: number) => ({
        actions: Int32Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) % 2147483648) % 8),
      }),
    };
    const ro = new Rollout(vec, policy as never, 64, { seed: 3, onStep: (t) => live.afterStep(ro.batch, t) });
    let ends = 0;
    for (let i = 0; i < 20; i++) {
      const b = ro.collect();
      byObs.observe(b);
      live.observe(b);
      ends += b.episodes!.length;
    }
    const a = byObs.metrics(),
      l = live.metrics();
    expect(a.uniqueCells).toBeGreaterThan(10);
    expect(Math.abs(a.uniqueCells - l.uniqueCells)).toBeLessThanOrEqual(1 + Math.min(ends, 1));
    expect(l.maxDepth).toBe(a.maxDepth);
    expect(l.distinctMessages).toBe(a.distinctMessages);
    vec.close();
  });

  it('Explore-Arena-v0 reports coverage of its 400 cells; envs without a cell get no explore events', async () => {
    const arena = await startRun(randomRun({ id: 'Explore-Arena-v0', numEnvs: 2 }, 1024), {
      runDir: tmp(),
      quiet: true,
    }).done;
    expect(arena.explore?.coverage).toBeCloseTo(arena.explore!.uniqueCells! / 400, 10);
    const dir = tmp();
    const cp = await startRun(randomRun({ id: 'CartPole-v1', numEnvs: 2 }, 512), { runDir: dir, quiet: true }).done;
    expect(cp.explore).toBeUndefined();
    expect(readFileSync(join(dir, 'events.jsonl'), 'utf8')).not.toContain('"type":"explore"');
    const off = await startRun(randomRun({ id: 'Explore-Arena-v0', numEnvs: 2 }, 512), {
      runDir: tmp(),
      quiet: true,
      exploration: false,
    }).done;
    expect(off.explore).toBeUndefined();
  });
});
