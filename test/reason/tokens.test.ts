import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { Box, Dict } from '../../src/core/spaces.js';
import { initBackend } from '../../src/tensor/backend.js';
import { ObsEncoder, resolveNetworkConfig } from '../../src/tensor/network.js';
import { ParamStore } from '../../src/tensor/params.js';
import { ReasonArith, ReasonCountdown, ReasonProgram } from '../../envs/reason/index.js';
import { capabilitiesOf } from '../../src/core/capabilities.js';

beforeAll(async () => {
  await initBackend();
});

describe('token keys', () => {
  it('the Reason envs declare every observation key a token key', () => {
    for (const env of [new ReasonArith(), new ReasonCountdown(), new ReasonProgram()]) {
      const keys = Object.keys((env.observationSpace as unknown as Dict).spaces).sort();
      expect(capabilitiesOf(env).tokenKeys).toEqual(keys);
      expect(capabilitiesOf(env).stepLabels).toBe(true);
    }
  });

  it('one shared embedding and one dense layer replace the glyph CNN for 2-D token arrays', () => {
    const env = new ReasonArith();
    const cfg = resolveNetworkConfig({ token: { embedDim: 4, features: 10 } });
    const store = new ParamStore('tok');
    const enc = new ObsEncoder(env.observationSpace, cfg, store, new Rng(1), [], capabilitiesOf(env).tokenKeys);
    expect(enc.featureDim).toBe(10);
    const names = store.snapshot().map((e) => `${e.name} [${e.shape.join(',')}]`);
    // problem 32 + current 32 + choices 16 + steps 80 tokens, 4 numbers each
    expect(names).toEqual(['tok/tokens/embed [2031,4]', 'tok/tokens/fc/W [640,10]', 'tok/tokens/fc/b [10]']);
    const obs = env.reset({ seed: 3 }).obs;
    const batch = Object.fromEntries(Object.entries(obs).map(([k, v]) => [k, { data: v, shape: [] as number[] }]));
    const before = tf.memory().numTensors;
    const f = tf.tidy(() => enc.encode(enc.toTensors(batch, 1)).arraySync());
    expect(tf.memory().numTensors).toBe(before);
    expect(f[0]).toHaveLength(10);
    expect(f[0]!.every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
    store.dispose();
  });

  it('without token keys the encoder is as before (glyph CNN for the 2-D keys, flat ids for the rest)', () => {
    const env = new ReasonArith();
    const store = new ParamStore('old');
    const cfg = resolveNetworkConfig({ glyph: { embedDim: 2, channels: [3], kernel: 3, features: 5 } });
    const enc = new ObsEncoder(env.observationSpace, cfg, store, new Rng(1), []);
    expect(enc.featureDim).toBe(5 + 32 + 32 + 5); // choices and steps through the CNN, problem and current flat
    store.dispose();
  });

  it('a token key must be an integer Box with a finite high', () => {
    const space = new Dict({ ids: new Box(0, 9, [3], 'int32'), pos: new Box(-1, 1, [2], 'float32') });
    const cfg = resolveNetworkConfig({});
    expect(() => new ObsEncoder(space, cfg, new ParamStore('bad'), new Rng(1), [], ['pos'])).toThrow(
      /^observation "pos" is declared a token key but is a float32 Box/,
    );
    const store = new ParamStore('ok');
    expect(new ObsEncoder(space, cfg, store, new Rng(1), [], ['ids']).featureDim).toBe(128 + 2);
    store.dispose();
  });
});
