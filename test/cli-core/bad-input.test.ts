import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CLI_ENTRY, ROOT } from '../support/cli.js';

// Bad input given to the real CLI process: the exit code and the one-line error a user sees.
vi.setConfig({ testTimeout: 120_000 });
const ENTRY = CLI_ENTRY;
const dir = mkdtempSync(join(tmpdir(), 'rxgym-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]): { out: string; err: string; code: number | null } => {
  const r = spawnSync(process.execPath, [...ENTRY, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 100_000 });
  return { out: r.stdout, err: r.stderr, code: r.status };
};

describe('rxgym: bad input on the command line', () => {
  it('envs --family with an unknown family is a usage error naming the known families, not "0 envs"', () => {
    const r = cli(['envs', '--family', 'clasic']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--family: unknown family "clasic" \(known: .*classic/);
    expect(r.out).toBe('');
  });

  it('bench --list rejects a reward source typo up front instead of calling every scenario valid', () => {
    const file = join(dir, 'typo.yaml');
    const stack = '      - { source: extrinsic }\n      - { source: cuont, key: blstats, weight: 0.05 }\n';
    writeFileSync(
      file,
      'name: typo\nenv: { id: Dungeon-Room-5x5-v0, numEnvs: 1 }\nagent: { type: random, numSteps: 16 }\n' +
        'budget: { steps: 64 }\nbench:\n  rewards:\n    extrinsic:\n      - { source: extrinsic }\n' +
        `    count:\n${stack}  seeds: [1]\n`,
    );
    const out = join(dir, 'bench-typo');
    const r = cli(['bench', file, '--out', out, '--list']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/rewards\[1\]\.source: unknown reward source "cuont"; did you mean "count"\?/);
    expect(r.err).toMatch(/\(run Dungeon-Room-5x5-v0__count__s1\)/);
    expect(r.out).not.toMatch(/all scenarios valid/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('run, bench and plot with --out naming a file say so (no raw ENOTDIR/EEXIST) and leave the file alone', () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'keep me\n');
    const run = cli(['run', '--env', 'CartPole-v1', '--agent', 'random', '--steps', '1024', '--out', file, '--quiet']);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/notes\.txt is a file, not a run directory; choose another output directory \(--out\)/);
    const bench = cli(['bench', 'scenarios/smoke.yaml', '--out', file]);
    expect(bench.code).toBe(1);
    expect(bench.err).toMatch(/output directory ".*notes\.txt" is a file; choose another --out/);
    const plot = cli(['plot', 'test/report/fixtures/run-cartpole-ppo', '--out', file]);
    expect(plot.code).toBe(2);
    expect(plot.err).toMatch(/--out: ".*notes\.txt" is a file; give a directory for the report/);
    for (const r of [run, bench, plot]) expect(r.err).not.toMatch(/ENOTDIR|EEXIST|RXGYM_DEBUG/);
    // The CLI names its own flags where startRun's library callers read its option names (resume: true, runDir).
    const out = join(dir, 'taken');
    const args = ['run', '--env', 'CartPole-v1', '--agent', 'random', '--steps', '1024', '--out', out, '--quiet'];
    expect(cli(args).code).toBe(0);
    const again = cli(args);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(
      /already holds run .*; pass --resume to continue it, or choose another output directory \(--out\)/,
    );
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
  });

  it('reward types/check/generate/refine with an unknown env id are usage errors (exit 2) with the closest id', () => {
    const llm = ['--llm-url', 'http://127.0.0.1:9', '--task', 'balance the pole'];
    const cases = [
      ['reward', 'types', 'CartPol-v1'],
      ['reward', 'check', 'scenarios/rewards/dungeon-keyroom-s5.ts', '--env', 'CartPol-v1'],
      ['reward', 'generate', '--env', 'CartPol-v1', '--out', join(dir, 'gen.ts'), ...llm],
      ['reward', 'refine', '--env', 'CartPol-v1', '--run-dir', join(dir, 'refine'), ...llm],
    ];
    for (const args of cases) {
      const r = cli(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err).toMatch(/^rxgym: unknown env id "CartPol-v1"; did you mean "CartPole-v1"\?/);
    }
    expect(existsSync(join(dir, 'refine'))).toBe(false);
  });

  it('bad flag values are usage errors (exit 2) before any work: --kwargs, --encoder, --camera, plot and more', () => {
    const kw = ['--kwargs', '{"nope":1}'];
    const frames = ['vlm', 'frames', '--episodes', '1', '--max-steps', '2', '--out', join(dir, 'frames')];
    const cases: [string[], RegExp][] = [
      [
        ['run', '--env', 'CartPole-v1', '--agent', 'random', '--steps', '1024', '--out', join(dir, 'kw'), ...kw],
        /^rxgym: --kwargs: CartPole-v1: unknown kwarg "nope"; known kwargs: renderMode/,
      ],
      [['watch', '--env', 'CartPole-v1', ...kw], /^rxgym: --kwargs: CartPole-v1: unknown kwarg "nope"/],
      [['bench', 'env', 'CartPole-v1', '--steps', '10', ...kw], /^rxgym: --kwargs: CartPole-v1: unknown kwarg/],
      [['check', 'CartPole-v1', ...kw], /--kwargs: CartPole-v1: unknown kwarg "nope"/],
      [
        ['vlm', 'score', '--env', 'InvertedPendulum-v0', '--goal', 'up', '--encoder', 'nope'],
        /rxgym: --encoder: unknown encoder "nope" \(use builtin, onnx:<dir>, http, http:embeddings\)/,
      ],
      [
        ['vlm', 'score', '--env', 'InvertedPendulum-v0', '--goal', 'up', '--camera', 'nope'],
        /^rxgym: --camera: InvertedPendulum-v0 has no camera "nope"; use one of "track", "free"/,
      ],
      [[...frames, '--env', 'Dungeon-Room-5x5-v0', '--camera', 'top'], /--camera: .* no camera "top"; use one of/],
      [[...frames, '--env', 'CartPole-v1'], /^rxgym: --env: CartPole-v1 cannot render frames/],
      [['plot', join(dir, 'missing')], /^rxgym: no directory ".*missing"; give a run directory/],
      [['plot', 'scenarios'], /^rxgym: "scenarios" holds neither events\.jsonl nor metrics\.csv; give an rxgym run/],
      [['reward', 'check', join(dir, 'nope.ts'), '--env', 'CartPole-v1'], /cannot read reward module .*ENOENT/],
      [
        ['vlm', 'score', '--env', 'InvertedPendulum-v0', '--goal', 'up', '--policy', 'expert'],
        /rxgym: --policy expert: no scripted expert for InvertedPendulum-v0/,
      ],
      [
        [
          'run',
          '--env',
          'CartPole-v1',
          '--agent',
          'random',
          '--steps',
          '1024',
          '--out',
          join(dir, 'fresh'),
          '--resume',
        ],
        /^rxgym: --resume: nothing to resume in .*fresh \(no run\.json\); drop --resume to start a new run there/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/RXGYM_DEBUG/);
    }
    expect(existsSync(join(dir, 'frames'))).toBe(false);
  });

  it('mjcf --out naming a directory or a path in a missing folder is a usage error, not a raw EISDIR/ENOENT', () => {
    const folder = join(dir, 'models');
    mkdirSync(folder);
    for (const [out, why] of [
      [folder, 'it is a directory'],
      [join(dir, 'nowhere', 'ip.xml'), 'its directory does not exist'],
    ] as const) {
      const r = cli(['mjcf', 'InvertedPendulum-v0', '--out', out]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(
        `rxgym: --out: cannot write "${out}" (${why}); give a file path in an existing directory`,
      );
      expect(r.err).not.toMatch(/EISDIR|ENOENT|RXGYM_DEBUG/);
    }
  });

  it('vlm pretrain and frames with --out naming a file stop before any work (pretrain trained, then EEXIST)', () => {
    const file = join(dir, 'weights.txt');
    writeFileSync(file, 'keep me\n');
    const frames = ['vlm', 'frames', '--env', 'InvertedPendulum-v0', '--episodes', '1', '--max-steps', '2'];
    for (const args of [['vlm', 'pretrain', '--epochs', '1', '--scale', '0.01'], frames]) {
      const r = cli([...args, '--out', file]);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err).toContain(`rxgym: --out: "${file}" is a file; give a directory`);
      expect(r.err).not.toMatch(/EEXIST|vlm pretrain: epoch|RXGYM_DEBUG/);
    }
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
  });

  it('bench --queue, worker and annotator: a bad --queue URL or flag value exits 2', () => {
    const llm = ['--llm-url', 'http://127.0.0.1:9/v1'];
    const cases: [string[], string][] = [
      [['bench', 'scenarios/smoke.yaml', '--queue', 'localhost:6379'], '--queue: "localhost:6379" must start with'],
      [['bench', 'scenarios/smoke.yaml', '--queue', 'redis://127.0.0.1:9', '--attempts', '0'], '--attempts: expected'],
      [['worker', '--queue', 'not a url'], '--queue: "not a url" is not a URL'],
      [['worker', '--queue', 'redis://127.0.0.1:9', '--jobs', '0'], '--jobs: expected an integer >= 1, got "0"'],
      [['worker'], 'rxgym worker needs --queue redis://host:6379'],
      [['annotator', '--queue', 'http://h:1', ...llm], '--queue: "http://h:1" must start with redis://'],
      [['annotator', '--queue', 'redis://127.0.0.1:9', '--llm-url', 'nowhere'], 'LLM base URL "nowhere" is not a URL'],
      [['annotator', '--queue', 'redis://127.0.0.1:9', ...llm, '--rate', 'x'], '--rate: expected an integer >= 1'],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err).toContain(`rxgym: ${message}`);
    }
  });

  it('plot of a benchmark with a damaged bench.json or result.json: a clear error or a report, no TypeError', () => {
    const bench = join(dir, 'bench-damaged');
    cpSync(join(ROOT, 'test/report/fixtures/bench-smoke'), bench, { recursive: true });
    const one = join(bench, 'runs', readdirSync(join(bench, 'runs')).sort()[0]!, 'result.json');
    writeFileSync(one, '{"status": "done"}\n');
    const partial = cli(['plot', bench]);
    expect(partial.code).toBe(0);
    expect(partial.out).toContain(join(bench, 'summary.html'));
    writeFileSync(join(bench, 'bench.json'), 'null\n');
    const r = cli(['plot', bench]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bench\.json" is unreadable; is ".*bench-damaged" the --out of `rxgym bench`\?/);
    for (const x of [partial, r]) expect(x.err).not.toMatch(/Cannot read|must be of type|RXGYM_DEBUG/);
  });

  it('plot of a run whose events.jsonl holds lines that parse but are no events (null, 7) skips them', () => {
    const run = join(dir, 'run-damaged');
    cpSync(join(ROOT, 'test/report/fixtures/run-cartpole-ppo'), run, { recursive: true });
    appendFileSync(join(run, 'events.jsonl'), 'null\n7\n');
    const r = cli(['plot', run, '--out', join(dir, 'run-damaged-report')]);
    expect(r.err).not.toMatch(/Cannot read|Cannot use|RXGYM_DEBUG/);
    expect(r.code).toBe(0);
    // events of a known type without their fields: one line naming the damaged files, exit 1
    appendFileSync(join(run, 'events.jsonl'), '{"type":"rewards"}\n{"type":"annotation"}\n');
    const bad = cli(['plot', run, '--out', join(dir, 'run-damaged-report2')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^rxgym: cannot draw ".*run-damaged": its events\.jsonl and summary\.json hold records/);
    expect(bad.err).not.toMatch(/RXGYM_DEBUG/);
  });

  it('bench --list rejects an unknown env id and an empty reward stack of the matrix up front', () => {
    const head = 'name: m\nenv: { id: Dungeon-Room-5x5-v0, numEnvs: 1 }\nagent: { type: random, numSteps: 16 }\n';
    const cases: [string, RegExp][] = [
      [
        'bench:\n  envs: [Dungeon-Room-5x5-v0, Dungeon-Rom-5x5-v0]\n  seeds: [1]\n',
        /unknown env id "Dungeon-Rom-5x5-v0"; did you mean "Dungeon-Room-5x5-v0".* \(run Dungeon-Rom-5x5-v0__\w+__s1\)/,
      ],
      ['bench:\n  rewards: { none: [] }\n  seeds: [1]\n', /rewards: is empty; list at least one component/],
    ];
    for (const [bench, error] of cases) {
      const file = join(dir, 'matrix.yaml');
      writeFileSync(file, `${head}budget: { steps: 64 }\n${bench}`);
      const r = cli(['bench', file, '--out', join(dir, 'bench-matrix'), '--list']);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(error);
      expect(r.out).not.toMatch(/all scenarios valid/);
    }
  });
});
