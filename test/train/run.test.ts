import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setupTraining, tmpDir } from '../support/train-setup.js';
import { startRun } from '../../src/train/run.js';
import { validateScenario } from '../../src/train/scenario.js';
import type { RunEvent } from '../../src/stream/events.js';
import { testRegistry } from '../support/registry.js';
import { EnvRegistry, createRegistry, envRegistry } from '../../src/core/registry.js';
import { CartPoleEnv } from '../../envs/classic/cartpole.js';
import { registerAgents } from '../../agents/index.js';
import { defineAgent } from '../../src/core/agent.js';
import { registerAllSources } from '../../rewards/index.js';

setupTraining();

const tmp = (): string => tmpDir('run');
const small = (over: Record<string, unknown> = {}) =>
  validateScenario({
    name: 'small',
    env: { id: 'CartPole-v1', numEnvs: 2 },
    agent: { type: 'ppo', numSteps: 32, numMinibatches: 2, updateEpochs: 2 },
    budget: { steps: 1024 },
    seed: 3,
    eval: { every: 512, episodes: 2 },
    checkpoint: { every: 512 },
    ...over,
  });

function bytes(dir: string): Buffer {
  const ptr = readFileSync(join(dir, 'checkpoints', 'latest'), 'utf8').trim();
  return readFileSync(join(dir, 'checkpoints', ptr, 'agent', 'ppo.bin'));
}

