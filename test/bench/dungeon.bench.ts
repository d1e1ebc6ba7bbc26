/**
 * Dungeon speed: steps/s of a random agent (actions drawn up front) through `make` (passive checker,
 * OrderEnforcing, TimeLimit), resetting on episode end. Targets (issue 3): Room-15x15 with
 * ['glyphs_crop', 'blstats', 'message'] >= 1,000,000 steps/s; all observation keys >= 200,000; Score-v0
 * (monsters, items, levels) with crops >= 200,000. NLE's published figure is ~20,000 steps/s.
 * Steps per CPU-second (process.cpuUsage) is reported beside wall-clock steps/s: on a shared, loaded machine
 * the wall figure mostly measures the other processes.
 * Vitest runs the TypeScript sources through its module transform, where every imported binding (const enums
 * included) becomes a getter lookup; that costs the dungeon's hot loops 3-4x. Users run the tsc build, so when
 * dist/ exists (`npm run build` first) the same loop is also timed on the compiled package.
 * Run: npm run build && npx vitest bench --run --config test/vitest.config.ts test/bench/dungeon.bench.ts
 */
import { existsSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { afterAll, bench, describe } from 'vitest';
import { make } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import type { Env } from '../../src/core/env.js';
import type { Discrete } from '../../src/core/spaces.js';
import { registerAll } from '../../envs/index.js';
import { OBS_KEYS } from '../../envs/dungeon/obs.js';

registerAll();

const STEPS = 20_000;
const CASES: Array<[string, string, Record<string, unknown>]> = [
  [
    'Room-15x15, glyphs_crop+blstats+message',
    'Dungeon-Room-15x15-v0',
    { observationKeys: ['glyphs_crop', 'blstats', 'message'] },
  ],
  ['Room-15x15, all keys', 'Dungeon-Room-15x15-v0', { observationKeys: [...OBS_KEYS] }],
  [
    'Score, glyphs_crop+chars_crop+blstats+message',
    'Dungeon-Score-v0',
    { observationKeys: ['glyphs_crop', 'chars_crop', 'blstats', 'message'] },
  ],
  ['Score, all keys', 'Dungeon-Score-v0', { observationKeys: [...OBS_KEYS] }],
  [
    'MazeWalk-45x19, glyphs_crop+blstats+message',
    'Dungeon-MazeWalk-45x19-v0',
    { observationKeys: ['glyphs_crop', 'blstats', 'message'] },
  ],
];

type MakeFn = (id: string, kwargs: Record<string, unknown>) => Env<unknown, unknown>;

function runner(id: string, kwargs: Record<string, unknown>, mk: MakeFn = make): () => void {
  const env = mk(id, kwargs) as Env<unknown, number>;
  const n = (env.actionSpace as Discrete).n;
  const rng = new Rng(0);
  const actions = Int32Array.from({ length: 1 << 16 }, () => rng.int(0, n));
  let k = 0;
  env.reset({ seed: 0 });
  return () => {
    for (let t = 0; t < STEPS; t++) {
      const r = env.step(actions[k++ & 0xffff]!);
      if (r.terminated || r.truncated) env.reset();
    }
  };
}

/** Garbage collections during 1M random steps in a 15x15 room that never ends (zero means no per-step allocation). */
async function allocationCheck(builds: Array<[string, MakeFn]>): Promise<string[]> {
  const row = `|${'.'.repeat(15)}|`;
  const level = [
    'MAP',
    '-'.repeat(17),
    ...Array<string>(15).fill(row),
    '-'.repeat(17),
    'ENDMAP',
    'REWARD: kill newt value 1',
  ].join('\n');
  let gcs = 0;
  const obs = new PerformanceObserver((l) => {
    gcs += l.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  const out: string[] = [];
  for (const [build, mk] of builds) {
    const env = mk('Dungeon-Custom-v0', { level, observationKeys: ['glyphs_crop', 'blstats', 'message'] }) as Env<
      unknown,
      number
    >;
    env.reset({ seed: 0 });
    // The env's own `unwrapped` (the dist build has its own Wrapper class, so `unwrap` from src cannot see through it).
    const inner = ((env as unknown as { unwrapped?: unknown }).unwrapped ?? env) as { game: { nutrition: number } };
    inner.game.nutrition = 1e9;
    const rng = new Rng(1);
    const actions = Int32Array.from({ length: 1 << 16 }, () => rng.int(0, 8));
    for (let t = 0; t < 100_000; t++) env.step(actions[t & 0xffff]!);
    await new Promise((r) => setTimeout(r, 20));
    const before = gcs;
    for (let t = 0; t < 1_000_000; t++) env.step(actions[t & 0xffff]!);
    await new Promise((r) => setTimeout(r, 20));
    out.push(`${build.padEnd(7)}garbage collections during 1,000,000 steps (no reset): ${gcs - before}`);
  }
  obs.disconnect();
  return out;
}

const DIST = new URL('../../dist/src/index.js', import.meta.url);

const report: string[] = [];
afterAll(async () => {
  // A plain timed loop as well, so the figure is steps/s rather than iterations/s.
  const builds: Array<[string, MakeFn]> = [['vitest', make]];
  if (existsSync(DIST)) builds.push(['dist', ((await import(DIST.href)) as { make: MakeFn }).make]);
  for (const [build, mk] of builds)
    for (const [name, id, kw] of CASES) {
      const run = runner(id, kw, mk);
      run();
      const reps = 10;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let i = 0; i < reps; i++) run();
      const wall = (performance.now() - t0) / 1000;
      const cu = process.cpuUsage(c0);
      const cpu = (cu.user + cu.system) / 1e6;
      const fmt = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(10);
      report.push(
        `${build.padEnd(7)}${name.padEnd(50)} ${fmt((reps * STEPS) / wall)} steps/s wall  ` +
          `${fmt((reps * STEPS) / cpu)} steps per CPU-second`,
      );
    }
  report.push(...(await allocationCheck(builds)));
  console.log(`dungeon steps/s (one core, ${STEPS} steps per iteration):\n${report.join('\n')}`);
}, 600_000);

describe(`dungeon: ${STEPS} random steps per iteration`, () => {
  for (const [name, id, kw] of CASES) bench(name, runner(id, kw), { time: 1000 });
});
