import { describe, expect, it } from 'vitest';
import { checkEnv } from '../../src/core/checker/check-env.js';
import { make, specs } from '../../src/core/registry.js';
import { registerAll } from '../../envs/index.js';
import { Rng } from '../../src/core/rng.js';
import type { Discrete } from '../../src/core/spaces.js';
import { isDescribed, type Env } from '../../src/core/env.js';
import { unwrap } from '../../src/core/wrapper.js';
import { FlattenObservation, RecordEpisodeStatistics } from '../../src/core/wrappers/index.js';
import type { DungeonEnv } from '../../envs/dungeon/env.js';

registerAll();
const LEVEL = ['MAP', '-----', '|.>.|', '|...|', '-----', 'ENDMAP'].join('\n');
const ids = specs()
  .filter((s) => s.family === 'dungeon')
  .map((s) => s.id);

describe('every dungeon task passes checkEnv', () => {
  it('registers the tasks of the issue', () => {
    for (const id of [
      'Dungeon-Room-5x5-v0',
      'Dungeon-Room-15x15-v0',
      'Dungeon-Room-Random-5x5-v0',
      'Dungeon-Room-Dark-15x15-v0',
      'Dungeon-Room-Monster-5x5-v0',
      'Dungeon-Corridor-R3-v0',
      'Dungeon-Corridor-R5-v0',
      'Dungeon-KeyRoom-S5-v0',
      'Dungeon-KeyRoom-S15-v0',
      'Dungeon-MazeWalk-9x9-v0',
      'Dungeon-MazeWalk-15x15-v0',
      'Dungeon-MazeWalk-45x19-v0',
      'Dungeon-River-v0',
      'Dungeon-Eat-v0',
      'Dungeon-Gold-v0',
      'Dungeon-Scout-v0',
      'Dungeon-Score-v0',
      'Dungeon-Staircase-v0',
      'Dungeon-StaircaseLvl3-v0',
      'Dungeon-StaircaseLvl4-v0',
      'Dungeon-Oracle-v0',
      'Dungeon-Custom-v0',
    ]) {
      expect(ids).toContain(id);
    }
  });
  for (const id of ids) {
    it(id, () => {
      const env = make(id, id === 'Dungeon-Custom-v0' ? { level: LEVEL } : {});
      const findings = checkEnv(env);
      expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    });
  }
});

function hash(o: Record<string, ArrayLike<number>>): number {
  let h = 2166136261;
  for (const k of Object.keys(o).sort()) {
    const a = o[k]!;
    for (let i = 0; i < a.length; i++) h = Math.imul(h ^ (a[i]! & 0xffff), 16777619);
  }
  return h >>> 0;
}

function run(
  env: Env<Record<string, ArrayLike<number>>, number>,
  seed: number,
  n: number,
): { obs: number[]; rewards: number[]; msgs: string[] } {
  const obs: number[] = [hash(env.reset({ seed }).obs)];
  const rng = new Rng(seed + 5);
  const rewards: number[] = [],
    msgs: string[] = [];
  for (let t = 0; t < n; t++) {
    const r = env.step(env.actionSpace.sample(rng) as number);
    obs.push(hash(r.obs));
    rewards.push(r.reward);
    msgs.push(r.info.message as string);
    if (r.terminated || r.truncated) env.reset();
  }
  return { obs, rewards, msgs };
}

describe('determinism by seed', () => {
  for (const id of [
    'Dungeon-Score-v0',
    'Dungeon-Corridor-R5-v0',
    'Dungeon-Room-Monster-15x15-v0',
    'Dungeon-River-v0',
  ]) {
    it(`${id}: same seed, same trajectory; other seed, other trajectory`, () => {
      const keys = ['glyphs', 'blstats', 'message', 'inv_strs', 'glyphs_crop'];
      const a = run(make(id, { observationKeys: keys }), 7, 300);
      const b = run(make(id, { observationKeys: keys }), 7, 300);
      const c = run(make(id, { observationKeys: keys }), 8, 300);
      expect(b).toEqual(a);
      expect(c.obs).not.toEqual(a.obs);
    });
  }
});

