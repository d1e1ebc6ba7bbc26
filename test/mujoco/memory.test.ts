import { describe, expect, it } from 'vitest';
import type { MjData } from '@mujoco/mujoco';
import { registerMujoco } from '../../envs/mujoco/index.js';
import { compileModel, createData, deleteData, liveDataCount } from '../../envs/mujoco/loader.js';
import { RxgymError } from '../../src/core/env.js';
import { make } from '../../src/core/registry.js';

registerMujoco();

// Its own file (own process): these tests grow the WASM heap, up to its 2 GiB limit.
describe('WASM heap growth', () => {
  it('envs keep producing the same trajectory when another allocation grows the heap mid-episode', () => {
    const run = (grow: boolean): number[] => {
      const env = make('Ant-v0');
      const out: number[] = [...(env.reset({ seed: 9 }).obs as Float32Array)];
      for (let i = 0; i < 30; i++) {
        if (grow && i === 10) {
          const m = compileModel(
            '<mujoco><size memory="150M"/><worldbody><body><freejoint/><geom size="0.1"/></body></worldbody></mujoco>',
            'grow',
          );
          const d = createData(m, 'grow'); // detaches every cached typed view over the old heap
          deleteData(d);
          m.delete();
        }
        out.push(...(env.step(Float32Array.from({ length: 8 }, (_, k) => Math.sin(i + k))).obs as Float32Array));
      }
      env.close();
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });
});

describe('WASM memory exhaustion', () => {
  it('more MjData than the 2 GiB heap holds is a clear error, and the process keeps simulating', () => {
    const m = compileModel(
      '<mujoco><size memory="300M"/><worldbody><body><freejoint/><geom size="0.1"/></body></worldbody></mujoco>',
      'big-arena',
    );
    const datas: MjData[] = [];
    let err: unknown;
    try {
      for (let i = 0; i < 20; i++) datas.push(createData(m, 'big-arena'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RxgymError);
    expect((err as Error).message).toMatch(
      /cannot allocate MuJoCo data \(300\.0 MiB arena each; \d+ MjData alive in this process hold \d+\.\d MiB of the 2048 MiB WASM heap\): .*Could not allocate memory.*spread envs over workers/,
    );
    expect(datas.length).toBeGreaterThan(2);
    expect(datas.length).toBeLessThan(8);
    for (const d of datas) deleteData(d);
    m.delete();
    // memory is reusable after freeing: a normal env still works in this process
    const env = make('Ant-v0');
    env.reset({ seed: 0 });
    for (let i = 0; i < 50; i++) env.step(new Float32Array(8));
    env.close();
    expect(liveDataCount()).toBe(0);
  });
});
