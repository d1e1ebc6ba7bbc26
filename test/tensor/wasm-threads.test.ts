import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { currentHeap } from '../../src/tensor/wasm-direct.js';
import { CLI_ENTRY, ROOT } from '../support/cli.js';

// RXGYM_WASM_THREADS (src/tensor/wasm-threads.ts): the wasm backend's multi-threaded build in real CLI processes.
vi.setConfig({ testTimeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'rxgym-wasm-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(scenario: string[], threads: string | undefined, out: string) {
  const env = { ...process.env };
  delete env.RXGYM_BACKEND;
  if (threads === undefined) delete env.RXGYM_WASM_THREADS;
  else env.RXGYM_WASM_THREADS = threads;
  const r = spawnSync(process.execPath, [...CLI_ENTRY, 'run', ...scenario, '--out', out, '--quiet'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 100_000,
  });
  return { err: r.stderr, code: r.status, signal: r.signal };
}

/** sha256 of the last checkpoint's PPO weights and optimizer state under a run directory. */
function lastWeights(out: string): string {
  const ck = join(out, 'checkpoints');
  const last = readdirSync(ck)
    .filter((d) => d.startsWith('step-'))
    .sort()
    .at(-1)!;
  return createHash('sha256')
    .update(readFileSync(join(ck, last, 'agent', 'ppo.bin')))
    .digest('hex');
}

describe('RXGYM_WASM_THREADS: the multi-threaded wasm backend', () => {
  it('starts a pool of 2, exits on its own and trains the glyph CNN to the same weights as one thread', () => {
    // one PPO update (one epoch) of the glyph CNN on KeyRoom-S5 (convolutions and matmuls on the pool), checkpointed
    const scenario = join(dir, 'keyroom-cnn.yaml');
    writeFileSync(
      scenario,
      readFileSync(join(ROOT, 'test/bench/peers/keyroom-cnn.yaml'), 'utf8')
        .replace(/^agent:\n/m, 'agent:\n  updateEpochs: 1\n')
        .replace(/^budget:.*$/m, 'budget: { steps: 1024 }')
        .replace(/^checkpoint:.*$/m, 'checkpoint: { every: 1024 }'),
    );
    const one = run([scenario], undefined, join(dir, 'one'));
    const pool = run([scenario], '2', join(dir, 'pool'));
    expect(one.code, one.err).toBe(0);
    // exit 0 within the timeout: the pool's worker threads do not hold the process open
    expect(pool.signal, pool.err).toBeNull();
    expect(pool.code, pool.err).toBe(0);
    expect(pool.err).toContain('rxgym: tensor backend wasm (2 threads, RXGYM_WASM_THREADS)');
    expect(one.err).toContain('rxgym: tensor backend wasm\n');
    expect(lastWeights(join(dir, 'pool'))).toBe(lastWeights(join(dir, 'one')));
  });

  it('a value that is not a thread count is one clear line naming the variable and the fix', () => {
    for (const bad of ['two', '9']) {
      const r = run(['scenarios/cartpole-ppo.yaml', '--steps', '1024'], bad, join(dir, `bad-${bad}`));
      expect(r.code).not.toBe(0);
      expect(r.err).toContain(`RXGYM_WASM_THREADS="${bad}" is not a thread count; use an integer from 2 to 8`);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
});

describe('the direct kernels read the heap as it is now', () => {
  it('currentHeap follows a shared memory that grew behind a stale view, and reuses its own view', () => {
    const old = new SharedArrayBuffer(16);
    const stale = new Float32Array(old);
    const grown = new SharedArrayBuffer(64);
    const mod = { HEAPF32: stale, wasmMemory: { buffer: grown } };
    const h = currentHeap(mod, undefined);
    expect(h.buffer).toBe(grown);
    expect(h.length).toBe(16);
    expect(currentHeap(mod, h)).toBe(h);
    // current view, or no exported memory (the one-thread build): the glue's own view
    expect(currentHeap({ HEAPF32: stale, wasmMemory: { buffer: old } }, h)).toBe(stale);
    expect(currentHeap({ HEAPF32: stale }, h)).toBe(stale);
  });
});
