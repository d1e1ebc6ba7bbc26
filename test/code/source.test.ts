import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Box, Discrete } from '../../src/core/spaces.js';
import type { TransitionBatch } from '../../src/stream/batch.js';
import { createCodeSource, RewardCodeError } from '../../rewards/code/index.js';
import type { RewardContext } from '../../rewards/registry.js';
import type { RewardEvent } from '../../src/core/reward.js';
import { buildRewardStack } from '../support/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'rxgym-code-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ctx: RewardContext = {
  envId: 'Test-v0',
  observationSpace: new Box(-1, 1, [2]),
  actionSpace: new Discrete(3),
  numEnvs: 2,
  seed: 0,
};

/** 2 steps x 2 envs; env 1's state at step 1 makes `x === 3`. */
function batch(): TransitionBatch {
  const s = [{ x: 0 }, { x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }, { x: 5 }];
  return {
    numSteps: 2,
    numEnvs: 2,
    obs: { obs: { data: new Float32Array(8), shape: [2] } },
    nextObs: { obs: { data: new Float32Array(8), shape: [2] } },
    actions: new Int32Array([0, 1, 2, 0]),
    actionDim: 1,
    rewards: new Float32Array([0, 0, 0, 1]),
    terminations: new Uint8Array(4),
    truncations: new Uint8Array(4),
    globalStep: 0,
    episodeIds: new Int32Array(4),
    episodeSteps: new Int32Array([0, 0, 1, 1]),
    prevStates: [s[0], s[1], s[2], s[3]],
    nextStates: [s[2], s[3], s[4], s[5]],
  };
}
const FLAKY =
  'export function reward(p: any, a: number, n: any) {\n  if (n.x === 3) throw new Error("boom");\n  return { total: ' +
  'n.x + a, components: { pos: n.x } };\n}';

describe('code reward source', () => {
  it('runs a module file through the reward stack and asks for states', () => {
    const file = join(dir, 'r.ts');
    writeFileSync(
      file,
      'export function reward(p: { x: number }, a: number, n: { x: number }) { return n.x - p.x + a; }',
    );
    const stack = buildRewardStack([{ source: 'code', file, weight: 2 }], ctx);
    expect(stack.needsStates).toBe(true);
    const out = stack.annotate(batch());
    expect(Array.from(out.components.code!.raw)).toEqual([2, 3, 4, 2]);
    expect(Array.from(out.total)).toEqual([4, 6, 8, 4]);
    stack.dispose();
  });

  it('fails at build time with the key path for a missing file, a syntax error or a bad policy', () => {
    expect(() => buildRewardStack([{ source: 'code', file: join(dir, 'nope.ts') }], ctx)).toThrow(
      /rewards\[0\]\.file: cannot read reward module .*ENOENT/,
    );
    expect(() => buildRewardStack([{ source: 'code', code: 'export function reward( {' }], ctx)).toThrow(
      /rewards\[0\]: .*syntax error/,
    );
    expect(() => buildRewardStack([{ source: 'code', code: FLAKY, onError: 'ignore' }], ctx)).toThrow(
      /rewards\[0\]\.onError: must be one of stop, zero, skip/,
    );
    expect(() => buildRewardStack([{ source: 'code' }], ctx)).toThrow(/exactly one of `file/);
  });

  it('onError stop: the run stops with the explained error', () => {
    const src = createCodeSource({ source: 'code', code: FLAKY }, ctx);
    expect(() => src.compute(batch())).toThrow(RewardCodeError);
    expect(() => src.compute(batch())).toThrow(/inline-reward\.ts:2:.*boom on transition 1.*onError: stop/s);
    src.dispose();
  });

  it('onError zero: failures score 0, count in the statistics, and are reported as events', () => {
    const src = createCodeSource({ source: 'code', code: FLAKY, onError: 'zero' }, ctx);
    const events: RewardEvent[] = [];
    src.events$.subscribe((e) => events.push(e));
    expect(Array.from(src.compute(batch()))).toEqual([2, 0, 6, 5]);
    expect(events.map((e) => e.kind)).toEqual(['error', 'info']);
    expect(events[0]!.data).toMatchObject({ kind: 'exception', count: 1, policy: 'zero' });
    expect(src.componentStats().total).toMatchObject({ count: 4, min: 0, max: 6 });
    expect(src.componentStats().pos).toMatchObject({ count: 3, min: 2, max: 5 });
    expect(src.errorRate()).toEqual({ errors: 1, transitions: 4 });
    src.dispose();
  });

  it('onError skip: failures score 0 but are left out of the statistics', () => {
    const src = createCodeSource({ source: 'code', code: FLAKY, onError: 'skip' }, ctx);
    expect(Array.from(src.compute(batch()))).toEqual([2, 0, 6, 5]);
    expect(src.componentStats().total).toMatchObject({ count: 3, min: 2, max: 6 });
    src.dispose();
  });

  it('says what is missing when the batch carries no states', () => {
    const src = createCodeSource({ source: 'code', code: 'export function reward() { return 1; }' }, ctx);
    const b = batch();
    delete b.prevStates;
    expect(() => src.compute(b)).toThrow(/needs env states.*state\(\)\/describeState\(\)/);
    src.dispose();
  });
});
