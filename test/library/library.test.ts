import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./train-from-package.mjs', import.meta.url));

describe('rxgym as a library (the compiled package, no CLI)', () => {
  it("import { startRun, loadScenario } from 'rxgym' trains a scenario with rewards and pre-training", () => {
    expect(existsSync(join(ROOT, 'dist/src/index.js')), 'npm test builds dist/ first (pretest)').toBe(true);
    const dir = join(mkdtempSync(join(tmpdir(), 'rxgym-lib-')), 'run');
    const out = execFileSync(process.execPath, [SCRIPT, dir], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, RXGYM_BACKEND: 'cpu' },
    });
    const line = JSON.parse(out.trim().split('\n').pop()!) as {
      reason: string;
      steps: number;
      pretrain: number;
      components: string[];
    };
    expect(line.reason).toBe('budget');
    expect(line.steps).toBe(512);
    expect(line.pretrain).toBe(256);
    expect(line.components).toEqual(expect.arrayContaining(['count', 'extrinsic', 'oni']));
    expect(existsSync(join(dir, 'summary.json'))).toBe(true);
  }, 180_000);
});
