import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Box, Discrete } from '../../src/core/spaces.js';
import { initBackend, setBackendLogger } from '../../src/tensor/backend.js';
import { buildRewardStack, registerAllSources, type RewardComponentConfig, type RewardContext } from '../../rewards/index.js';
import { makeBatch } from './batch.js';

registerAllSources();
beforeAll(async () => { setBackendLogger(() => {}); await initBackend(); });

const ctx: RewardContext = { envId: 'T', observationSpace: new Box(-10, 10, [3]), actionSpace: new Discrete(3), numEnvs: 2, seed: 5 };
const cfg: RewardComponentConfig[] = [
  { source: 'extrinsic' }, { source: 'count', weight: 0.1 }, { source: 'rnd', normalize: 'rms' }, { source: 'noveld', normalize: 'minmax' },
  { source: 'e3b' }, { source: 'oni', model: 'classification', annotator: 'rubric', trainSteps: 4 },
];
const MSGS = ['You kill the newt!', 'You miss the newt.', '', 'Welcome to experience level 2.', 'You hear a jackal howling.'];
function batch(offset: number) {
  const T = 6, N = 2;
  const f = (t: number, i: number) => [((t + offset) * 3 + i) % 5, (t + i) % 2, offset % 3];
  return makeBatch({
    obs: Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => f(t, i))),
    next: Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => f(t + 1, i))),
    messages: Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => MSGS[(t + i + offset) % MSGS.length]!)),
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
      const ra = a.annotate(batch(3)), rb = b.annotate(batch(3));
      for (const name of a.componentNames) expect(Array.from(rb.components[name]!.scaled)).toEqual(Array.from(ra.components[name]!.scaled));
      const c = buildRewardStack([{ source: 'extrinsic' }], ctx);
      expect(() => c.load(dir)).toThrow(/holds components \[count, e3b, extrinsic, noveld, oni, rnd\] but the scenario has \[extrinsic\]/);
      a.dispose(); b.dispose(); c.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
