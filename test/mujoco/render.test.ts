import { describe, expect, it } from 'vitest';
import { registerMujoco } from '../../envs/mujoco/index.js';
import type { RgbFrame } from '../../src/core/env.js';
import { make } from '../../src/core/registry.js';

registerMujoco();

function distinctColours(f: RgbFrame): number {
  const s = new Set<number>();
  for (let i = 0; i < f.width * f.height; i++)
    s.add((f.data[3 * i]! << 16) | (f.data[3 * i + 1]! << 8) | f.data[3 * i + 2]!);
  return s.size;
}

describe('ray-cast rgb_array rendering', () => {
  it('renders a 128x128 frame of the scene, identical for identical states', () => {
    const a = make('Ant-v0', { renderMode: 'rgb_array' });
    const b = make('Ant-v0', { renderMode: 'rgb_array' });
    a.reset({ seed: 4 });
    b.reset({ seed: 4 });
    const fa = a.render() as RgbFrame,
      fb = b.render() as RgbFrame;
    expect(fa.width).toBe(128);
    expect(fa.height).toBe(128);
    expect(fa.data.length).toBe(128 * 128 * 3);
    expect(distinctColours(fa)).toBeGreaterThan(50);
    expect(fa.data).toEqual(fb.data);
    a.close();
    b.close();
  });

  it('sees the robot (orange-brown on the blue-grey floor and sky); moving the camera changes the frame', () => {
    const env = make('Ant-v0', { renderMode: 'rgb_array', camera: 'free' });
    env.reset({ seed: 0 });
    const f = env.render() as RgbFrame;
    let body = 0;
    for (let i = 0; i < 128 * 128; i++) {
      const o = 3 * i;
      if (f.data[o]! > f.data[o + 2]! + 30) body++; // the ant is orange-brown, the floor and sky are blue-grey
    }
    expect(body).toBeGreaterThan(100);
    const g = make('Ant-v0', { renderMode: 'rgb_array', camera: 'track' });
    g.reset({ seed: 0 });
    expect((g.render() as RgbFrame).data).not.toEqual(f.data);
    env.close();
    g.close();
  });

  it('honours width/height and named cameras of the manipulation scene', () => {
    const env = make('Manip-DrawerOpen-v0', { renderMode: 'rgb_array', camera: 'top', width: 64, height: 48 });
    env.reset({ seed: 0 });
    const f = env.render() as RgbFrame;
    expect([f.width, f.height, f.data.length]).toEqual([64, 48, 64 * 48 * 3]);
    env.close();
  });

  it('rejects an unknown camera, naming the cameras the model has', () => {
    expect(() => make('Hopper-v0', { renderMode: 'rgb_array', camera: 'overhead' })).toThrow(
      /unknown camera "overhead"; this model has cameras "free", "track"/,
    );
    expect(() => make('Manip-Reach-v0', { camera: 'nope' })).toThrow(/"front", "top", "side"/);
  });

  it('render() without rgb_array mode is a clear error', () => {
    const env = make('Hopper-v0');
    env.reset({ seed: 0 });
    expect(() => env.render()).toThrow(/renderMode 'rgb_array'/);
    env.close();
  });
});
