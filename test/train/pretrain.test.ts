import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerPlotCommand } from '../../src/cli/plot.js';
import { setupTraining, tmpDir } from '../support/train-setup.js';
import { loadWeights } from '../../src/tensor/io.js';
import { startRun } from '../../src/train/run.js';
import { validateScenario } from '../../src/train/scenario.js';
import { parseEventsJsonl, resultFromEvents } from '../../src/bench/results.js';
import type { PhaseTagged, RunEvent } from '../../src/stream/events.js';
import { testRegistry } from '../support/registry.js';

setupTraining();

const tmp = (): string => tmpDir('pretrain');

/**
 * PPO on the 9x9 dungeon maze from blstats: 2048 reward-free steps on an episodic count bonus, then 1024 on the task.
 */
const urlb = (over: Record<string, unknown> = {}) =>
  validateScenario({
    name: 'urlb-small',
    env: { id: 'Dungeon-MazeWalk-9x9-v0', numEnvs: 4, kwargs: { observationKeys: ['blstats'] } },
    agent: { type: 'ppo', numSteps: 64, numMinibatches: 2, updateEpochs: 2 },
    rewards: [{ source: 'extrinsic' }],
    pretrain: { steps: 2048, rewards: [{ source: 'count', key: 'blstats', fields: [0, 1, 12] }] },
    budget: { steps: 1024 },
    seed: 2,
    eval: { every: 512, episodes: 2 },
    checkpoint: { every: 512 },
    ...over,
  });

/** Every weight of a saved PPO agent, by name. */
function weights(agentDir: string): Map<string, Float32Array> {
  return new Map(loadWeights(agentDir, 'ppo').entries.map((e) => [e.name, e.data]));
}

