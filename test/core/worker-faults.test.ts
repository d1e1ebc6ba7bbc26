import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../src/core/vector/worker-modules.js';
import { Box, Discrete, register, RxgymError, WorkerVectorEnv } from './support/core.js';
import { faultRegistration } from './support/worker-faults.mjs';

register(faultRegistration({ Box, Discrete }));
const throwsAtStart = new URL('./support/worker-throws-at-start.mjs', import.meta.url).href;
const dist = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;

/** The RxgymError `fn` throws and how long it took, in ms. */
function timed(fn: () => unknown): { error: unknown; ms: number } {
  const t0 = performance.now();
  try {
    fn();
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
  throw new Error('expected a throw');
}

describe('WorkerVectorEnv: workers that die', () => {
  it('a worker that throws at start is reported at once with its error and sub-envs, not after the time-out', () => {
    const opts = { numEnvs: 3, numWorkers: 2, imports: [throwsAtStart], timeoutMs: 60_000 };
    const { error, ms } = timed(() => new WorkerVectorEnv('CartPole-v1', opts));
    expect(error).toBeInstanceOf(RxgymError);
    const message = (error as Error).message;
    expect(message).toMatch(/^WorkerVectorEnv\(CartPole-v1\): the worker thread of sub-envs 0\.\.0 stopped during /);
    expect(message).toMatch(/during start: threw Error: thrown at start, outside any call \(at \S+\.mjs:4:9\)/);
    expect(message).toMatch(/; the other workers were stopped, build a new vector env$/);
    // Starting includes loading the workers' modules; the time-out (60 s) is far away.
    expect(ms).toBeLessThan(20_000);
  });

  it('a worker that exits mid-run fails the step within a second, naming its exit code and its sub-envs', () => {
    const opts = { numEnvs: 4, numWorkers: 2, kwargs: { exitAt: 3 }, timeoutMs: 60_000 };
    const v = new WorkerVectorEnv('WorkerFault-v0', opts);
    v.reset({ seed: 0 });
    const actions = new Int32Array(4);
    v.step(actions);
    v.step(actions);
    const { error, ms } = timed(() => v.step(actions));
    expect((error as Error).message).toBe(
      'WorkerVectorEnv(WorkerFault-v0): the worker thread of sub-envs 0..1 stopped during step: exited with code 7; ' +
        'the other workers were stopped, build a new vector env',
    );
    expect(ms).toBeLessThan(1000);
    expect(() => v.step(actions)).toThrow(/vector env used after close\(\)/);
    v.close();
  });

  it('workers start under a parent run as `node --input-type=module -e ...` (flags a worker would reject)', () => {
    const script = `
      import { registerClassic } from ${JSON.stringify(dist('envs/classic/index.js'))};
      import { WorkerVectorEnv } from ${JSON.stringify(dist('src/core/vector/worker.js'))};
      import { SyncVectorEnv } from ${JSON.stringify(dist('src/core/vector/sync.js'))};
      import { make } from ${JSON.stringify(dist('src/core/registry.js'))};
      registerClassic();
      const w = new WorkerVectorEnv('CartPole-v1', { numEnvs: 2, timeoutMs: 30000 });
      const s = new SyncVectorEnv([() => make('CartPole-v1'), () => make('CartPole-v1')]);
      const run = (v) => { v.reset({ seed: 5 }); return Array.from(v.step(new Int32Array([0, 1])).obs); };
      console.log(JSON.stringify({ worker: run(w), sync: run(s) }));
      w.close();
    `;
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { worker: number[]; sync: number[] };
    expect(out.worker).toHaveLength(8);
    expect(out.worker).toEqual(out.sync);
    expect(performance.now() - t0).toBeLessThan(30_000);
  });

  it('workers inherit the parent exec flags, without those only a main thread may have', () => {
    expect(workerExecArgv(['--enable-source-maps', '--import', 'tsx'])).toBeUndefined();
    expect(workerExecArgv(['--input-type=module', '-e', 'code', '--import', 'tsx'])).toEqual(['--import', 'tsx']);
    const argv = ['--conditions=dev', '--input-type', 'module', '--eval', 'x', '-p', 'y'];
    expect(workerExecArgv(argv)).toEqual(['--conditions=dev']);
    expect(workerExecArgv(['-i', '--no-warnings', '-c'])).toEqual(['--no-warnings']);
  });
});
