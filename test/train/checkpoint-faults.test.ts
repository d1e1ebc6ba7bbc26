import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AgentDefinition } from '../../src/core/agent.js';
import { createRegistry } from '../../src/core/registry.js';
import { startRun } from '../../src/train/run.js';
import { validateScenario } from '../../src/train/scenario.js';
import { loadWeights, saveWeights } from '../../src/tensor/io.js';
import { RandomAgent } from '../../agents/random.js';
import { registerAgents } from '../../agents/index.js';
import { registerAllSources } from '../../rewards/index.js';
import { setupTraining, tmpDir } from '../support/train-setup.js';

setupTraining();

const BIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const cli = (args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, RXGYM_BACKEND: 'cpu' } });
const checkpoints = (dir: string): string[] =>
  readdirSync(join(dir, 'checkpoints'))
    .filter((d) => d.startsWith('step-'))
    .sort();

/** `rxgym run` of CartPole PPO (2 envs x 64 steps, a checkpoint every 512) into `dir`, as a real process. */
const cartpole = (dir: string, steps: number, ...extra: string[]) =>
  cli([
    'run',
    '--env',
    'CartPole-v1',
    '--agent',
    'ppo',
    '--steps',
    String(steps),
    '--num-envs',
    '2',
    '--param',
    'numSteps=64',
    '--checkpoint-every',
    '512',
    '--out',
    dir,
    ...extra,
  ]);

/** A CartPole PPO run of 2048 steps with a checkpoint every 512, through the CLI (a real process). */
function trainedRun(): string {
  const dir = join(tmpDir('ckfault'), 'run');
  const r = cartpole(dir, 2048, '--quiet');
  expect(r.status, r.stderr).toBe(0);
  return dir;
}

/**
 * An agent that learns like the random agent but reports a NaN loss from its `at`-th update on (a diverged learner).
 */
function divergingAgent(at: number): AgentDefinition {
  return {
    type: 'diverging',
    description: 'random actions, NaN loss after some updates',
    params: {},
    rolloutSteps: () => 32,
    unsupported: () => undefined,
    create: (_hp, ctx) => {
      const agent = new RandomAgent(ctx);
      let updates = 0;
      return Object.assign(agent, { learn: () => ({ loss: ++updates >= at ? Number.NaN : 0.5 }) });
    },
  };
}

describe('checkpoints: verified, repaired, never silently corrupt (issue 13 item 3)', () => {
  it('a weights file changed after writing is named on --resume, with the newest intact checkpoint', () => {
    const dir = trainedRun();
    const [older, newest] = checkpoints(dir).slice(-2);
    const bin = join(dir, 'checkpoints', newest!, 'agent', 'ppo.bin');
    const bytes = readFileSync(bin);
    bytes.writeFloatLE(Number.NaN, 8); // one NaN float, as in the report
    writeFileSync(bin, bytes);
    const r = cartpole(dir, 4096, '--resume', '--quiet');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`checkpoint .*${newest} is damaged: agent/ppo.bin does not match its checksum`),
    );
    expect(r.stderr).toContain(`the newest intact checkpoint is ${join(dir, 'checkpoints', older!)}`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // one clean line, no stack
  }, 120_000);

  it('a missing or empty `latest` pointer is repaired and the run resumes', () => {
    const dir = trainedRun();
    writeFileSync(join(dir, 'checkpoints', 'latest'), '');
    const r = cartpole(dir, 3072, '--resume', '--quiet', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)[0].steps).toBe(3072);
    rmSync(join(dir, 'checkpoints', 'latest'));
    const again = cartpole(dir, 4096, '--resume', '--quiet', '--json');
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(join(dir, 'checkpoints', 'latest'), 'utf8')).toBe(checkpoints(dir).at(-1));
  }, 120_000);

  it('a truncated weights file (no checksum to go by) gets an error naming the file', () => {
    const dir = tmpDir('weights');
    saveWeights(dir, 'net', [{ name: 'w', shape: [4], data: Float32Array.from([1, 2, 3, 4]) }]);
    writeFileSync(join(dir, 'net.bin'), readFileSync(join(dir, 'net.bin')).subarray(0, 10));
    expect(() => loadWeights(dir, 'net')).toThrow(`${join(dir, 'net.bin')} holds 10 bytes where its manifest`);
  });

  it('non-finite losses stop the run; the last good checkpoint stays and --resume continues from it', async () => {
    const registry = createRegistry();
    registerAgents(registry.agents);
    registerAllSources(registry.rewards);
    registry.agents.register(divergingAgent(40));
    const s = validateScenario(
      {
        name: 'diverge',
        env: { id: 'CartPole-v1', numEnvs: 2 },
        agent: { type: 'diverging' },
        budget: { steps: 4096 },
        seed: 1,
        eval: { every: 0, episodes: 1 },
        checkpoint: { every: 512 },
      },
      registry,
    );
    const dir = join(tmpDir('diverge'), 'run');
    const run = startRun(s, { runDir: dir, quiet: true, registry });
    await expect(run.done).rejects.toThrow(
      /^training diverged at step 2560: loss is NaN; the last good checkpoint is at step 2048/,
    );
    expect(checkpoints(dir).at(-1)).toBe('step-0000002048');
    expect(JSON.parse(readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').at(-1)!)).toMatchObject({
      type: 'end',
      reason: 'error',
    });
    registry.agents.register(divergingAgent(1e9));
    const resumed = await startRun(s, { runDir: dir, quiet: true, resume: true, registry }).done;
    expect(resumed.steps).toBe(4096);
  }, 60_000);
});

describe('checkpoints of agents with replay buffers', () => {
  it('a DQN run checkpoints its weights and replay (the replay files are not taken for weights)', async () => {
    const s = validateScenario({
      name: 'dqn-ck',
      env: { id: 'CartPole-v1', numEnvs: 2 },
      agent: { type: 'dqn' },
      budget: { steps: 2048 },
      seed: 1,
      eval: { every: 0, episodes: 1 },
      checkpoint: { every: 512 },
    });
    const dir = join(tmpDir('dqnck'), 'run');
    const sum = await startRun(s, { runDir: dir, quiet: true }).done;
    expect(sum.reason).toBe('budget');
    expect(checkpoints(dir).length).toBeGreaterThan(1);
  }, 60_000);
});

describe('run directories (issue 13 item 4)', () => {
  it('--out into a non-empty directory that holds no run is refused and nothing there is touched', () => {
    const dir = tmpDir('foreign');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'metrics.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const r = cli(['run', '--env', 'CartPole-v1', '--agent', 'ppo', '--steps', '2048', '--out', dir, '--quiet']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /is not empty and holds no run \(.*notes\.txt.*\); choose an empty or new output directory/,
    );
    expect(readFileSync(join(dir, 'metrics.csv'), 'utf8')).toBe('a,b\n1,2\n');
    expect(existsSync(join(dir, 'run.json'))).toBe(false);
  });
});
