import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RewardSource } from '../../src/core/reward.js';
import { setWarningHandler, type WarningHandler } from '../../src/core/warn.js';
import type { TransitionBatch } from '../../src/stream/batch.js';
import { setBackendLogger } from '../../src/tensor/backend.js';
import { builtinRegistry } from '../../src/train/builtins.js';
import { startRun } from '../../src/train/run.js';
import { validateScenario } from '../../src/train/scenario.js';
import { CLI_ENTRY, ROOT } from '../support/cli.js';

// Rewards replaced by 0 (non-finite values, reward code failing under onError: zero) are counted where a user looks.
vi.setConfig({ testTimeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'rxgym-zeroed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => setBackendLogger(() => {}));

/** Reward code that fails on every transition whose action is 1 (about half of a random policy's). */
const FAILS_ON_1 = 'export function reward(prev, action, next) { if (action === 1) throw new Error("no"); return 1; }';

/** A reward source that returns NaN for every third transition of a batch. */
function nanEveryThird(name: string): RewardSource {
  return {
    name,
    kind: 'intrinsic',
    compute(batch: TransitionBatch): Float32Array {
      const out = new Float32Array(batch.numSteps * batch.numEnvs).fill(0.5);
      for (let k = 0; k < out.length; k += 3) out[k] = Number.NaN;
      return out;
    },
  };
}

/** A random agent on CartPole (2 envs x 64 steps a batch) with `over` (name, budget, rewards ...); nanny registered. */
function randomCartPole(over: Record<string, unknown>) {
  const registry = builtinRegistry();
  registry.rewards.register('nanny', (cfg) => nanEveryThird(String(cfg.name ?? 'nanny')));
  const base = {
    env: { id: 'CartPole-v1', numEnvs: 2 },
    agent: { type: 'random', numSteps: 64 },
    eval: { every: 0, episodes: 1 },
  };
  return { registry, scenario: validateScenario({ ...base, ...over }, registry) };
}

describe('rewards replaced by 0', () => {
  it('are counted per component and reason in summary.json, with one stderr warning per component', async () => {
    const { registry, scenario } = randomCartPole({
      name: 'zeroed',
      budget: { steps: 512 },
      rewards: [
        { source: 'extrinsic' },
        { source: 'nanny', weight: 0.1 },
        { source: 'code', name: 'shaped', code: FAILS_ON_1, onError: 'zero', weight: 0.1 },
      ],
    });
    const warnings: string[] = [];
    const before: WarningHandler = setWarningHandler((m) => warnings.push(m));
    let summary: Awaited<ReturnType<typeof startRun>['done']>;
    try {
      summary = await startRun(scenario, { registry, runDir: join(dir, 'lib'), quiet: true }).done;
    } finally {
      setWarningHandler(before);
    }
    // 4 batches of 128 transitions: NaN at 0, 3, ..., 126 (43 a batch)
    const events = readFileSync(join(dir, 'lib', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; source?: string; zeroed?: { reason: string; count: number } });
    const codeErrors = events
      .filter((e) => e.type === 'error' && e.source === 'shaped')
      .reduce((a, e) => a + (e.zeroed?.count ?? 0), 0);
    expect(codeErrors).toBeGreaterThan(100);
    const expected = { nanny: { nonFinite: 4 * 43, codeErrors: 0 }, shaped: { nonFinite: 0, codeErrors } };
    expect(summary.zeroedRewards).toEqual(expected);
    const saved = JSON.parse(readFileSync(join(dir, 'lib', 'summary.json'), 'utf8')) as typeof summary;
    expect(saved.zeroedRewards).toEqual(expected);
    expect(warnings.filter((w) => /nanny/.test(w))).toEqual([
      'reward component "nanny" returned non-finite rewards, scored 0 and training goes on (first: 43 non-finite ' +
        'values replaced by 0); summary.json counts them (zeroedRewards), events.jsonl has every batch',
    ]);
    expect(warnings.filter((w) => /shaped/.test(w))).toHaveLength(1);
    expect(warnings.find((w) => /shaped/.test(w))).toMatch(/^reward component "shaped" reward code failed on /);
  });

  it('a resumed run counts the zeroed rewards from before its interruption (the checkpoint carries them)', async () => {
    const { registry, scenario } = randomCartPole({
      name: 'zeroed-resume',
      budget: { steps: 1024 },
      checkpoint: { every: 512 },
      rewards: [{ source: 'extrinsic' }, { source: 'nanny', weight: 0.1 }],
    });
    const before: WarningHandler = setWarningHandler(() => {});
    try {
      const whole = await startRun(scenario, { registry, runDir: join(dir, 'whole'), quiet: true }).done;
      // 8 batches of 128 transitions, 43 NaN each
      expect(whole.zeroedRewards).toEqual({ nanny: { nonFinite: 8 * 43, codeErrors: 0 } });
      const first = startRun(scenario, { registry, runDir: join(dir, 'cut'), quiet: true });
      first.events$.subscribe((e) => {
        if (e.type === 'checkpoint' && e.step === 512) void first.stop();
      });
      expect((await first.done).steps).toBe(512);
      const resumed = await startRun(scenario, { registry, runDir: join(dir, 'cut'), quiet: true, resume: true }).done;
      expect(resumed.steps).toBe(1024);
      expect(resumed.zeroedRewards).toEqual(whole.zeroedRewards);
    } finally {
      setWarningHandler(before);
    }
  });

  it('rxgym run says how many in its summary line, and warns once on stderr', () => {
    const file = join(dir, 'code.yaml');
    writeFileSync(
      file,
      'name: zeroed-cli\nenv: { id: CartPole-v1, numEnvs: 2 }\nagent: { type: random, numSteps: 64 }\n' +
        'budget: { steps: 512 }\neval: { every: 0, episodes: 1 }\nrewards:\n  - { source: extrinsic }\n' +
        `  - { source: code, name: shaped, onError: zero, weight: 0.1, code: '${FAILS_ON_1}' }\n`,
    );
    const r = spawnSync(process.execPath, [...CLI_ENTRY, 'run', file, '--out', join(dir, 'cli'), '--quiet'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(dir, 'cli', 'summary.json'), 'utf8')) as {
      zeroedRewards: Record<string, { codeErrors: number }>;
    };
    const n = s.zeroedRewards.shaped!.codeErrors;
    expect(n).toBeGreaterThan(100);
    expect(r.stdout).toContain(`rewards zeroed: 0 non-finite, ${n} reward-code errors`);
    expect(r.stderr.match(/reward component "shaped" reward code failed/g)).toHaveLength(1);
  });
});