describe('pretrain: reward-free pre-training, then fine-tuning (URLB)', () => {
  it('runs both phases, checkpoints pre-training, fine-tunes from exactly its weights, fresh optimizer', async () => {
    const dir = join(tmp(), 'r');
    const run = startRun(urlb(), { runDir: dir, quiet: true, registry: testRegistry });
    const events: PhaseTagged[] = [];
    run.events$.subscribe((e) => events.push(e));
    // the agent's weights and Adam step count when the fine-tuning phase starts (before its first update)
    let atFinetune: { weights: Map<string, Float32Array>; adamT: number } | undefined;
    run.events$.subscribe((e) => {
      if (e.type === 'phase' && e.phase === 'finetune') {
        const agent = (run as unknown as { phase: { agent: { save(d: string): void } } }).phase.agent;
        const d = join(tmp(), 'at-finetune');
        agent.save(d);
        atFinetune = { weights: weights(d), adamT: loadWeights(d, 'ppo-optim').meta.t as number };
      }
    });
    const sum = await run.done;

    // phases, in order, and every event tagged with its phase
    const phases = events.filter((e): e is PhaseTagged<Extract<RunEvent, { type: 'phase' }>> => e.type === 'phase');
    expect(phases.map((e) => [e.phase, e.budget, e.rewards])).toEqual([
      ['pretrain', 2048, ['count']],
      ['finetune', 1024, ['extrinsic']],
    ]);
    expect(events.every((e) => e.phase === 'pretrain' || e.phase === 'finetune')).toBe(true);
    const pre = events.filter((e) => e.phase === 'pretrain');
    const fine = events.filter((e) => e.phase === 'finetune');
    expect(pre[0]!.type).toBe('start');
    expect(pre.filter((e) => e.type === 'batch')).toHaveLength(2048 / 256);
    expect(fine.filter((e) => e.type === 'batch')).toHaveLength(1024 / 256);
    // pre-training: no task reward in the stack, no evaluation, its own checkpoints (every 512 steps and at its end)
    const preRewards = pre.filter((e): e is Extract<RunEvent, { type: 'rewards' }> => e.type === 'rewards');
    expect(preRewards.every((e) => Object.keys(e.components).join() === 'count')).toBe(true);
    expect(pre.some((e) => e.type === 'eval')).toBe(false);
    const preCk = pre.filter((e): e is Extract<RunEvent, { type: 'checkpoint' }> => e.type === 'checkpoint');
    expect(preCk.map((e) => e.step)).toEqual([512, 1024, 1536, 2048]);
    expect(preCk.at(-1)!.dir).toBe(join(dir, 'pretrain', 'checkpoints', 'step-0000002048'));
    // fine-tuning: the task reward, step counter from 0, evaluations and checkpoints
    const fineRewards = fine.filter((e): e is Extract<RunEvent, { type: 'rewards' }> => e.type === 'rewards');
    expect(fineRewards.every((e) => Object.keys(e.components).join() === 'extrinsic')).toBe(true);
    expect(fine.filter((e) => e.type === 'batch').map((e) => (e as { step: number }).step)).toEqual([
      256, 512, 768, 1024,
    ]);
    expect(fine.some((e) => e.type === 'eval')).toBe(true);
    expect(events.at(-1)!.type).toBe('end');
    // both phases report exploration (the dungeon's position from blstats)
    for (const phase of [pre, fine]) {
      const ex = phase.filter((e): e is Extract<RunEvent, { type: 'explore' }> => e.type === 'explore');
      expect(ex.length).toBeGreaterThan(0);
      expect(ex.at(-1)!.metrics.uniqueCells).toBeGreaterThan(1);
      expect(ex.at(-1)!.metrics.maxDepth).toBe(1);
    }

    // the fine-tuning phase starts from the pre-training checkpoint's weights, with a fresh Adam (t = 0)
    const ckAgent = join(dir, 'pretrain', 'checkpoints', 'step-0000002048', 'agent');
    expect(existsSync(ckAgent)).toBe(true);
    const saved = weights(ckAgent);
    expect(atFinetune).toBeDefined();
    expect([...atFinetune!.weights.keys()].sort()).toEqual([...saved.keys()].sort());
    for (const [name, w] of saved) expect(Array.from(atFinetune!.weights.get(name)!), name).toEqual(Array.from(w));
    expect(loadWeights(ckAgent, 'ppo-optim').meta.t).toBeGreaterThan(0);
    expect(atFinetune!.adamT).toBe(0);
    // ... and differs from a fresh agent of the same seed (pre-training changed the weights)
    const scratchDir = join(tmp(), 's');
    const scratch = startRun(
      urlb({ pretrain: undefined, budget: { steps: 256 }, eval: { every: 0, episodes: 1 }, checkpoint: { every: 0 } }),
      { runDir: scratchDir, quiet: true, registry: testRegistry },
    );
    let fresh: Map<string, Float32Array> | undefined;
    scratch.events$.subscribe((e) => {
      if (e.type === 'start') {
        const d = join(tmp(), 'fresh');
        (scratch as unknown as { phase: { agent: { save(d: string): void } } }).phase.agent.save(d);
        fresh = weights(d);
      }
    });
    await scratch.done;
    expect([...saved].some(([name, w]) => Array.from(w).some((x, i) => x !== fresh!.get(name)![i]))).toBe(true);

    // files and summaries
    expect(existsSync(join(dir, 'pretrain', 'metrics.csv'))).toBe(true);
    expect(readFileSync(join(dir, 'metrics.csv'), 'utf8').split('\n')[0]).toContain('explore.uniqueCells');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.steps).toBe(1024);
    expect(summary.pretrain).toMatchObject({
      steps: 2048,
      complete: true,
      rewards: ['count'],
      checkpoint: preCk.at(-1)!.dir,
    });
    expect(summary.pretrain.explore.uniqueCells).toBeGreaterThan(1);
    expect(summary.explore.uniqueCells).toBeGreaterThan(1);
    expect(sum.lastEval?.step).toBe(1024);
    expect(existsSync(join(dir, 'checkpoints', 'latest'))).toBe(true);

    // the bench result counts the fine-tuning phase and reports the pre-training separately
    const logged = parseEventsJsonl(readFileSync(join(dir, 'events.jsonl'), 'utf8'));
    const result = resultFromEvents({ key: 'k', env: 'Dungeon-MazeWalk-9x9-v0', rewards: 'urlb', seed: 2 }, logged, 1);
    // the pre-training's episodes, and the fraction that reached the goal (unpaid), as its episode events say
    const preEpisodes = logged.filter((e) => e.type === 'episode' && (e as PhaseTagged).phase === 'pretrain');
    expect(preEpisodes.length).toBeGreaterThan(0);
    expect(result.pretrain?.episodes).toBe(preEpisodes.length);
    const reached = preEpisodes.filter((e) => e.type === 'episode' && e.success === true).length;
    expect(result.pretrain?.success).toBeCloseTo(reached / preEpisodes.length, 12);
    // a result recorded before pre-training episodes were counted: `rxgym plot` takes them from the run's events
    const bench = join(tmp(), 'bench');
    cpSync(dir, join(bench, 'runs', 'k'), { recursive: true });
    writeFileSync(join(bench, 'bench.json'), JSON.stringify({ name: 'urlb-small', runs: ['k'] }));
    const old = { ...result, pretrain: { steps: result.pretrain!.steps, explore: result.pretrain!.explore } };
    writeFileSync(join(bench, 'runs', 'k', 'result.json'), JSON.stringify(old));
    const program = new Command().exitOverride();
    registerPlotCommand(program);
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'rxgym', 'plot', bench]);
    } finally {
      process.stdout.write = write;
    }
    const md = readFileSync(join(bench, 'summary.md'), 'utf8');
    expect(md).toContain('## Pre-training (reward-free)');
    const row = md.split('\n').find((l) => l.startsWith('| Dungeon-MazeWalk-9x9-v0 | urlb |') && l.includes('2,048'));
    expect(row?.split('|')[5]?.trim()).toBe(`${preEpisodes.length} ± 0`);
    expect(result.status).toBe('done');
    expect(result.steps).toBe(1024);
    expect(result.pretrain?.steps).toBe(2048);
    expect(result.pretrain?.explore?.uniqueCells).toBeGreaterThan(1);
    expect(result.explore?.uniqueCells).toBe(summary.explore.uniqueCells);
    expect(result.curve.every((p) => p.step <= 1024)).toBe(true);

    // a resumed run whose pre-training finished does not pre-train again
    const again = startRun(urlb({ budget: { steps: 1536 } }), {
      runDir: dir,
      quiet: true,
      resume: true,
      registry: testRegistry,
    });
    const later: PhaseTagged[] = [];
    again.events$.subscribe((e) => later.push(e));
    const sum2 = await again.done;
    expect(sum2.steps).toBe(1536);
    expect(later.some((e) => e.phase === 'pretrain')).toBe(false);
    expect(sum2.pretrain?.steps).toBe(2048);
  }, 120_000);

  it('stop() during pre-training checkpoints it; --resume continues the pre-training, then fine-tunes', async () => {
    const dir = join(tmp(), 'stop');
    const s = urlb({
      pretrain: { steps: 1024, rewards: [{ source: 'count', key: 'blstats', fields: [0, 1, 12] }] },
      budget: { steps: 512 },
      eval: { every: 0, episodes: 1 },
      checkpoint: { every: 0 },
    });
    const run = startRun(s, { runDir: dir, quiet: true, registry: testRegistry });
    run.events$.subscribe((e) => {
      if (e.type === 'batch' && e.step === 512) void run.stop();
    });
    const sum = await run.done;
    expect(sum.reason).toBe('stopped');
    expect(sum.steps).toBe(0);
    expect(sum.pretrain).toMatchObject({ steps: 512, complete: false });
    expect(existsSync(join(dir, 'checkpoints'))).toBe(false);
    expect(existsSync(join(dir, 'pretrain', 'checkpoints', 'step-0000000512'))).toBe(true);
    const again = startRun(s, { runDir: dir, quiet: true, resume: true, registry: testRegistry });
    const phases: [string, number][] = [];
    const preBatches: number[] = [];
    again.events$.subscribe((e) => {
      if (e.type === 'phase') phases.push([e.phase, e.step]);
      if (e.type === 'batch' && (e as PhaseTagged).phase === 'pretrain') preBatches.push(e.step);
    });
    const sum2 = await again.done;
    expect(phases).toEqual([
      ['pretrain', 512],
      ['finetune', 0],
    ]);
    expect(preBatches).toEqual([768, 1024]);
    expect(sum2).toMatchObject({ reason: 'budget', steps: 512, pretrain: { steps: 1024, complete: true } });
  }, 60_000);

  it('a bad pretrain section gives a key-path error', () => {
    const bad = (pretrain: unknown) => () => urlb({ pretrain });
    expect(bad({ steps: 0, rewards: [{ source: 'count' }] })).toThrow(
      /^pretrain\.steps: expected a positive integer, got 0/,
    );
    expect(bad({ steps: 1.5, rewards: [{ source: 'count' }] })).toThrow(
      /^pretrain\.steps: expected a positive integer/,
    );
    expect(bad({ rewards: [{ source: 'count' }] })).toThrow(/^pretrain\.steps: missing/);
    expect(bad({ steps: 256, rewards: [{ source: 'count' }], step: 3 })).toThrow(
      /^pretrain\.step: unknown key; did you mean "steps"\?/,
    );
    expect(bad({ steps: 256 })).toThrow(/^pretrain\.rewards: expected a non-empty list/);
    expect(bad({ steps: 256, rewards: [{ source: 'count' }, { source: 'extrinsic' }] })).toThrow(
      /^pretrain\.rewards\[1\]\.source: pre-training is reward-free/,
    );
    expect(bad({ steps: 256, rewards: [{ weight: 1 }] })).toThrow(
      /^pretrain\.rewards\[0\]\.source: expected a reward source name/,
    );
    expect(bad([1, 2])).toThrow(/^pretrain: expected a mapping/);
    // an extrinsic component with weight 0 is reward-free
    expect(
      urlb({ pretrain: { steps: 256, rewards: [{ source: 'extrinsic', weight: 0 }, { source: 'count' }] } }).pretrain
        ?.steps,
    ).toBe(256);
    // in the rewards list (a bench stack carrying its own pre-training)
    const s = urlb({
      pretrain: undefined,
      rewards: [{ source: 'extrinsic' }, { pretrain: { steps: 512, rewards: [{ source: 'rnd' }] } }],
    });
    expect(s.rewards).toEqual([{ source: 'extrinsic' }]);
    expect(s.pretrain).toEqual({ steps: 512, rewards: [{ source: 'rnd' }] });
    expect(
      urlb({ pretrain: undefined, rewards: [{ pretrain: { steps: 512, rewards: [{ source: 'rnd' }] } }] }).rewards,
    ).toBeUndefined();
    expect(() =>
      urlb({ rewards: [{ source: 'extrinsic' }, { pretrain: { steps: 512, rewards: [{ source: 'rnd' }] } }] }),
    ).toThrow(/^rewards\[1\]\.pretrain: pre-training is given twice/);
    expect(() =>
      urlb({ pretrain: undefined, rewards: [{ pretrain: { steps: -1, rewards: [{ source: 'rnd' }] } }] }),
    ).toThrow(/^rewards\[0\]\.pretrain\.steps: expected a positive integer/);
    expect(() =>
      urlb({ pretrain: undefined, rewards: [{ pretrain: { steps: 5, rewards: [{ source: 'rnd' }] }, source2: 1 }] }),
    ).toThrow(/rewards\[0\]\.source2: unknown key/);
  });

  it('a pretrain stack the reward registry refuses fails before anything is written, naming pretrain.rewards', () => {
    const dir = join(tmp(), 'bad');
    expect(() =>
      startRun(urlb({ pretrain: { steps: 256, rewards: [{ source: 'rnd2' }] } }), {
        runDir: dir,
        quiet: true,
        registry: testRegistry,
      }),
    ).toThrow(/^pretrain\.rewards\[0\]\.source: unknown reward source "rnd2"/);
    expect(existsSync(dir)).toBe(false);
  });
});
