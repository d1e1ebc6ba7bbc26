import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Box, Discrete } from '../../src/core/spaces.js';
import { initBackend, setBackendLogger } from '../../src/tensor/backend.js';
import { type RewardComponentConfig, type RewardContext } from '../../rewards/index.js';
import { makeBatch } from './batch.js';
import { buildRewardStack } from '../support/registry.js';
beforeAll(async () => {
  setBackendLogger(() => {});
  await initBackend();
});

const ctx: RewardContext = {
  envId: 'T',
  observationSpace: new Box(-10, 10, [3]),
  actionSpace: new Discrete(3),
  numEnvs: 2,
  seed: 5,
};
const cfg: RewardComponentConfig[] = [
  { source: 'extrinsic' },
  { source: 'count', weight: 0.1 },
  { source: 'rnd', normalize: 'rms' },
  { source: 'noveld', normalize: 'minmax' },
  { source: 'e3b' },
  { source: 'oni', model: 'classification', annotator: 'rubric', trainSteps: 4 },
];
const MSGS = [
  'You kill the newt!',
  'You miss the newt.',
  '',
  'Welcome to experience level 2.',
  'You hear a jackal howling.',
];
function batch(offset: number) {
  const T = 6,
    N = 2;
  const f = (t: number, i: number) => [((t + offset) * 3 + i) % 5, (t + i) % 2, offset % 3];
  return makeBatch({
    obs: Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => f(t, i))),
    next: Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => f(t + 1, i))),
    messages: Array.from({ length: T }, (_, t) =>
      Array.from({ length: N }, (_, i) => MSGS[(t + i + offset) % MSGS.length]!),
    ),
    actions: Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => (t + i) % 3)),
    episodeIds: Array.from({ length: T }, (_, t) => Array.from({ length: N }, () => (offset + t > 8 ? 1 : 0))),
    globalStep: offset * 12,
  });
}

describe('reward stack checkpoints', () => {
  it('a stack loaded from save() annotates the next batch exactly as the original', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxgym-stack-'));
    try {
      const a = buildRewardStack(cfg, ctx);
      for (let k = 0; k < 3; k++) await a.update(a.annotate(batch(k)));
      a.save(dir);
      const b = buildRewardStack(cfg, { ...ctx, seed: 99 });
      b.load(dir);
      const ra = a.annotate(batch(3)),
        rb = b.annotate(batch(3));
      for (const name of a.componentNames)
        expect(Array.from(rb.components[name]!.scaled)).toEqual(Array.from(ra.components[name]!.scaled));
      // Networks, Adam moments and minibatch RNGs were restored: training goes on identically (ONI aside, whose
      // labels arrive in the background).
      await a.update(ra);
      await b.update(rb);
      const ra2 = a.annotate(batch(4)),
        rb2 = b.annotate(batch(4));
      for (const name of ['count', 'rnd', 'noveld', 'e3b']) {
        expect(Array.from(rb2.components[name]!.scaled)).toEqual(Array.from(ra2.components[name]!.scaled));
      }
      // Weights and optimizer moments are in the binary file, not in the JSON as number lists.
      const saved = JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as { meta: { state: unknown } };
      const at = (...path: (string | number)[]): unknown =>
        path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], saved.meta.state);
      const ref = (...path: (string | number)[]) => ({ $weights: `/${path.join('/')}` });
      const rnd = ['components', 'rnd', 'source', 'predictor', 'weights', 0, 'data'];
      const e3b = ['components', 'e3b', 'source', 'nets', 'adam', 'entries', 0, 'data'];
      expect([at(...rnd), at(...e3b)]).toEqual([ref(...rnd), ref(...e3b)]);
      expect(statSync(join(dir, 'stack.bin')).size).toBeGreaterThan(100_000);
      const c = buildRewardStack([{ source: 'extrinsic' }], ctx);
      expect(() => c.load(dir)).toThrow(
        /holds components \[count, e3b, extrinsic, noveld, oni, rnd\] but the scenario has \[extrinsic\]/,
      );
      a.dispose();
      b.dispose();
      c.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
