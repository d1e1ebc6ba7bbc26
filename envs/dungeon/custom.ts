import type { Rng } from '../../src/core/rng.js';
import { RxgymError } from '../../src/core/env.js';
import { COLS, ROWS, T } from './engine/consts.js';
import { DungeonEnv } from './env.js';
import type { LevelMaker } from './engine/game.js';
import { mkObj, Level } from './engine/level.js';
import { type Entity, type LevelSpec, MAP_CHARS, parseLevel, type Place } from './level-format.js';
import { mkMonster, randomMonsterKind, randomObject } from './engine/populate.js';
import type { LevelEvent } from './reward.js';
import type { TaskSpec } from './tasks.js';

interface Placed {
  ox: number;
  oy: number;
}

function cellOf(p: { x: number; y: number }, o: Placed): number {
  return (o.oy + p.y) * COLS + o.ox + p.x;
}

function freeCell(lv: Level, rng: Rng, cells: number[]): number {
  for (let tries = 0; tries < 500; tries++) {
    const i = cells[rng.int(0, cells.length)]!;
    if (!lv.monAt[i] && !lv.boulder[i]) return i;
  }
  return -1;
}

function apply(lv: Level, rng: Rng, e: Entity, at: number, free: number[], avoid: number): void {
  if (e.chance < 1 && rng.random() >= e.chance) return;
  let cell = at;
  if (cell < 0) {
    cell = freeCell(
      lv,
      rng,
      free.filter((c) => c !== avoid),
    );
    if (cell < 0) return;
  }
  if (e.type === 'object') {
    const o =
      'kinds' in e.what
        ? mkObj(e.what.kinds[rng.int(0, e.what.kinds.length)]!, e.qty)
        : randomObject(rng, e.what.cls === 'any' ? undefined : e.what.cls);
    if ('kinds' in e.what) o.qty = e.qty;
    lv.addObj(cell, o);
  } else if (e.type === 'monster') {
    if (lv.monAt[cell] || cell === avoid) return;
    const kind = 'kinds' in e.what ? e.what.kinds[rng.int(0, e.what.kinds.length)]! : randomMonsterKind(rng, 1);
    lv.addMonster(
      mkMonster(kind, cell, rng, {
        tame: e.attitude === 'tame',
        peaceful: e.attitude === 'peaceful' || undefined,
        asleep: e.asleep,
      }),
    );
  } else if (e.type === 'door') lv.set(cell, e.state);
  else lv.boulder[cell] = 1;
}

/** The level maker of a parsed level: the map centred on the 21x79 screen, random parts drawn per episode. */
export function customLevel(spec: LevelSpec): { make: LevelMaker; origin: Placed } {
  const h = spec.rows.length,
    w = Math.max(...spec.rows.map((r) => r.length));
  const o: Placed = { ox: Math.floor((COLS - w) / 2), oy: Math.floor((ROWS - h) / 2) };
  const make: LevelMaker = (depth, rng) => {
    const lv = Level.create(depth);
    const free: number[] = [];
    const legendAt: Array<[Entity, number]> = [];
    spec.rows.forEach((row, y) => {
      for (let x = 0; x < row.length; x++) {
        const ch = row[x]!;
        const i = cellOf({ x, y }, o);
        const t = MAP_CHARS.get(ch) ?? T.FLOOR;
        lv.set(i, t);
        lv.lit[i] = spec.lit ? 1 : 0;
        if (t === T.FLOOR || t === T.CORRIDOR) free.push(i);
        if (t === T.STAIRS_DOWN) lv.down = i;
        if (t === T.STAIRS_UP) lv.up = i;
        if (t === T.FOUNTAIN) lv.fountains++;
        const le = spec.legend.get(ch);
        if (le) legendAt.push([le, i]);
      }
    });
    const start = spec.start === 'random' ? freeCell(lv, rng, free) : cellOf(spec.start, o);
    for (const [e, i] of legendAt) apply(lv, rng, e, i, free, start);
    for (const e of spec.entities)
      apply(lv, rng, e, e.at === 'random' ? -1 : cellOf(e.at as Exclude<Place, 'random'>, o), free, start);
    lv.finishTerrain();
    return { level: lv, start };
  };
  return { make, origin: o };
}

/** Build `Dungeon-Custom-v0` from `{ level: text, ...options }`. */
export function makeCustom(kwargs: Record<string, unknown>): DungeonEnv {
  const { level, ...opts } = kwargs;
  if (typeof level !== 'string') {
    throw new RxgymError(
      'Dungeon-Custom-v0 needs a level text: make("Dungeon-Custom-v0", { level: "MAP\\n...\\nENDMAP" }); the format ' +
        'is described under "Dungeon text levels" in README.md',
    );
  }
  const spec = parseLevel(level);
  const { make, origin } = customLevel(spec);
  let stairs = -1;
  spec.rows.forEach((r, y) => {
    const x = r.indexOf('>');
    if (x >= 0 && stairs < 0) stairs = cellOf({ x, y }, origin);
  });
  const events: LevelEvent[] = [];
  for (const e of spec.events) {
    if (e.kind === 'reach')
      events.push({
        kind: 'reach',
        target: e.cell === 'stairs' ? stairs : cellOf(e.cell!, origin),
        value: e.value,
        repeatable: e.repeatable,
        terminal: e.terminal,
      });
    else if (e.kind === 'message')
      events.push({
        kind: 'message',
        target: e.text!.toLowerCase(),
        value: e.value,
        repeatable: e.repeatable,
        terminal: e.terminal,
      });
    else
      for (const id of e.ids!)
        events.push({ kind: e.kind, target: id, value: e.value, repeatable: e.repeatable, terminal: e.terminal });
  }
  const task: TaskSpec = {
    name: 'Custom',
    actions: spec.actions,
    maxSteps: 1000,
    reward: 'custom',
    setup: () => ({ makeLevel: make, pet: spec.pet, spawnRate: 0, kit: false }),
    doc: 'a level written in the text level format',
  };
  return new DungeonEnv(task, opts, events);
}
