import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CLI_ENTRY, ROOT } from '../support/cli.js';

// ONI on an env that sets no info.message, trained with the real CLI: its reward is 0, and the user must hear it.
vi.setConfig({ testTimeout: 120_000 });
const ENTRY = CLI_ENTRY;
const dir = mkdtempSync(join(tmpdir(), 'rxgym-oni-nomsg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rxgym run with ONI on an env without messages', () => {
  it('says on the console (not only in events.jsonl) that ONI rewards are 0', () => {
    const file = join(dir, 'oni-cartpole.yaml');
    writeFileSync(
      file,
      'name: oni-cartpole\nenv: { id: CartPole-v1, numEnvs: 1 }\nagent: { type: random, numSteps: 16 }\n' +
        'budget: { steps: 32 }\nrewards:\n  - { source: extrinsic }\n  - { source: oni, weight: 0.1 }\n' +
        "llm: { baseUrl: 'http://127.0.0.1:9/v1' }\n",
    );
    const r = spawnSync(process.execPath, [...ENTRY, 'run', file, '--out', join(dir, 'run'), '--quiet'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 100_000,
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      /rxgym warning: oni: the batch carries no messages .*ONI rewards are 0; use ONI on an env/,
    );
  });
});