describe('observations, info and state', () => {
  it('computes only the requested keys, with NLE shapes', () => {
    const env = make('Dungeon-Room-15x15-v0', { observationKeys: ['glyphs_crop', 'blstats', 'message'], cropSize: 5 });
    const { obs } = env.reset({ seed: 1 }) as { obs: Record<string, ArrayLike<number>> };
    expect(Object.keys(obs).sort()).toEqual(['blstats', 'glyphs_crop', 'message']);
    expect(obs.glyphs_crop!.length).toBe(25);
    expect(obs.blstats!.length).toBe(27);
    expect(obs.message!.length).toBe(256);
  });
  it('reuses the observation arrays between steps (no per-step allocation of observations)', () => {
    const env = make('Dungeon-Room-15x15-v0', {});
    const o1 = (env.reset({ seed: 1 }).obs as Record<string, unknown>).glyphs;
    const o2 = (env.step(0).obs as Record<string, unknown>).glyphs;
    expect(o2).toBe(o1);
  });
  it('wrappers that replace obs or info in the reused step result: each step still reports its own', () => {
    // RecordEpisodeStatistics puts a new info (with `episode`) into the result at an episode's end, and
    // FlattenObservation its own obs array: the env's next step must not hand those back (stale episode, crash)
    const limited = make('Dungeon-KeyRoom-S5-v0', { observationKeys: ['blstats'] }, { maxEpisodeSteps: 20 });
    const env = new RecordEpisodeStatistics(limited);
    env.reset({ seed: 1 });
    let ends = 0,
      reported = 0;
    for (let t = 0; t < 100; t++) {
      const r = env.step(t % 8);
      if (r.info.episode) reported++;
      if (r.terminated || r.truncated) {
        ends++;
        env.reset();
      }
    }
    expect(ends).toBeGreaterThan(1);
    expect(reported).toBe(ends);
    const flat = new FlattenObservation(make('Dungeon-KeyRoom-S5-v0', { observationKeys: ['blstats'] }));
    const first = flat.reset({ seed: 1 }).obs.slice();
    for (let t = 0; t < 5; t++) expect(flat.step(0).obs).toHaveLength(first.length);
  });
  it('blstats follow NLE order: x, y, ..., hp, hpmax, depth, gold, ..., time, hunger', () => {
    const env = make('Dungeon-Score-v0', { observationKeys: ['blstats'] });
    const b = env.reset({ seed: 3 }).obs as unknown as { blstats: Int32Array };
    const g = (unwrap(env) as DungeonEnv).game;
    expect(b.blstats[0]).toBe(g.pos % 79);
    expect(b.blstats[1]).toBe(Math.floor(g.pos / 79));
    expect(b.blstats[10]).toBe(g.hp);
    expect(b.blstats[11]).toBe(g.hpmax);
    expect(b.blstats[12]).toBe(1);
    expect(b.blstats[20]).toBe(g.time);
  });
  it('sets info.message on every step and encodes it into the message array', () => {
    const env = make('Dungeon-Room-5x5-v0', { observationKeys: ['message', 'chars'] });
    env.reset({ seed: 0 });
    let walls = 0;
    for (let t = 0; t < 40; t++) {
      const r = env.step(t % 4);
      expect(typeof r.info.message).toBe('string');
      const m = (r.obs as unknown as { message: Uint8Array }).message;
      const text = Buffer.from(m.subarray(0, m.indexOf(0) < 0 ? 256 : m.indexOf(0))).toString('latin1');
      expect(text).toBe(r.info.message);
      if (r.info.message === "It's a wall.") {
        walls++;
        expect(r.reward).toBeCloseTo(-0.01);
      }
      if (r.terminated) break;
    }
    expect(walls).toBeGreaterThan(0);
  });
  it('state() and describeState() give JSON for reward code', () => {
    const env = make('Dungeon-Score-v0');
    env.reset({ seed: 2 });
    expect(isDescribed(unwrap(env))).toBe(true);
    const d = unwrap(env) as DungeonEnv;
    const s = d.state();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(s.player.hp).toBeGreaterThan(0);
    expect(s.inventory.map((i) => i.text)).toContain('a +1 dagger (weapon in hand)');
    expect(s.monsters.some((m) => m.attitude === 'tame')).toBe(true);
    expect(d.describeState()).toContain('interface DungeonState');
  });
  it('produces varied messages over a random walk in the dungeon', () => {
    const env = make('Dungeon-Score-v0', { observationKeys: ['blstats'] });
    const seen = new Set<string>();
    for (let s = 0; s < 6; s++) {
      env.reset({ seed: s });
      const rng = new Rng(s);
      for (let t = 0; t < 600; t++) {
        const r = env.step(rng.int(0, 24));
        for (const part of (r.info.message as string).split('  ')) if (part) seen.add(part.replace(/\d+/g, 'N'));
        if (r.terminated || r.truncated) break;
      }
    }
    expect(seen.size).toBeGreaterThan(40);
  });
});

