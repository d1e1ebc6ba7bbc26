import { afterAll, describe, expect, it } from 'vitest';
import { registerExplore } from '../../envs/explore/index.js';
import { workerModuleUrl } from '../../src/core/vector/worker-modules.js';
import { makeVec, register, RxgymError, WorkerVectorEnv, type VectorEnv } from './support/core.js';

registerExplore();
const probe = new URL('./support/worker-probe.mjs', import.meta.url).href;
const packageEntry = new URL('../../dist/src/index.js', import.meta.url).href;

/** What support/worker-probe.mjs reports of a worker thread. */
interface Loaded {
  commonjs: string[];
  tfEngine: boolean;
}

const opened: VectorEnv[] = [];
afterAll(() => opened.forEach((v) => v.close()));

describe('WorkerVectorEnv: workers load env registration only', () => {
  it('a CartPole worker loads the classic family and never TensorFlow.js; one given the package entry does', () => {
    const lean = new WorkerVectorEnv('CartPole-v1', { numEnvs: 1, imports: [probe] });
    opened.push(lean);
    const [seen] = lean.call('loadedModules') as Loaded[];
    // seedrandom is CommonJS: the probe sees CommonJS modules, TensorFlow.js among them when it is loaded.
    expect(seen!.commonjs.some((m) => m.includes('seedrandom'))).toBe(true);
    expect(seen!.commonjs.filter((m) => m.includes('@tensorflow'))).toEqual([]);
    expect(seen!.tfEngine).toBe(false);
    // The probe's control: the package entry (what every worker imported before) brings TensorFlow.js in.
    const full = new WorkerVectorEnv('CartPole-v1', { numEnvs: 1, imports: [probe, packageEntry] });
    opened.push(full);
    const [heavy] = full.call('loadedModules') as Loaded[];
    expect(heavy!.commonjs.some((m) => m.includes('@tensorflow/tfjs'))).toBe(true);
    expect(heavy!.tfEngine).toBe(true);
  });

  it('sends the sub-envs capabilities as JSON at start, as SyncVectorEnv reads them, and steps the same', () => {
    const opts = { numEnvs: 3, kwargs: { width: 6, height: 5 } };
    const sync = makeVec('Explore-Maze-v0', opts);
    const worker = makeVec('Explore-Maze-v0', { ...opts, vectorization: 'worker', numWorkers: 2 });
    opened.push(sync, worker);
    expect(sync.capabilities).toEqual({
      // 13 x 11 grid; floor: the 6 x 5 rooms and the 29 passages of a perfect maze
      exploration: { kind: 'grid', key: 'pos', x: 0, y: 1, width: 13, cells: 59 },
      fixedLayout: true,
    });
    expect(worker.capabilities).toEqual(sync.capabilities);
    expect(makeVec('CartPole-v1').capabilities).toEqual({});
    const pos = (v: VectorEnv) => Array.from((v.step(new Int32Array([1, 2, 1])).obs as Record<string, Int32Array>).pos);
    sync.reset({ seed: 1 });
    worker.reset({ seed: 1 });
    for (let t = 0; t < 20; t++) expect(pos(worker)).toEqual(pos(sync));
  });

  it('an env registered without a source and without imports is refused before any thread starts', () => {
    register({
      id: 'NoSource-v0',
      entryPoint: () => {
        throw new Error('not built: refused before');
      },
    });
    expect(() => new WorkerVectorEnv('NoSource-v0', { numEnvs: 1 })).toThrow(RxgymError);
    expect(() => new WorkerVectorEnv('NoSource-v0', { numEnvs: 1 })).toThrow(
      /env "NoSource-v0" was registered without a source, so worker threads cannot register it; pass source: /,
    );
  });

  it("maps this package's TypeScript modules to their compiled copies, and says to build when there is none", () => {
    const classic = new URL('../../envs/classic/index.ts', import.meta.url).href;
    expect(workerModuleUrl(classic)).toBe(new URL('../../dist/envs/classic/index.js', import.meta.url).href);
    expect(workerModuleUrl(probe)).toBe(probe);
    const missing = new URL('../../envs/classic/not-there.ts', import.meta.url).href;
    expect(() => workerModuleUrl(missing)).toThrow(/has no compiled copy .*not-there\.js; run `npm run build` first/);
  });
});
