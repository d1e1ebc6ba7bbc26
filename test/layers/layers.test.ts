import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { options } from './rules.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixture', import.meta.url));

/** Cruise `roots` under `baseDir` with rxgym's layering rules; one line per violation, naming the rule. */
async function violations(baseDir: string, roots: string[]): Promise<string[]> {
  const r = await cruise(roots, { ...options, baseDir }, undefined, { tsConfig: { fileName: `${ROOT}tsconfig.json` } });
  const out = r.output as ICruiseResult;
  return out.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
}

describe('layers (dependency-cruiser, rules in test/layers/rules.mjs)', () => {
  it('the tree keeps the layering rules: kernel <- plug-ins <- application', async () => {
    expect(await violations(ROOT, ['src', 'envs', 'agents', 'rewards'])).toEqual([]);
  }, 120_000);

  it('a wrong import fails, with the rule it breaks named', async () => {
    const found = await violations(FIXTURE, ['src', 'agents']);
    expect(found).toContain('kernel-imports-kernel: src/core/contract.ts -> src/train/run.ts');
    expect(found).toContain('plugins-import-kernel: agents/agent.ts -> src/train/run.ts');
    expect(found.some((v) => v.includes('agents/agent.ts -> src/core/contract.ts'))).toBe(false);
  }, 60_000);
});
