import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { startOpenAiServer } from '../support/openai-server.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';

// Runs the compiled CLI (npx tsc -p tsconfig.json first).
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const rxgym = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('rxgym vlm', () => {
  it('score --json prints one line per frame and a summary with correlation and ROC-AUC', () => {
    const r = rxgym(
      'vlm',
      'score',
      '--env',
      'Manip-Reach-v0',
      '--goal',
      'the gripper is at the goal',
      '--policy',
      'mixed',
      '--episodes',
      '2',
      '--max-steps',
      '40',
      '--alpha',
      '0.25',
      '--json',
    );
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBe(81);
    expect(Object.keys(lines[0]!)).toEqual(['episode', 'step', 'reward', 'success', 'progress']);
    const s = lines[80]!;
    expect(s.summary).toBe(true);
    expect(s.frames).toBe(80);
    for (const k of ['corrSuccess', 'rocAuc', 'corrProgress'])
      expect(typeof s[k] === 'number' || s[k] === null).toBe(true);
    expect(s.framesPerSecond as number).toBeGreaterThan(0);
  }, 120_000);

  it('frames writes the PNGs the encoder sees', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-vlm-frames-'));
    try {
      const r = rxgym(
        'vlm',
        'frames',
        '--env',
        'Dungeon-Room-5x5-v0',
        '--out',
        dir,
        '--episodes',
        '1',
        '--max-steps',
        '5',
      );
      expect(r.status).toBe(0);
      const files = readdirSync(dir).sort();
      expect(files).toEqual([
        'ep0-step0000.png',
        'ep0-step0001.png',
        'ep0-step0002.png',
        'ep0-step0003.png',
        'ep0-step0004.png',
      ]);
      const png = PNG.sync.read(readFileSync(join(dir, files[0]!)));
      expect([png.width, png.height]).toEqual([48, 48]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('bad input: unknown encoder, an env that cannot render, an empty goal, a policy it lacks', () => {
    const enc = rxgym('vlm', 'score', '--env', 'Explore-Arena-v0', '--goal', 'x', '--encoder', 'clip');
    expect(enc.status).not.toBe(0);
    expect(enc.stderr).toMatch(/unknown encoder "clip".*builtin, onnx:<dir>, http/);
    const cart = rxgym('vlm', 'score', '--env', 'CartPole-v1', '--goal', 'the pole is upright');
    expect(cart.status).not.toBe(0);
    expect(cart.stderr).toMatch(/CartPole-v1 cannot render frames/);
    const empty = rxgym('vlm', 'score', '--env', 'Explore-Arena-v0', '--goal', '  ');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/--goal is empty/);
    const expert = rxgym('vlm', 'score', '--env', 'Explore-Arena-v0', '--goal', 'x', '--policy', 'expert');
    expect(expert.status).not.toBe(0);
    expect(expert.stderr).toMatch(/no scripted expert for Explore-Arena-v0/);
  }, 300_000);

  it('score --encoder http asks a vision chat judge about every frame (a real server on 127.0.0.1)', async () => {
    const server = await startOpenAiServer(() => ({ text: '8' }));
    try {
      const env = { ...process.env, OPENAI_BASE_URL: server.url, RXGYM_LLM_CACHE: 'off' };
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [
          CLI,
          'vlm',
          'score',
          '--env',
          'Explore-Arena-v0',
          '--goal',
          'the dot is in the top left',
          '--encoder',
          'http',
          '--episodes',
          '1',
          '--max-steps',
          '6',
          '--json',
        ],
        { env, timeout: 120_000 },
      );
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.slice(0, 6).map((l) => l.reward)).toEqual([0.8, 0.8, 0.8, 0.8, 0.8, 0.8]);
      expect(stderr).toMatch(/vlm judge: \d+ frames judged/);
      expect(server.requests.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  }, 120_000);
});
