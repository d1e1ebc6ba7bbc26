import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { planBench } from '../../src/bench/matrix.js';
import { checkOutDir } from '../../src/bench/runner.js';
import { CLI, ROOT } from '../viz/tmux.js';

// Real child processes: `rxgym bench` starts one `rxgym bench run-one` per run (a random agent keeps it fast).
// Each test spawns Node processes; on the shared, loaded 2-core machine a spawn can take several seconds.
vi.setConfig({ testTimeout: 240_000 });
const dir = mkdtempSync(join(tmpdir(), 'rxgym-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const benchFile = join(dir, 'tiny.yaml');
writeFileSync(
  benchFile,
  `name: tiny
env: { id: CartPole-v1, numEnvs: 2 }
agent: { type: random }
budget: { steps: 1500 }
seed: 0
bench:
  rewards:
    extrinsic: [{ source: extrinsic }]
    scaled: [{ source: extrinsic, weight: 0.5 }]
  seeds: [1, 2]
`,
);

const cli = (args: string): { out: string; err: string; code: number | null } => {
  const r = spawnSync('bash', ['-c', `${CLI} ${args}`], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  return { out: r.stdout, err: r.stderr, code: r.status };
};

describe('rxgym bench', () => {
  const out = join(dir, 'out');

  it('runs the matrix in parallel child processes and writes JSONL per run, CSV, Markdown, SVG and PNG', () => {
    const r = cli(`bench ${benchFile} --out ${out} --jobs 2 --every 60000`);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1 env\(s\) x 2 reward stack\(s\) x 2 seed\(s\) = 4 runs, 2 at a time/);
    expect(r.out).toMatch(/^done {2}CartPole-v1__scaled__s2: return [\d.]+/m);
    expect(r.out).toMatch(/\| CartPole-v1 \| extrinsic \| 2 \| n\/a \| [\d.]+ ± [\d.]+ \| n\/a \| [\d,]+ \|/);
    for (const f of ['summary.csv', 'summary.md', 'curves.svg', 'curves.png', 'bench.json']) expect(existsSync(join(out, f))).toBe(true);
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(5);
    for (const l of csv.slice(1)) expect(l).toMatch(/^CartPole-v1,(extrinsic|scaled),[12],done,\d{4},/);
    const events = readFileSync(join(out, 'runs', 'CartPole-v1__extrinsic__s1', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(events[0]!.type).toBe('start');
    expect(events.at(-1)!.type).toBe('end');
    // The scaled stack halves the return the agent learns from, never the env's own (reported) return.
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/\| CartPole-v1 \| scaled \| 2 \|/);
  });

  it('--resume skips finished runs; the same directory without --resume, or another benchmark, is refused', () => {
    let r = cli(`bench ${benchFile} --out ${out} --resume`);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/resuming: 4 of 4 runs already finished, 0 to go/);
    const doc = parse(readFileSync(benchFile, 'utf8')) as Record<string, unknown>;
    const same = planBench(doc, 'tiny');
    expect(() => checkOutDir(out, same, false)).toThrow(/already holds results of this benchmark; pass --resume/);
    const other = planBench({ ...doc, name: 'other', bench: { seeds: [7] } }, 'other');
    expect(() => checkOutDir(out, other, true)).toThrow(/holds another benchmark's results \("tiny"/);
    const foreign = join(dir, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    r = cli(`bench ${benchFile} --out ${foreign}`);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is not empty and holds no bench\.json; it is not an rxgym benchmark/);
    expect(readFileSync(join(foreign, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('Ctrl-C keeps the finished runs and leaves the interrupted one to --resume', async () => {
    const three = join(dir, 'three.yaml');
    writeFileSync(three, readFileSync(benchFile, 'utf8').replace('name: tiny', 'name: three').replace('seeds: [1, 2]', 'seeds: [1, 2, 3]'));
    const out2 = join(dir, 'out2');
    const child = spawn('bash', ['-c', `exec ${CLI} bench ${three} --out ${out2} --jobs 1 --every 60000`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    const until = Date.now() + 120_000;
    while (Date.now() < until && !/^done /m.test(text)) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(text).toMatch(/interrupted: stopping running runs; finished runs are kept/);
    expect(code).toBe(130);
    expect(existsSync(join(out2, 'runs', 'CartPole-v1__extrinsic__s1', 'result.json'))).toBe(true);
    expect(existsSync(join(out2, 'runs', 'CartPole-v1__extrinsic__s2', 'result.json'))).toBe(false);
    expect(readFileSync(join(out2, 'summary.md'), 'utf8')).toMatch(/1 of 6 runs finished/);
    expect(text).toMatch(/continue with: rxgym bench .* --resume/);
  });
});

describe('rxgym bench env', () => {
  it('--json prints raw, sync and worker steps/s', () => {
    const r = cli('bench env CartPole-v1 --steps 5000 --json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { id: string; stepsPerSecond: { raw: number; sync: number; worker: number | null } };
    expect(j.id).toBe('CartPole-v1');
    expect(j.stepsPerSecond.raw).toBeGreaterThan(1000);
    expect(j.stepsPerSecond.sync).toBeGreaterThan(1000);
    expect(j.stepsPerSecond.worker === null || j.stepsPerSecond.worker > 100).toBe(true);
  });
});
