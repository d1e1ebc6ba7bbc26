import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiServer, type OpenAiTestServer } from '../support/openai-server.js';

// The compiled bin, as a user runs it (build first: `npx tsc -p tsconfig.json`).
const BIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

let server: OpenAiTestServer;
let connections = 0;
beforeAll(async () => {
  server = await startOpenAiServer(() => ({ hang: true }));
});
afterAll(async () => {
  await server.close();
});

/** How a child run ended: its exit code, and the time from its summary line to its exit (null: killed at 90 s). */
interface Exit {
  code: number | null;
  delayMs: number | null;
  out: string;
  err: string;
}

/** An ONI scenario on KeyRoom-S5 with a random agent, asking the test server; its run directory is `<dir>/run`. */
function oniScenario(dir: string, name: string, steps: number): string {
  const scenario = join(dir, `${name}.yaml`);
  writeFileSync(
    scenario,
    [
      `name: ${name}`,
      'env: { id: Dungeon-KeyRoom-S5-v0, numEnvs: 2, kwargs: { observationKeys: [blstats, message] } }',
      'agent: { type: random }',
      'rewards:',
      '  - { source: extrinsic, weight: 1 }',
      '  - { source: oni, weight: 0.04, annotator: llm }',
      `llm: { baseUrl: "${server.url}" }`,
      `budget: { steps: ${steps} }`,
      'eval: { every: 0, episodes: 1 }',
      `output: { dir: ${JSON.stringify(join(dir, 'run'))} }`,
      '',
    ].join('\n'),
  );
  return scenario;
}

/** Run `rxgym run <scenario>` in a child process until it exits. */
function runUntilExit(scenario: string): Promise<Exit> {
  return new Promise((resolve) => {
    const env = { ...process.env, RXGYM_LLM_CACHE: 'off' };
    const p = spawn(process.execPath, [BIN, 'run', scenario, '--quiet'], { env });
    let out = '',
      err = '';
    let summaryAt: number | undefined;
    const killer = setTimeout(() => p.kill('SIGKILL'), 90_000);
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (summaryAt === undefined && /steps in .* steps\/s/.test(out)) summaryAt = performance.now();
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code, signal) => {
      clearTimeout(killer);
      const delayMs = summaryAt === undefined || signal === 'SIGKILL' ? null : performance.now() - summaryAt;
      resolve({ code, delayMs, out, err });
    });
  });
}

describe('the CLI exits promptly after a run whose LLM server hangs (issue 13, item 8)', () => {
  it('rxgym run with ONI and a hanging server exits within 2 s of its summary', async () => {
    server.respond(() => {
      connections++;
      return { hang: true };
    });
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-exit-'));
    const scenario = oniScenario(dir, 'oni-hang', 2048);
    const r = await runUntilExit(scenario);
    expect(r.err).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(connections).toBeGreaterThan(0); // the requests did hang
    expect(r.delayMs).not.toBeNull();
    expect(r.delayMs!).toBeLessThan(2000);
  }, 120_000);

  it('labels in flight when the budget ends are waited for (5 s at most) and counted in the summary', async () => {
    let asked = 0;
    // every answer takes 1.5 s: a 2048-step random run has ended before the first one comes back
    server.respond(() => {
      asked++;
      return { text: '<reasoning>progress</reasoning><label>HELPFUL</label>', delayMs: 1500 };
    });
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-settle-'));
    const t0 = performance.now();
    const r = await runUntilExit(oniScenario(dir, 'oni-slow', 2048));
    expect(r.code, r.err).toBe(0);
    expect(asked).toBeGreaterThan(0);
    const summary = JSON.parse(readFileSync(join(dir, 'run', 'summary.json'), 'utf8')) as {
      annotators: Record<string, { labelled: number; pending: number }>;
    };
    expect(summary.annotators.oni?.labelled).toBeGreaterThan(0);
    // the wait is bounded: the run does not sit on a slow server
    expect(performance.now() - t0).toBeLessThan(60_000);
  }, 120_000);
});
