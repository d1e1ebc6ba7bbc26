import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CLI_ENTRY, ROOT } from '../support/cli.js';
import { resolveRewardFiles } from '../../src/train/scenario-paths.js';

// A reward module named by a relative `file:` is found next to the scenario file, wherever rxgym is started from.
vi.setConfig({ testTimeout: 180_000 });
const dir = mkdtempSync(join(tmpdir(), 'rxgym-reward-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const entry = CLI_ENTRY.map((a) => (a.startsWith('-') ? a : join(ROOT, a)));

const cli = (args: string[], cwd = ROOT) => {
  const r = spawnSync(process.execPath, [...entry, ...args], { cwd, encoding: 'utf8', timeout: 170_000 });
  return { out: r.stdout, err: r.stderr, code: r.status };
};

const scenarioDir = join(dir, 'scenarios');
mkdirSync(join(scenarioDir, 'code'), { recursive: true });
writeFileSync(join(scenarioDir, 'code', 'upright.ts'), 'export function reward(prev, action, next) { return 1; }\n');
const base =
  'env: { id: CartPole-v1, numEnvs: 1 }\nagent: { type: random, numSteps: 32 }\nbudget: { steps: 64 }\n' +
  'eval: { every: 0, episodes: 1 }\n';
const stack = '[{ source: extrinsic }, { source: code, file: code/upright.ts, weight: 0.5 }]';

describe('reward file paths', () => {
  it("rxgym run resolves a reward's file: from the scenario's directory, not the working directory", () => {
    const file = join(scenarioDir, 'run.yaml');
    writeFileSync(file, `name: paths\n${base}rewards: ${stack}\n`);
    const r = cli(['run', file, '--out', join(dir, 'run'), '--quiet']);
    expect(r.err).not.toMatch(/cannot read reward module/);
    expect(r.code).toBe(0);
    expect(r.err).not.toMatch(/warning/);
  });

  it("a benchmark's per-run scenario copy names the reward file absolutely, so a resumed run finds it", () => {
    const file = join(scenarioDir, 'bench.yaml');
    writeFileSync(file, `name: pathsb\n${base}bench:\n  rewards:\n    code: ${stack}\n  seeds: [1]\n`);
    const out = join(dir, 'bench');
    const r = cli(['bench', file, '--out', out]);
    expect(r.code, r.err + r.out).toBe(0);
    const [key] = readdirSync(join(out, 'runs'));
    const runDir = join(out, 'runs', key!);
    const copy = join(runDir, 'scenario.yaml');
    expect(readFileSync(copy, 'utf8')).toContain(join(scenarioDir, 'code', 'upright.ts'));
    // The child a `--resume` starts reads the copy, from any directory.
    const again = cli(['bench', 'run-one', copy, '--run-dir', runDir, '--continue'], tmpdir());
    expect(again.err).not.toMatch(/cannot read reward module|different run/);
    expect(again.code).toBe(0);
  });

  it('every reward list of a scenario or bench document is resolved; absolute paths and inline code are kept', () => {
    const c = (file: string) => ({ source: 'code', file });
    const doc = {
      rewards: [c('a.ts'), { pretrain: { steps: 8, rewards: [c('b.ts')] } }, { source: 'code', code: 'x' }],
      pretrain: { steps: 8, rewards: [c('../c.ts')] },
      bench: { seeds: [1], rewards: { s: [c('/abs/d.ts')] } },
    };
    expect(resolveRewardFiles(doc, '/base/dir')).toEqual({
      rewards: [c('/base/dir/a.ts'), { pretrain: { steps: 8, rewards: [c('/base/dir/b.ts')] } }, doc.rewards[2]],
      pretrain: { steps: 8, rewards: [c('/base/c.ts')] },
      bench: { seeds: [1], rewards: { s: [c('/abs/d.ts')] } },
    });
    expect(doc.rewards[0]).toEqual(c('a.ts'));
  });
});