describe('startRun', () => {
  it('trains, emits the event stream, writes metrics, evaluations and checkpoints', async () => {
    const dir = join(tmp(), 'r');
    const run = startRun(small(), { runDir: dir, quiet: true, registry: testRegistry });
    const events: RunEvent[] = [];
    run.events$.subscribe((e) => events.push(e));
    const sum = await run.done;
    expect(sum.steps).toBe(1024);
    expect(sum.reason).toBe('budget');
    const types = new Set(events.map((e) => e.type));
    for (const t of ['start', 'episode', 'batch', 'rewards', 'train', 'eval', 'checkpoint', 'end'])
      expect(types.has(t as RunEvent['type']), t).toBe(true);
    expect(events.filter((e) => e.type === 'batch')).toHaveLength(16);
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1)!).type).toBe('end');
    const csv = readFileSync(join(dir, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0]!.startsWith('step,time,sps')).toBe(true);
    expect(csv).toHaveLength(17);
    expect(existsSync(join(dir, 'summary.json'))).toBe(true);
    expect(sum.lastEval?.step).toBe(1024);
  });

  it('a resumed run matches an uninterrupted one', async () => {
    const a = join(tmp(), 'a');
    await startRun(small(), { runDir: a, quiet: true }).done;
    const b = join(tmp(), 'b');
    const first = startRun(small(), { runDir: b, quiet: true });
    first.events$.subscribe((e) => {
      if (e.type === 'checkpoint' && e.step === 512) void first.stop();
    });
    const partial = await first.done;
    expect(partial.reason).toBe('stopped');
    expect(partial.steps).toBe(512);
    const second = startRun(small(), { runDir: b, quiet: true, resume: true });
    const sum = await second.done;
    expect(sum.steps).toBe(1024);
    expect(bytes(b).equals(bytes(a))).toBe(true);
    const evA = readFileSync(join(a, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"type":"eval"'))
      .map((l) => JSON.parse(l).meanReturn);
    const evB = readFileSync(join(b, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"type":"eval"'))
      .map((l) => JSON.parse(l).meanReturn);
    expect(evB).toEqual(evA);
  });

  it('sampled-action evaluation leaves training alone (PPO, DQN): the checkpoint of an unevaluated run', async () => {
    /** Every file of the last checkpoint's agent directory (weights, optimizer, random stream, counters). */
    const agentFiles = (dir: string): string => {
      const ptr = readFileSync(join(dir, 'checkpoints', 'latest'), 'utf8').trim();
      const agent = join(dir, 'checkpoints', ptr, 'agent');
      return readdirSync(agent)
        .sort()
        .map((f) => `${f}:${readFileSync(join(agent, f)).toString('base64')}`)
        .join('\n');
    };
    const dqn = { type: 'dqn', learningStarts: 256, trainFrequency: 4, bufferSize: 1024, batchSize: 32 };
    for (const agent of [undefined, dqn]) {
      const over = (ev: Record<string, unknown>) => ({
        ...(agent ? { agent } : {}),
        eval: ev,
        checkpoint: { every: 1024 },
      });
      const evaluated = join(tmp(), 'evaluated');
      const sum = await startRun(small(over({ every: 256, episodes: 2, deterministic: false })), {
        runDir: evaluated,
        quiet: true,
      }).done;
      expect(sum.reason).toBe('budget');
      const plain = join(tmp(), 'plain');
      // greedy, and at the end only
      await startRun(small(over({ every: 0, episodes: 2 })), { runDir: plain, quiet: true }).done;
      const evals = readFileSync(join(evaluated, 'events.jsonl'), 'utf8').match(/"type":"eval"/g) ?? [];
      expect(evals.length, agent?.type ?? 'ppo').toBeGreaterThanOrEqual(4);
      expect(agentFiles(evaluated) === agentFiles(plain), agent?.type ?? 'ppo').toBe(true);
    }
  });

  it('env.maxEpisodeSteps cuts training and evaluation episodes at the limit', async () => {
    // Pendulum never terminates and is registered with a 200-step limit: with 7, every episode lasts exactly 7 steps.
    const s = small({
      env: { id: 'Pendulum-v1', numEnvs: 2, maxEpisodeSteps: 7 },
      agent: { type: 'random' },
      budget: { steps: 256 },
      eval: { every: 0, episodes: 2 },
      checkpoint: { every: 0 },
    });
    const run = startRun(s, { runDir: join(tmp(), 'limit'), quiet: true });
    const events: RunEvent[] = [];
    run.events$.subscribe((e) => events.push(e));
    const sum = await run.done;
    const lengths = events.flatMap((e) => (e.type === 'episode' ? [e.length] : []));
    expect(lengths.length).toBeGreaterThanOrEqual(30);
    expect(new Set(lengths)).toEqual(new Set([7]));
    const { evaluate } = await import('../../src/train/evaluate.js');
    const policy = { act: (_b: unknown, n: number) => ({ actions: new Float32Array(n) }) } as unknown as Parameters<
      typeof evaluate
    >[2];
    expect(evaluate('Pendulum-v1', {}, policy, [1, 2], true, undefined, 7).lengths).toEqual([7, 7]);
    expect(evaluate('Pendulum-v1', {}, policy, [1], true).lengths).toEqual([200]);
    expect(sum.reason).toBe('budget');
  });

  it("a library user's own env registry builds the evaluation envs too (not only the training envs)", async () => {
    const envs = new EnvRegistry();
    envs.register({ id: 'My-CartPole-v0', entryPoint: () => new CartPoleEnv(), maxEpisodeSteps: 50 });
    const registry = createRegistry(envs);
    registerAgents(registry.agents);
    registerAllSources(registry.rewards);
    expect(envRegistry.has('My-CartPole-v0')).toBe(false);
    const s = validateScenario(
      {
        name: 'own-registry',
        env: { id: 'My-CartPole-v0', numEnvs: 2 },
        agent: { type: 'random' },
        budget: { steps: 256 },
        eval: { every: 0, episodes: 2 },
        checkpoint: { every: 0 },
      },
      registry,
    );
    const sum = await startRun(s, { runDir: join(tmp(), 'own'), quiet: true, registry }).done;
    expect(sum.reason).toBe('budget');
    expect(sum.lastEval?.meanReturn).toBeGreaterThan(0);
  });

  it("a user's agent whose dispose() throws: done still settles, with that error (was: never settled)", async () => {
    const registry = createRegistry();
    registerAllSources(registry.rewards);
    const agent = (act: (count: number) => Int32Array) =>
      defineAgent({
        type: 'fragile',
        description: 'acts 0; its dispose throws',
        params: {},
        rolloutSteps: () => 16,
        unsupported: () => undefined,
        create: () => ({
          type: 'fragile',
          act: (_obs, count) => ({ actions: act(count) }),
          learn: () => ({}),
          save() {},
          load() {},
          loadWeights() {},
          dispose() {
            throw new Error('dispose failed');
          },
        }),
      });
    const scenario = () =>
      validateScenario(
        { env: { id: 'CartPole-v1', numEnvs: 2 }, agent: { type: 'fragile' }, budget: { steps: 64 } },
        registry,
      );
    registry.agents.register(agent((count) => new Int32Array(count)));
    await expect(startRun(scenario(), { runDir: join(tmp(), 'f1'), quiet: true, registry }).done).rejects.toThrow(
      'dispose failed',
    );
    // a failing run whose teardown fails too rejects with the run's own error
    registry.agents.register(
      agent(() => {
        throw new Error('act failed');
      }),
    );
    await expect(startRun(scenario(), { runDir: join(tmp(), 'f2'), quiet: true, registry }).done).rejects.toThrow(
      'act failed',
    );
  });

  it('pause, stepOnce and resume control the stream; frames only while requested', async () => {
    const dir = join(tmp(), 'p');
    const run = startRun(small({ env: { id: 'CartPole-v1', numEnvs: 2, kwargs: { renderMode: 'ansi' } } }), {
      runDir: dir,
      quiet: true,
    });
    const batches: number[] = [];
    let frames = 0;
    run.events$.subscribe((e) => {
      if (e.type === 'batch') batches.push(e.step);
      if (e.type === 'frame') frames++;
    });
    run.pause();
    await new Promise((r) => setTimeout(r, 300));
    const before = batches.length;
    expect(frames).toBe(0);
    run.requestFrames({ envIndex: 1, everyMs: 0 });
    run.stepOnce();
    await new Promise((r) => setTimeout(r, 500));
    expect(batches.length).toBe(before + 1);
    expect(frames).toBeGreaterThan(0);
    run.requestFrames(null);
    const f0 = frames;
    run.resume();
    await run.done;
    expect(frames).toBe(f0);
    expect(() => run.requestFrames({ envIndex: 5, everyMs: 10 })).toThrow('envIndex must be in [0, 2)');
  });
});

describe('startRun bad input', () => {
  it('a run directory holding a run is not overwritten', async () => {
    const dir = join(tmp(), 'x');
    await startRun(small({ budget: { steps: 128 }, eval: { episodes: 1 } }), { runDir: dir, quiet: true }).done;
    const before = readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]);
    // A library caller reads startRun's option names, not the CLI's flags (--resume, --out).
    const taken =
      /already holds run .*; pass resume: true to continue it, or choose another output directory \(runDir\)/;
    expect(() => startRun(small(), { runDir: dir, quiet: true })).toThrow(taken);
    expect(() =>
      startRun(small({ agent: { type: 'ppo', lr: 0.01, numSteps: 32 } }), { runDir: dir, quiet: true, resume: true }),
    ).toThrow(/holds a different run .*; resume: true needs the same env/);
    expect(() =>
      startRun(small({ env: { id: 'Acrobot-v1', numEnvs: 2 } }), { runDir: dir, quiet: true, resume: true }),
    ).toThrow(/holds a different run/);
    expect(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs])).toEqual(before);
    expect(() => startRun(small(), { runDir: join(tmp(), 'none'), quiet: true, resume: true })).toThrow(
      /nothing to resume in .*; drop resume: true to start a new run there/,
    );
    for (const call of [
      () => startRun(small(), { runDir: dir, quiet: true }),
      () => startRun(small(), { runDir: join(tmp(), 'none'), quiet: true, resume: true }),
      () => startRun(small(), { runDir: join(dir, 'run.json'), quiet: true }),
    ])
      expect(call).toThrow(/^(?!.*--(resume|out)).*$/s);
  });

  it('an agent that cannot act in the env is refused', () => {
    expect(() => startRun(small({ agent: { type: 'sac' } }), { runDir: join(tmp(), 's'), quiet: true })).toThrow(
      /agent.type: sac needs a continuous \(Box\) action space/,
    );
    expect(() =>
      startRun(small({ env: { id: 'Pendulum-v1', numEnvs: 2 }, agent: { type: 'dqn' } }), {
        runDir: join(tmp(), 'd'),
        quiet: true,
      }),
    ).toThrow(/agent.type: dqn needs a Discrete action space/);
    expect(() =>
      startRun(small({ env: { id: 'CartPole-v9', numEnvs: 2 } }), { runDir: join(tmp(), 'e'), quiet: true }),
    ).toThrow(/CartPole/);
  });

  it('a checkpoint written by another agent or env is refused by load', async () => {
    const { PpoAgent, PPO_PARAMS } = await import('../../agents/ppo.js');
    const { resolveParams } = await import('../../src/core/params.js');
    const { make } = await import('../../src/core/registry.js');
    const { initBackend } = await import('../../src/tensor/backend.js');
    await initBackend();
    const hp = resolveParams('agent', {}, PPO_PARAMS) as never;
    const cp = make('CartPole-v1');
    const ac = make('Acrobot-v1');
    const a = new PpoAgent(hp, {
      observationSpace: cp.observationSpace,
      actionSpace: cp.actionSpace,
      numEnvs: 1,
      seed: 0,
      totalSteps: 10,
    });
    const b = new PpoAgent(hp, {
      observationSpace: ac.observationSpace,
      actionSpace: ac.actionSpace,
      numEnvs: 1,
      seed: 0,
      totalSteps: 10,
    });
    const dir = tmp();
    a.save(dir);
    expect(() => b.load(dir)).toThrow(/trained on another env/);
    const { RandomAgent } = await import('../../agents/random.js');
    const r = new RandomAgent({
      observationSpace: cp.observationSpace,
      actionSpace: cp.actionSpace,
      numEnvs: 1,
      seed: 0,
      totalSteps: 10,
    });
    expect(() => r.load(dir)).toThrow(/no random-agent checkpoint/);
    const rd = tmp();
    r.save(rd);
    expect(() => a.load(rd)).toThrow(/no saved weights/);
    a.dispose();
    b.dispose();
  });
});