describe('renderers', () => {
  it('ansi: coloured map with status lines', () => {
    const env = make('Dungeon-Room-5x5-v0', { renderMode: 'ansi' });
    env.reset({ seed: 0 });
    const s = env.render() as string;
    expect(s).toContain('\x1b[');
    expect(s).toContain('Dlvl:1');
    expect(s).toContain('@');
  });
  it('rgb_array: 8x8 tiles, the player drawn', () => {
    const env = make('Dungeon-Room-5x5-v0', { renderMode: 'rgb_array' });
    env.reset({ seed: 0 });
    const f = env.render() as { width: number; height: number; data: Uint8Array };
    expect(f.width).toBe(79 * 8);
    expect(f.height).toBe(21 * 8);
    expect(f.data.length).toBe(f.width * f.height * 3);
    expect(f.data.some((v) => v === 255)).toBe(true);
  });
});

describe('info.success', () => {
  it('tasks with a goal report it every step; Gold, Eat, Score and Scout pay a quantity and report none', () => {
    for (const [id, goal] of [
      ['Dungeon-Room-5x5-v0', true],
      ['Dungeon-StaircaseLvl3-v0', true],
      ['Dungeon-Oracle-v0', true],
      ['Dungeon-Score-v0', false],
      ['Dungeon-Scout-v0', false],
      ['Dungeon-Gold-v0', false],
      ['Dungeon-Eat-v0', false],
    ] as const) {
      const env = make<unknown, number>(id);
      const reset = env.reset({ seed: 1 });
      const rng = new Rng(2);
      const infos = [reset.info];
      for (let t = 0; t < 30; t++) {
        const r = env.step(rng.int(0, (env.actionSpace as Discrete).n));
        infos.push(r.info);
        if (r.terminated || r.truncated) infos.push(env.reset().info);
      }
      for (const info of infos) expect(typeof info.success === 'boolean', `${id} ${JSON.stringify(info)}`).toBe(goal);
      expect(
        infos.every((i) => typeof i.message === 'string'),
        id,
      ).toBe(true);
      env.close();
    }
  });
});

describe('vector envs', () => {
  it("same-step autoreset keeps the terminal step's info.success and message in finalInfo", async () => {
    const { makeVec } = await import('../../src/core/vector/sync.js');
    const level = ['MAP', '----', '|@>|', '----', 'ENDMAP', 'ACTIONS: east west'].join('\n');
    const venv = makeVec('Dungeon-Custom-v0', { numEnvs: 2, autoresetMode: 'same-step', kwargs: { level } });
    venv.reset({ seed: 0 });
    const r = venv.step(Int32Array.from([0, 1]));
    expect(Array.from(r.terminations)).toEqual([1, 0]);
    const final = (r.infos.finalInfo as unknown[])[0] as { success: boolean; message: string };
    expect(final.success).toBe(true);
    expect(final.message).toBe('There is a staircase down here.');
    expect((r.infos.message as unknown[])[0]).toContain('welcome');
    expect((r.infos.message as unknown[])[1]).toBe("It's a wall.");
    venv.close();
  });
});
