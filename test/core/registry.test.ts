import { describe, expect, it } from 'vitest';
import { make, parseId, spec, specs, TimeLimit, OrderEnforcing, PassiveEnvChecker, Wrapper } from './support/core.js';
import { RxgymError } from '../../src/core/env.js';
import { EnvRegistry } from '../../src/core/registry.js';
import { AgentRegistry } from '../../src/core/agent.js';

describe('registry', () => {
  it('make applies PassiveEnvChecker, OrderEnforcing and TimeLimit around the raw env', () => {
    const env = make('CartPole-v1');
    expect(env).toBeInstanceOf(TimeLimit);
    const inner = (env as Wrapper).env;
    expect(inner).toBeInstanceOf(OrderEnforcing);
    expect((inner as Wrapper).env).toBeInstanceOf(PassiveEnvChecker);
    expect(make('CartPole-v1', {}, { maxEpisodeSteps: -1 })).toBeInstanceOf(OrderEnforcing);
    expect(env.spec?.id).toBe('CartPole-v1');
  });

  it('unknown ids name the closest registered ids; wrong versions name the versions', () => {
    expect(() => make('Nope-v0')).toThrow(/unknown env id "Nope-v0"; (did you mean|run `rxgym envs`)/);
    expect(() => make('CartPol-v1')).toThrow(/unknown env id "CartPol-v1"; did you mean "CartPole-v1"/);
    expect(() => make('CartPole-v0')).toThrow(
      /env "CartPole-v0" has no such version; registered versions: "CartPole-v1"/,
    );
    expect(() => make('bad id!')).toThrow(/malformed env id/);
  });

  it('an entryPoint that is not a function, or returns no env, is a clear error (was: a TypeError)', () => {
    const envs = new EnvRegistry();
    expect(() => envs.register({ id: 'NoEntry-v0' } as never)).toThrow(
      'env "NoEntry-v0": entryPoint must be a function building the env, e.g. entryPoint: (kw) => new MyEnv(kw)',
    );
    envs.register({ id: 'NoReturn-v0', entryPoint: (() => undefined) as never });
    expect(() => envs.make('NoReturn-v0')).toThrow(RxgymError);
    expect(() => envs.make('NoReturn-v0')).toThrow(
      'env "NoReturn-v0": its entryPoint returned undefined instead of an env; return it, e.g. (kw) => new MyEnv(kw)',
    );
  });

  it('an agent definition lacking type or functions is refused at register (was: a TypeError at startRun)', () => {
    const agents = new AgentRegistry();
    expect(() => agents.register({ type: 'half' } as never)).toThrow(
      'agent "half" lacks rolloutSteps, unsupported, create; build it with defineAgent({ type, params, ... })',
    );
    expect(() => agents.register({} as never)).toThrow(RxgymError);
  });

  it('parses ids and lists specs sorted', () => {
    expect(parseId('ns/Name-v3')).toEqual({ namespace: 'ns', name: 'Name', version: 3 });
    const ids = specs().map((s) => s.id);
    expect(ids).toEqual([...ids].sort((a, b) => a.localeCompare(b)));
    expect(spec('Acrobot-v1').family).toBe('classic');
  });
});
