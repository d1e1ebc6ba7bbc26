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

type Result = { key: string; status: string; steps: number };
const result = (out: string, key: string): Result =>
  JSON.parse(readFileSync(join(out, 'runs', key, 'result.json'), 'utf8')) as Result;
const events = (out: string, key: string): Array<{ type: string; step?: number; steps?: number; reason?: string }> =>
  readFileSync(join(out, 'runs', key, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
const batches = (out: string, key: string): number => {
  const p = join(out, 'runs', key, 'events.jsonl');
  return existsSync(p) ? (readFileSync(p, 'utf8').match(/"type":"batch"/g) ?? []).length : 0;
};
const exited = (p: ReturnType<typeof spawn>): Promise<number | null> =>
  new Promise((res) => p.on('exit', (c) => res(c)));
const until = async (what: () => boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (Date.now() < end && !what()) await new Promise((r) => setTimeout(r, 100));
  if (!what()) throw new Error(`timed out after ${ms} ms`);
};

const cli = (args: string, timeout = 240_000): { out: string; err: string; code: number | null } => {
  const r = spawnSync('bash', ['-c', `${CLI} ${args}`], { cwd: ROOT, encoding: 'utf8', timeout });
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
    // success n/a (CartPole reports none); eval and training return; steps to first success n/a; SPS
    const row =
      /\| CartPole-v1 \| extrinsic \| 2 \| n\/a \| n\/a \| [\d.]+ ± [\d.]+ \| [\d.]+ ± [\d.]+ \| n\/a \| [\d,]+ \|/;
    expect(r.out).toMatch(row);
    for (const f of ['summary.csv', 'summary.md', 'curves.svg', 'curves.png', 'bench.json'])
      expect(existsSync(join(out, f))).toBe(true);
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(5);
    for (const l of csv.slice(1)) expect(l).toMatch(/^CartPole-v1,(extrinsic|scaled),[12],done,\d{4},/);
    const events = readFileSync(join(out, 'runs', 'CartPole-v1__extrinsic__s1', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
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
    // the same benchmark changed: what differs, in words
    const bench = doc.bench as Record<string, unknown>;
    const moreSeeds = planBench({ ...doc, bench: { ...bench, seeds: [1, 2, 3] } }, 'tiny');
    expect(() => checkOutDir(out, moreSeeds, true)).toThrow(
      /another version of benchmark "tiny": its seeds differ \(there: 1, 2; here: 1, 2, 3\)\. A resumed matrix/,
    );
    const otherSettings = planBench({ ...doc, budget: { steps: 4096 } }, 'tiny');
    expect(() => checkOutDir(out, otherSettings, true)).toThrow(
      /its envs, reward stacks and seeds are the same, so the scenario settings or a stack's rewards differ/,
    );
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
    writeFileSync(
      three,
      readFileSync(benchFile, 'utf8').replace('name: tiny', 'name: three').replace('seeds: [1, 2]', 'seeds: [1, 2, 3]'),
    );
    const out2 = join(dir, 'out2');
    const child = spawn('bash', ['-c', `exec ${CLI} bench ${three} --out ${out2} --jobs 1 --every 60000`], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    const until = Date.now() + 120_000;
    while (Date.now() < until && !/^done /m.test(text)) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(text).toMatch(/interrupted: stopping running runs; finished runs are kept/);
    expect(code).toBe(130);
    expect(result(out2, 'CartPole-v1__extrinsic__s1').status).toBe('done');
    // the run that was going is recorded, as interrupted: never counted, continued by --resume
    expect(result(out2, 'CartPole-v1__extrinsic__s2').status).toBe('interrupted');
    expect(readFileSync(join(out2, 'summary.md'), 'utf8')).toMatch(/1 of 6 runs finished/);
    expect(text).toMatch(/continue with: rxgym bench .* --resume/);
  });

  it('--only runs a slice; the finished runs kept in a folder resume the matrix in a new directory', () => {
    const part = join(dir, 'part');
    let r = cli(`bench ${benchFile} --out ${part} --only '*__scaled__s2'`);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--only: 1 run\(s\) now, 3 other unfinished run\(s\) left for later/);
    expect(readFileSync(join(part, 'summary.md'), 'utf8')).toMatch(/1 of 4 runs finished/);
    expect(existsSync(join(part, 'runs', 'CartPole-v1__extrinsic__s1'))).toBe(false);
    r = cli(`bench ${benchFile} --out ${part} --only 'CartPole-v1__nope__*'`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--only "CartPole-v1__nope__\*" matches none of the 4 runs of benchmark "tiny"/);
    // a new machine: only result.json files and the manifest were kept (test/bench/bench-results.mjs)
    const kept = join(dir, 'kept');
    const moved = join(dir, 'moved');
    const tool = join(ROOT, 'test', 'bench', 'bench-results.mjs');
    expect(spawnSync('node', [tool, 'save', part, kept], { encoding: 'utf8' }).stdout).toMatch(/saved 1 finished/);
    expect(spawnSync('node', [tool, 'restore', kept, moved], { encoding: 'utf8' }).status).toBe(0);
    // the restored run counts as finished: its slice has nothing left to run
    r = cli(`bench ${benchFile} --out ${moved} --resume --only '*__scaled__s2'`);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/resuming: 1 of 4 runs already finished, 0 to go/);
    expect(readFileSync(join(moved, 'summary.md'), 'utf8')).toMatch(/1 of 4 runs finished/);
    expect(result(moved, 'CartPole-v1__scaled__s2')).toEqual(result(part, 'CartPole-v1__scaled__s2'));
  });
});

