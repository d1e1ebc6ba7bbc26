import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeCustom } from '../../envs/dungeon/custom.js';
import type { DungeonEnv } from '../../envs/dungeon/env.js';
import { parseLevel } from '../../envs/dungeon/level-format.js';
import { OBJECTS } from '../../envs/dungeon/engine/items.js';
import { Rng } from '../../src/core/rng.js';
import { explore } from './explorer.js';

// The level format is documented in README.md ("Dungeon text levels"); its examples must parse and run.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const doc = readme.slice(readme.indexOf('### Dungeon text levels'), readme.indexOf('### MuJoCo worlds'));
const examples = doc
  .slice(doc.indexOf('#### Examples'))
  .split('```')
  .filter((_, i) => i % 2 === 1)
  .map((b) => b.replace(/^\n/, ''));

describe('text level format', () => {
  it("the README's level format section has four examples and each one parses and runs", () => {
    expect(examples.length).toBe(4);
    for (const text of examples) {
      const env = makeCustom({ level: text, observationKeys: ['chars', 'message'] });
      env.reset({ seed: 1 });
      const rng = new Rng(2);
      for (let t = 0; t < 100; t++) if (env.step(rng.int(0, env.actionSpace.n)).terminated) env.reset();
    }
  });
  it('the map is centred and the "@" is the start', () => {
    const env = makeCustom({ level: examples[0]! });
    env.reset({ seed: 0 });
    const text = Array.from({ length: 21 }, (_, y) =>
      String.fromCharCode(...env.game.dchars.subarray(y * 79, y * 79 + 79)),
    ).join('\n');
    expect(text).toContain('|@....|');
    expect(text).toContain('|....>|');
  });
  it('key room example: the explorer solves it and the key pays 0.2', () => {
    const env = makeCustom({ level: examples[1]!, observationKeys: ['blstats'] });
    let ok = 0;
    for (let s = 0; s < 5; s++) if (explore(env, 'stairs', s, 300).success) ok++;
    expect(ok).toBe(5);
    env.reset({ seed: 0 });
    const g = env.game;
    const keyCell = g.lv.objs.findIndex((p) => p !== null && p.length > 0);
    g.moveTo(keyCell);
    const r = env.step(env.task.actions.indexOf(12));
    expect(r.info.message).toBe('a - a skeleton key.');
    expect(r.reward).toBeCloseTo(0.2);
    expect(r.terminated).toBe(false);
  });
  it('random choices vary with the seed; IF n% sometimes places, sometimes not', () => {
    const spec = parseLevel(examples[2]!);
    expect(spec.lit).toBe(false);
    const env = makeCustom({ level: examples[2]! });
    const foods = new Set<string>();
    let potions = 0;
    for (let s = 0; s < 30; s++) {
      env.reset({ seed: s });
      const st = env.game.lv.objs.flatMap((p) => p ?? []).map((o) => o.kind);
      for (const k of st) if (OBJECTS[k]!.cls === 'food') foods.add(OBJECTS[k]!.name);
      if (st.some((k) => OBJECTS[k]!.cls === 'potion')) potions++;
    }
    expect(foods.size).toBe(3);
    expect(potions).toBeGreaterThan(5);
    expect(potions).toBeLessThan(25);
  });
  it('kill events are repeatable; the message event is terminal with success', () => {
    const lvl = [
      'MAP',
      '-----',
      '|...|',
      '-----',
      'ENDMAP',
      'MONSTER: newt @ 2,0 asleep',
      'ACTIONS: east west eat',
      'REWARD: kill newt value 0.5 repeatable',
      'REWARD: message "you kill" value 2 terminal',
    ].join('\n');
    const env = makeCustom({ level: lvl });
    env.reset({ seed: 0 });
    const g = env.game;
    g.moveTo(1 + 79 * 9 + 37);
    let total = 0,
      success = false;
    for (let t = 0; t < 60 && !success; t++) {
      const here = g.pos;
      const m = g.lv.monsters[0];
      if (!m) break;
      const r = env.step(m.pos > here ? 0 : 1);
      total += r.reward;
      success = r.info.success as boolean;
      if (r.terminated) break;
    }
    expect(success).toBe(true);
    expect(total).toBeGreaterThan(2.4);
  });
  it('boulders fill water: the river example is crossable by the explorer', () => {
    const env = makeCustom({ level: examples[3]!, observationKeys: ['blstats'] });
    const r = explore(env, 'stairs', 0, 300);
    expect(r.success).toBe(true);
  });
});
