import { describe, expect, it } from 'vitest';
import { testRegistry } from '../support/registry.js';
import { caption, captionFamily, progressOf, relations } from '../../rewards/vlm/captions.js';
import { expertFor } from '../../rewards/vlm/experts.js';
import { playEpisodes } from '../../rewards/vlm/play.js';
import { capabilitiesOf, type FrameSource } from '../../src/core/capabilities.js';
import type { RgbFrame } from '../../src/core/env.js';
import { unwrap } from '../../src/core/wrapper.js';
import { pretrainBuiltin } from '../../rewards/vlm/builtin/pretrain.js';

const mc = (position: number, velocity = 0) => ({ position, velocity, goalPosition: 0.5 });

describe('MountainCar caption family', () => {
  it('names the car position on the track in six stretches', () => {
    expect(captionFamily('MountainCar-v0')).toBe('mountaincar');
    const at = (x: number) => relations('mountaincar', mc(x))[0];
    expect(at(0.55)).toBe('the car is at the flag');
    expect(at(0.5)).toBe('the car is at the flag');
    expect(at(0.3)).toBe('the car is high on the right hill');
    expect(at(0)).toBe('the car is on the right slope');
    expect(at(-0.52)).toBe('the car is at the bottom of the valley');
    expect(at(-0.85)).toBe('the car is on the left slope');
    expect(at(-1.15)).toBe('the car is high on the left hill');
    expect(caption('mountaincar', relations('mountaincar', mc(-0.5)))).toBe(
      'a car in a valley: the car is at the bottom of the valley',
    );
    expect(progressOf('MountainCar-v0', mc(0.25))).toBe(0.25);
  });

  it('the energy-pumping expert reaches the flag; random play does not (seeded)', () => {
    const expert = expertFor('MountainCar-v0');
    expect(expert(mc(-0.5, 0.01))).toBe(2);
    expect(expert(mc(-0.5, -0.01))).toBe(0);
    const frames = { width: 48, height: 48 };
    const run = (policy: 'expert' | 'random') =>
      playEpisodes({ envs: testRegistry.envs, envId: 'MountainCar-v0', frames, episodes: 3, seed: 5, policy });
    const ex = run('expert');
    const ends = [0, 1, 2].map((e) => ex.steps.filter((s) => s.episode === e).at(-1)!);
    for (const s of ends) expect((s.state as { position: number }).position).toBeGreaterThanOrEqual(0.5);
    for (const s of ends) expect(s.step).toBeLessThan(199);
    const rnd = run('random');
    expect(Math.max(...rnd.steps.map((s) => (s.state as { position: number }).position))).toBeLessThan(0.5);
    expect(rnd.steps.length).toBe(600);
  });

  it('frames show where the car is: different positions give different frames, the same one the same', () => {
    const env = testRegistry.envs.make('MountainCar-v0');
    const source = unwrap(env) as unknown as FrameSource;
    expect(capabilitiesOf(env).frames?.cameras).toEqual(['side']);
    expect(() => source.requestFrames({ width: 48, height: 48, camera: 'top' })).toThrow(/unknown camera "top"/);
    source.requestFrames({ width: 48, height: 48 });
    const frameAfter = (seed: number, actions: number[]) => {
      env.reset({ seed });
      let f: Uint8Array | undefined;
      for (const a of actions) f = (env.step(a).info.frame as RgbFrame | undefined)?.data.slice();
      return f!;
    };
    const a = frameAfter(1, [1]),
      b = frameAfter(1, [1]);
    expect(a.length).toBe(48 * 48 * 3);
    expect(Buffer.compare(a, b)).toBe(0);
    const c = frameAfter(
      1,
      Array.from({ length: 60 }, () => 0),
    );
    expect(Buffer.compare(a, c)).not.toBe(0);
    // dark pixels: the track, the flag pole and the car; the car adds a visible blob
    expect(a.filter((v) => v === 0).length).toBeGreaterThan(200);
  });

  it('pretraining families: unknown names are refused', () => {
    expect(() => pretrainBuiltin({ envs: testRegistry.envs, families: ['cars' as never] })).toThrow(
      /unknown caption family "cars"; use some of dungeon, manip, humanoid, pendulum, arena, mountaincar/,
    );
  });
});