describe('rxgym bench: a run is finished only when it took its budget', () => {
  // scenarios/smoke.yaml: PPO, 64 steps x 4 envs a batch, budget 6000, so every run ends at step 5888 (23 batches).
  const BUDGET_STEP = 5888;
  const keys = ['extrinsic__s1', 'extrinsic__s2', 'count__s1', 'count__s2'].map((k) => `Dungeon-Room-5x5-v0__${k}`);

  // four PPO runs in all: minutes on the shared, loaded machine
  const long = { timeout: 600_000 };
  // Ctrl-C reaches the whole process group, as a terminal sends it
  it(
    'Ctrl-C mid-run: stopped runs are interrupted; --resume brings every run to its budget exactly once',
    long,
    async () => {
      const out = join(dir, 'smoke');
      // detached: its own process group, so that the SIGINT reaches the bench and its children at once, like Ctrl-C
      const p = spawn('bash', ['-c', `exec ${CLI} bench scenarios/smoke.yaml --jobs 2 --out ${out} --every 60000`], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let text = '';
      p.stdout!.on('data', (d: Buffer) => (text += d.toString()));
      // both running runs are mid-way: several batches in, far from their 23
      await until(() => batches(out, keys[0]!) >= 3 && batches(out, keys[1]!) >= 3, 200_000);
      process.kill(-p.pid!, 'SIGINT');
      expect(await exited(p)).toBe(130);
      expect(text).toMatch(/continue with: rxgym bench scenarios\/smoke\.yaml --out .* --resume/);
      const stopped = keys.filter((k) => existsSync(join(out, 'runs', k, 'result.json'))).map((k) => result(out, k));
      expect(stopped.filter((r) => r.status === 'interrupted').length).toBeGreaterThan(0);
      for (const r of stopped) {
        // before the fix: status "done" with 256..2304 of 6000 steps
        if (r.status === 'done') expect(r.steps, r.key).toBe(BUDGET_STEP);
        else expect([r.key, r.status, r.steps < BUDGET_STEP]).toEqual([r.key, 'interrupted', true]);
      }

      const again = cli(`bench scenarios/smoke.yaml --jobs 2 --out ${out} --every 60000 --resume`, 400_000);
      const said = `${again.out}\n${again.err}`;
      expect(again.err, said).not.toMatch(/Error|rxgym:(?! tensor backend)/);
      expect(again.code, said).toBe(0);
      expect(again.out).toMatch(/interrupted, continued from their checkpoints/);
      for (const k of keys) {
        expect(result(out, k).status, k).toBe('done');
        expect(result(out, k).steps, k).toBe(BUDGET_STEP);
        const evs = events(out, k);
        const ends = evs.filter((e) => e.type === 'end');
        expect(
          ends.filter((e) => e.reason === 'budget'),
          k,
        ).toHaveLength(1);
        // each later process continued where the last one stopped (from its checkpoint), never trained a step twice
        let last: number | undefined;
        for (let i = 0; i < evs.length; i++) {
          const e = evs[i]!;
          if (e.type === 'end') last = e.step;
          if (e.type === 'start' && last !== undefined) {
            const first = evs.slice(i).find((x) => x.type === 'batch')!;
            expect(first.step! - first.steps!, k).toBe(last);
          }
        }
      }
    },
  );

  // SIGTERM (kill, timeout, docker stop) and SIGHUP (a closed terminal) to the bench alone: it stops its children
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s stops the running runs with a checkpoint, as interrupted (exit %i)', async (sig, exit) => {
    const file = join(dir, `long-${sig}.yaml`);
    writeFileSync(
      file,
      readFileSync(benchFile, 'utf8')
        .replace('name: tiny', `name: long-${sig}`)
        .replace('steps: 1500', 'steps: 2000000'),
    );
    const out = join(dir, `out-${sig}`);
    const p = spawn('bash', ['-c', `exec ${CLI} bench ${file} --out ${out} --jobs 2 --every 60000`], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const running = ['CartPole-v1__extrinsic__s1', 'CartPole-v1__extrinsic__s2'];
    await until(() => running.every((k) => batches(out, k) >= 2), 200_000);
    p.kill(sig);
    expect(await exited(p)).toBe(exit);
    for (const k of running) {
      const r = result(out, k);
      expect([r.status, r.steps > 0 && r.steps < 2_000_000]).toEqual(['interrupted', true]);
      expect(existsSync(join(out, 'runs', k, 'checkpoints', 'latest')), k).toBe(true);
    }
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
