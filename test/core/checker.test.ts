import { describe, expect, it } from 'vitest';
import { ExploreMaze } from '../../envs/explore/maze.js';
import { EnvRegistry } from '../../src/core/registry.js';
import { Box, checkEnv, Discrete, make, Rng, type Env, type RenderMode, type ResetOptions } from './support/core.js';

/** A deliberately broken env; each flag switches on one defect. */
class BrokenEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box(-1, 1, [2]) as never;
  readonly actionSpace = new Discrete(2);
  readonly metadata = { renderModes: ['ansi'] as RenderMode[] };
  readonly renderMode: RenderMode = 'ansi';
  private rng = new Rng(0);
  private closed = false;
  private calls = 0;
  constructor(private readonly defect: string) {}
  reset(opts: ResetOptions = {}) {
    if (opts.seed !== undefined && this.defect !== 'ignores-seed') this.rng = new Rng(opts.seed);
    if (this.defect === 'options' && opts.options) throw new Error('options not supported');
    const v = this.defect === 'out-of-space' ? 5 : this.rng.uniform(-1, 1);
    return { obs: new Float32Array([v, 0]), info: {} };
  }
  step(_a: number) {
    this.calls++;
    const r = {
      obs: new Float32Array([this.defect === 'nondeterministic' ? (this.calls % 7) / 10 : this.rng.uniform(-1, 1), 0]),
      reward: 1,
      terminated: false,
      truncated: false,
      info: {},
    };
    if (this.defect === 'flags') (r as { terminated: unknown }).terminated = 0;
    return r;
  }
  render() {
    return this.defect === 'render' ? (42 as never) : 'ok';
  }
  close() {
    if (this.defect === 'close' && this.closed) throw new Error('already closed');
    this.closed = true;
  }
}

const checks = (defect: string) => checkEnv(new BrokenEnv(defect)).map((f) => `${f.check}:${f.severity}`);

describe('checkEnv', () => {
  it('passes a correct env and the registered classic envs', () => {
    expect(checkEnv(new BrokenEnv('none'))).toEqual([]);
    expect(checkEnv(make('CartPole-v1'))).toEqual([]);
  });

  it('catches each deliberate defect', () => {
    expect(checks('ignores-seed')).toContain('seed:error');
    expect(checks('options')).toEqual(['options:error']);
    expect(checks('out-of-space')).toContain('reset:error');
    expect(checks('nondeterministic')).toContain('determinism:error');
    expect(checks('flags')).toContain('step:error');
    expect(checks('render')).toEqual(['render:error']);
    expect(checks('close')).toEqual(['close:error']);
  });

  it('an env made by id stays usable after checkEnv: close() twice is checked on a fresh copy (was: closed)', () => {
    const env = make('CartPole-v1');
    expect(checkEnv(env)).toEqual([]);
    expect(() => env.reset({ seed: 0 })).not.toThrow();
    // a broken close() is still found on the copy
    const envs = new EnvRegistry();
    envs.register({ id: 'UserOnly-Close-v0', entryPoint: () => new BrokenEnv('close') });
    expect(checkEnv(envs.make('UserOnly-Close-v0')).map((f) => `${f.check}:${f.severity}`)).toEqual(['close:error']);
  });

  it('an env without metadata.renderModes is a finding, not a TypeError thrown by checkEnv', () => {
    const env = new BrokenEnv('none');
    (env as { metadata: unknown }).metadata = undefined;
    const found = checkEnv(env);
    expect(found.map((f) => `${f.check}:${f.severity}`)).toEqual(['render:error']);
    expect(found[0]!.message).toContain('metadata.renderModes must be an array');
  });

  it('a declared fixed layout passes the seed check: Explore-Maze-v0 is the same maze for every seed', () => {
    const maze = () => new ExploreMaze({ width: 5, height: 4, renderMode: 'ansi' });
    expect(maze().capabilities.fixedLayout).toBe(true);
    expect(checkEnv(maze())).toEqual([]);
    const undeclared = Object.assign(maze(), { capabilities: {} });
    expect(checkEnv(undeclared).map((f) => `${f.check}:${f.severity}`)).toEqual(['seed:warning']);
  });

  it('reports broken spaces without running the env', () => {
    const env = new BrokenEnv('none');
    (env as { actionSpace: unknown }).actionSpace = { n: 2 };
    const f = checkEnv(env);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/actionSpace is not a Space/);
  });

  it('the passive checker in make() rejects a malformed step result with a clear error', async () => {
    const { register } = await import('./support/core.js');
    register({ id: 'test/BrokenFlags-v0', entryPoint: () => new BrokenEnv('flags') as Env<unknown, unknown> });
    const env = make('test/BrokenFlags-v0');
    env.reset({ seed: 0 });
    expect(() => env.step(0)).toThrow(/test\/BrokenFlags-v0: step\(\) terminated must be a boolean, got number 0/);
  });
});

describe('checkEnv on an env of a user registry', () => {
  it('rebuilds it for each declared render mode from its own spec, not from the global registry', () => {
    /** Renders only in the mode it was built with (as the registered envs: kwarg `renderMode`). */
    class ModeEnv extends BrokenEnv {
      override readonly renderMode: RenderMode;
      constructor(kw: Record<string, unknown>) {
        super('none');
        this.renderMode = kw.renderMode as RenderMode;
      }
      override render() {
        return this.renderMode === 'ansi' ? 'ok' : (undefined as never);
      }
    }
    const envs = new EnvRegistry();
    envs.register({ id: 'UserOnly-Render-v0', entryPoint: (kw) => new ModeEnv(kw) });
    // made without a render mode: the checker rebuilds it for 'ansi' (was: 'unknown env id "UserOnly-Render-v0"')
    expect(checkEnv(envs.make('UserOnly-Render-v0'))).toEqual([]);
  });
});
