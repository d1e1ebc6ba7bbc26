import { describe, expect, it } from 'vitest';
import { compileModel, createData, deleteData, mujoco, mujocoVersion } from '../../envs/mujoco/loader.js';
import { RxgymError } from '../../src/core/env.js';

describe('MuJoCo WASM loader', () => {
  it('runs the pinned MuJoCo 3.14.0 build', () => {
    expect(mujocoVersion()).toBe('3.14.0');
  });

  it("surfaces MuJoCo's compile message and element for an MJCF that does not compile, then keeps working", () => {
    const bad =
      '<mujoco><worldbody><body name="b"><joint type="wobbly"/><geom size="0.1"/></body></worldbody></mujoco>';
    let err: unknown;
    try {
      compileModel(bad, 'bad-joint');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RxgymError);
    expect((err as Error).message).toMatch(
      /MJCF model "bad-joint" does not compile: .*invalid keyword: 'wobbly'.*Element 'joint', line 1/,
    );
    expect(() => compileModel('<mujoco><worldbody><bogus/></worldbody></mujoco>', 'x')).toThrow(
      /unrecognized element.*Element 'bogus'/,
    );
    expect(() => compileModel('<mujoco><worldbody', 'x')).toThrow(/XML parse error/);
    expect(() =>
      compileModel(
        '<mujoco><worldbody><body><geom type="sphere" size=".1" mass="-3"/></body></worldbody></mujoco>',
        'x',
      ),
    ).toThrow(/mass, inertia or density are negative/);
    // the module survives: a good model compiles and steps
    const m = compileModel(
      '<mujoco><worldbody><body pos="0 0 1"><freejoint/><geom size="0.1"/></body></worldbody></mujoco>',
      'ok',
    );
    const d = createData(m, 'ok');
    for (let i = 0; i < 100; i++) mujoco().mj_step(m, d);
    expect((d.qpos as Float64Array)[2]).toBeLessThan(1);
    deleteData(d);
    m.delete();
  });
});
