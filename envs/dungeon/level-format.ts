import { RxgymError } from '../../src/core/env.js';
import { ACTION_NAMES, NAV_ACTIONS } from './engine/actions.js';
import { MONSTER_ID } from './engine/bestiary.js';
import { T } from './engine/consts.js';
import { OBJECT_ALIASES, OBJECT_ID, type ObjClass } from './engine/items.js';

/** A malformed level text: names the line, the column and what was expected. */
export class LevelSyntaxError extends RxgymError {
  constructor(
    readonly line: number,
    readonly column: number,
    what: string,
  ) {
    super(`level text, line ${line}, column ${column}: ${what}`);
    this.name = 'LevelSyntaxError';
  }
}

/** Where an entity goes: a map cell, or a random free floor cell. */
export type Place = { x: number; y: number } | 'random';
/** What an OBJECT line names: one of several kinds, or a random object of a class (or of any class). */
export type ObjChoice = { kinds: number[] } | { cls: ObjClass | 'any' };
/** What a MONSTER line names. */
export type MonChoice = { kinds: number[] } | { random: true };

/** One placed entity, possibly with a probability. */
export type Entity =
  | { type: 'object'; what: ObjChoice; at: Place; qty: number; chance: number }
  | {
      type: 'monster';
      what: MonChoice;
      at: Place;
      attitude: 'hostile' | 'peaceful' | 'tame';
      asleep: boolean;
      chance: number;
    }
  | { type: 'door'; state: T; at: Place; chance: number }
  | { type: 'boulder'; at: Place; chance: number };

/** A reward event as written (targets resolved by the builder). */
export interface EventSpec {
  kind: 'reach' | 'pickup' | 'kill' | 'message' | 'eat';
  cell?: { x: number; y: number } | 'stairs';
  ids?: number[];
  text?: string;
  value: number;
  repeatable: boolean;
  terminal: boolean;
}

/** A parsed level. */
export interface LevelSpec {
  rows: string[];
  lit: boolean;
  start: Place;
  entities: Entity[];
  events: EventSpec[];
  actions: number[];
  pet: boolean;
  /** Legend entries: map character -> entity placed on each occurrence. */
  legend: Map<string, Entity>;
}

/** Built-in map characters and their terrain. */
export const MAP_CHARS: ReadonlyMap<string, T> = new Map([
  [' ', T.STONE],
  ['-', T.WALL],
  ['|', T.WALL],
  ['.', T.FLOOR],
  ['#', T.CORRIDOR],
  ['+', T.DOOR_CLOSED],
  ['<', T.STAIRS_UP],
  ['>', T.STAIRS_DOWN],
  ['{', T.FOUNTAIN],
  ['}', T.WATER],
  ['L', T.LAVA],
  ['^', T.TRAP],
  ['T', T.TREE],
  ['@', T.FLOOR],
  ['0', T.FLOOR],
]);
const CLASSES: readonly string[] = ['food', 'potion', 'scroll', 'wand', 'weapon', 'armor', 'amulet', 'tool', 'gold'];
const DOOR_STATES: Record<string, T> = {
  open: T.DOOR_OPEN,
  closed: T.DOOR_CLOSED,
  locked: T.DOOR_LOCKED,
  broken: T.DOOR_BROKEN,
  nodoor: T.DOORWAY,
};

/** A cursor over one line, tracking the column for errors. */
class Cur {
  pos = 0;
  constructor(
    readonly text: string,
    readonly line: number,
    readonly base: number,
  ) {}
  fail(what: string, at = this.pos): never {
    throw new LevelSyntaxError(this.line, this.base + at + 1, what);
  }
  ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }
  done(): boolean {
    this.ws();
    return this.pos >= this.text.length;
  }
  peekWord(): string {
    this.ws();
    const m = /^[^\s,@]+/.exec(this.text.slice(this.pos));
    return m ? m[0] : '';
  }
  word(what: string): string {
    const w = this.peekWord();
    if (!w) this.fail(`expected ${what}, got ${this.rest()}`);
    this.pos += w.length;
    return w;
  }
  eat(tok: string): boolean {
    this.ws();
    if (this.text.startsWith(tok, this.pos)) {
      this.pos += tok.length;
      return true;
    }
    return false;
  }
  expect(tok: string, what: string): void {
    if (!this.eat(tok)) this.fail(`expected ${what}, got ${this.rest()}`);
  }
  rest(): string {
    const r = this.text.slice(this.pos).trim();
    return r ? `"${r}"` : 'the end of the line';
  }
  number(what: string): number {
    this.ws();
    const m = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/.exec(this.text.slice(this.pos));
    if (!m) this.fail(`expected ${what} (a number), got ${this.rest()}`);
    const v = Number(m[0]);
    if (!Number.isFinite(v)) this.fail(`${what} ${m[0]} is too large`);
    this.pos += m[0].length;
    return v;
  }
  /** A name up to "@", a keyword or the end: several words allowed ("food ration"). */
  name(what: string, stops: readonly string[]): string {
    this.ws();
    const start = this.pos;
    let end = this.pos;
    const words = /\S+/g;
    words.lastIndex = this.pos;
    for (let m = words.exec(this.text); m; m = words.exec(this.text)) {
      if (m[0].startsWith('@') || stops.includes(m[0])) break;
      end = m.index + m[0].length;
    }
    if (end === start) this.fail(`expected ${what}, got ${this.rest()}`);
    this.pos = end;
    return this.text.slice(start, end);
  }
}

function place(c: Cur, w: number, h: number): Place {
  c.expect('@', 'a position "@ x,y" or "@ random"');
  return coords(c, w, h);
}

function coords(c: Cur, w: number, h: number): Place {
  if (c.eat('random')) return 'random';
  const at = (c.ws(), c.pos);
  const x = c.number('a column x');
  c.expect(',', 'a comma between x and y');
  const y = c.number('a row y');
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= w || y >= h)
    c.fail(`position ${x},${y} is outside the ${w}x${h} map (x counts columns from 0, y rows from 0)`, at);
  return { x, y };
}

function choices(
  c: Cur,
  text: string,
  at: number,
  lookup: (s: string) => number | undefined,
  kind: string,
  known: () => string,
): number[] {
  const names =
    text.startsWith('{') && text.endsWith('}')
      ? text
          .slice(1, -1)
          .split(',')
          .map((s) => s.trim())
      : [text];
  return names.map((n) => {
    const id = lookup(n);
    if (id !== undefined) return id;
    // "apple at 1,1": a known name followed by something else is a syntax slip, not an unknown name.
    const words = n.split(' ');
    for (let k = words.length - 1; k > 0; k--) {
      const head = words.slice(0, k).join(' ');
      if (names.length === 1 && lookup(head) !== undefined)
        c.fail(
          `expected a position "@ x,y" or "@ random" after "${head}", got "${words.slice(k).join(' ')}"`,
          at + head.length + 1,
        );
    }
    return c.fail(`unknown ${kind} "${n}"; known ${kind}s: ${known()}`, at);
  });
}

const objLookup = (s: string): number | undefined => OBJECT_ID.get(s) ?? OBJECT_ALIASES.get(s);
const objKnown = (): string => [...OBJECT_ALIASES.keys(), ...OBJECT_ID.keys()].join(', ');
const monKnown = (): string => [...MONSTER_ID.keys()].join(', ');

function objectChoice(c: Cur): ObjChoice {
  const at = (c.ws(), c.pos);
  const text = c.name('an object name, "random" or "random <class>"', ['x']);
  if (text === 'random') return { cls: 'any' };
  if (text.startsWith('random ')) {
    const cls = text.slice(7).trim();
    if (!CLASSES.includes(cls)) c.fail(`unknown object class "${cls}"; classes: ${CLASSES.join(', ')}`, at);
    return { cls: cls as ObjClass };
  }
  return { kinds: choices(c, text, at, objLookup, 'object', objKnown) };
}

function monsterChoice(c: Cur): MonChoice {
  const at = (c.ws(), c.pos);
  const text = c.name('a monster name or "random"', []);
  if (text === 'random') return { random: true };
  return { kinds: choices(c, text, at, (s) => MONSTER_ID.get(s), 'monster', monKnown) };
}

function entity(c: Cur, keyword: string, w: number, h: number, chance: number, legend: boolean): Entity {
  const here: Place = { x: 0, y: 0 };
  switch (keyword) {
    case 'OBJECT': {
      const what = objectChoice(c);
      let qty = 1;
      if (c.eat('x')) {
        const at = (c.ws(), c.pos);
        qty = c.number('a quantity');
        if (!Number.isInteger(qty) || qty < 1) c.fail(`a quantity is a whole number of at least 1, got ${qty}`, at);
      }
      return { type: 'object', what, at: legend ? here : place(c, w, h), qty, chance };
    }
    case 'MONSTER': {
      const what = monsterChoice(c);
      const at = legend ? here : place(c, w, h);
      let attitude: 'hostile' | 'peaceful' | 'tame' = 'hostile';
      let asleep = false;
      while (!c.done()) {
        const p = c.pos;
        const f = c.word('a monster flag');
        if (f === 'peaceful' || f === 'tame' || f === 'hostile') attitude = f;
        else if (f === 'asleep') asleep = true;
        else c.fail(`unknown monster flag "${f}"; flags: hostile, peaceful, tame, asleep`, p);
      }
      return { type: 'monster', what, at, attitude, asleep, chance };
    }
    case 'DOOR': {
      const p = c.pos;
      const s = c.word('a door state');
      if (!(s in DOOR_STATES)) c.fail(`unknown door state "${s}"; states: ${Object.keys(DOOR_STATES).join(', ')}`, p);
      return { type: 'door', state: DOOR_STATES[s]!, at: legend ? here : place(c, w, h), chance };
    }
    case 'BOULDER':
      return { type: 'boulder', at: legend ? here : place(c, w, h), chance };
    default:
      return c.fail(`unknown entity "${keyword}"; expected OBJECT, MONSTER, DOOR or BOULDER`, 0);
  }
}

function reward(c: Cur, w: number, h: number): EventSpec {
  const p = c.pos;
  const kind = c.word('an event kind');
  let ev: EventSpec;
  if (kind === 'reach') {
    if (c.eat('stairs')) ev = { kind, cell: 'stairs', value: 1, repeatable: false, terminal: false };
    else {
      const at = c.pos;
      const x = c.number('a column x or "stairs"');
      c.expect(',', 'a comma between x and y');
      const y = c.number('a row y');
      if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= w || y >= h) {
        c.fail(`position ${x},${y} is outside the ${w}x${h} map (x counts columns from 0, y rows from 0)`, at);
      }
      ev = { kind, cell: { x, y }, value: 1, repeatable: false, terminal: false };
    }
  } else if (kind === 'pickup' || kind === 'eat') {
    const at = (c.ws(), c.pos);
    ev = {
      kind,
      ids: choices(c, c.name('an object name', ['value', 'repeatable', 'terminal']), at, objLookup, 'object', objKnown),
      value: 1,
      repeatable: false,
      terminal: false,
    };
  } else if (kind === 'kill') {
    const at = (c.ws(), c.pos);
    ev = {
      kind,
      ids: choices(
        c,
        c.name('a monster name', ['value', 'repeatable', 'terminal']),
        at,
        (s) => MONSTER_ID.get(s),
        'monster',
        monKnown,
      ),
      value: 1,
      repeatable: false,
      terminal: false,
    };
  } else if (kind === 'message') {
    c.ws();
    const m = /^"([^"]*)"/.exec(c.text.slice(c.pos));
    if (!m) c.fail(`expected a quoted message text, got ${c.rest()}`);
    c.pos += m[0].length;
    ev = { kind, text: m[1]!, value: 1, repeatable: false, terminal: false };
  } else return c.fail(`unknown event kind "${kind}"; kinds: reach, pickup, eat, kill, message`, p);
  while (!c.done()) {
    const q = c.pos;
    const f = c.word('"value N", "repeatable" or "terminal"');
    if (f === 'value') ev.value = c.number('the reward value');
    else if (f === 'repeatable') ev.repeatable = true;
    else if (f === 'terminal') ev.terminal = true;
    else c.fail(`unknown reward option "${f}"; options: value N, repeatable, terminal`, q);
  }
  return ev;
}

/**
 * Parse a level text (see "Dungeon text levels" in README.md); throws LevelSyntaxError with line and column on any
 * mistake.
 */
export function parseLevel(text: string): LevelSpec {
  if (typeof text !== 'string')
    throw new RxgymError('the level must be a string of level text (see "Dungeon text levels" in README.md)');
  const lines = text.split(/\r?\n/);
  const spec: LevelSpec = {
    rows: [],
    lit: true,
    start: 'random',
    entities: [],
    events: [],
    actions: [...NAV_ACTIONS],
    pet: false,
    legend: new Map(),
  };
  let k = 0;
  let sawMap = false;
  let startLine = 0;
  const deferred: Array<{ c: Cur; kw: string; chance: number }> = [];
  while (k < lines.length) {
    const raw = lines[k]!;
    const n = k + 1;
    k++;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed === 'MAP') {
      if (sawMap) throw new LevelSyntaxError(n, 1, 'a second MAP block; a level has exactly one');
      sawMap = true;
      while (k < lines.length && lines[k]!.trim() !== 'ENDMAP') {
        spec.rows.push(lines[k]!.replace(/\s+$/, ''));
        k++;
      }
      if (k >= lines.length) throw new LevelSyntaxError(n, 1, 'MAP block without ENDMAP');
      k++;
      if (spec.rows.length === 0) throw new LevelSyntaxError(n, 1, 'empty MAP block');
      if (spec.rows.length > 21)
        throw new LevelSyntaxError(n + 22, 1, `the map has ${spec.rows.length} rows; at most 21 fit`);
      spec.rows.forEach((r, j) => {
        if (r.length > 79)
          throw new LevelSyntaxError(n + 1 + j, 80, `map row is ${r.length} characters wide; at most 79 fit`);
      });
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon < 0)
      throw new LevelSyntaxError(
        n,
        raw.length - raw.trimStart().length + 1,
        `expected "KEYWORD: ..." (MAP, LIT, START, LEGEND, OBJECT, MONSTER, DOOR, BOULDER, REWARD, ACTIONS, PET, IF ` +
          `n%), got "${trimmed}"`,
      );
    let kw = raw.slice(0, colon).trim();
    const c = new Cur(raw.slice(colon + 1), n, colon + 1);
    let chance = 1;
    const ifm = /^IF\s+(\d+(?:\.\d+)?)%$/.exec(kw);
    if (ifm) {
      chance = Number(ifm[1]) / 100;
      if (chance > 1) throw new LevelSyntaxError(n, raw.indexOf(ifm[1]!) + 1, `IF ${ifm[1]}%: chances go up to 100%`);
      const kwAt = c.pos;
      kw = c.word('an entity keyword after IF n%:').replace(/:$/, '');
      if (!['OBJECT', 'MONSTER', 'DOOR', 'BOULDER'].includes(kw))
        c.fail(`IF n%: applies to OBJECT, MONSTER, DOOR or BOULDER, not "${kw}"`, kwAt);
    }
    switch (kw) {
      case 'LIT': {
        const v = c.word('yes or no');
        if (v !== 'yes' && v !== 'no') c.fail(`LIT takes yes or no, got "${v}"`, 0);
        spec.lit = v === 'yes';
        break;
      }
      case 'PET':
        spec.pet = c.word('yes or no') === 'yes';
        break;
      case 'ACTIONS': {
        const names: number[] = [];
        while (!c.done()) {
          const p = c.pos;
          const a = c.word('an action name');
          const id = (ACTION_NAMES as readonly string[]).indexOf(a);
          if (id < 0) c.fail(`unknown action "${a}"; actions: ${ACTION_NAMES.join(', ')}`, p);
          names.push(id);
        }
        if (names.length === 0) c.fail('ACTIONS needs at least one action name');
        spec.actions = names;
        break;
      }
      case 'LEGEND': {
        const p = (c.ws(), c.pos);
        const ch = c.text[c.pos];
        if (!ch || MAP_CHARS.has(ch))
          c.fail(
            ch
              ? `"${ch}" is a built-in map character; pick another character for the legend`
              : 'expected a map character',
            p,
          );
        c.pos++;
        c.expect('=', '"=" after the legend character');
        const ekw = c.word('OBJECT, MONSTER, DOOR or BOULDER').replace(/:$/, '');
        spec.legend.set(ch, entity(c, ekw, 0, 0, 1, true));
        break;
      }
      case 'START':
        if (startLine) {
          const what = `a second START line; a level has one start (the first is on line ${startLine})`;
          throw new LevelSyntaxError(n, indent(raw), what);
        }
        startLine = n;
        deferred.push({ c, kw, chance });
        break;
      case 'OBJECT':
      case 'MONSTER':
      case 'DOOR':
      case 'BOULDER':
      case 'REWARD':
        deferred.push({ c, kw, chance });
        break;
      default:
        throw new LevelSyntaxError(
          n,
          raw.length - raw.trimStart().length + 1,
          `unknown keyword "${kw}"; keywords: MAP, LIT, START, LEGEND, OBJECT, MONSTER, DOOR, BOULDER, REWARD, ` +
            `ACTIONS, PET, IF n%`,
        );
    }
    if (!['OBJECT', 'MONSTER', 'DOOR', 'BOULDER', 'REWARD', 'START', 'LEGEND', 'ACTIONS'].includes(kw) && !c.done())
      c.fail(`unexpected ${c.rest()}`);
  }
  if (!sawMap) throw new LevelSyntaxError(lines.length, 1, 'no MAP ... ENDMAP block; a level needs a map');
  const h = spec.rows.length,
    w = Math.max(...spec.rows.map((r) => r.length));
  spec.rows.forEach((r, y) => {
    for (let x = 0; x < r.length; x++) {
      const ch = r[x]!;
      if (!MAP_CHARS.has(ch) && !spec.legend.has(ch))
        throw new LevelSyntaxError(
          mapLine(lines, y),
          x + 1,
          `unknown map character "${ch}"; built-ins are ` +
            `${[...MAP_CHARS.keys()].map((s) => JSON.stringify(s)).join(' ')}, others need a LEGEND line`,
        );
      if (ch === '@') {
        const line = mapLine(lines, y);
        const both = 'the map has "@" and the level also has a START line; use one';
        if (startLine) throw new LevelSyntaxError(line, x + 1, both);
        if (spec.start !== 'random') {
          const first = `${spec.start.x},${spec.start.y}`;
          throw new LevelSyntaxError(line, x + 1, `a second "@"; a map has one start (the first is at ${first})`);
        }
        spec.start = { x, y };
      }
      if (ch === '0') spec.entities.push({ type: 'boulder', at: { x, y }, chance: 1 });
    }
  });
  if (!spec.rows.some((r) => [...r].some((ch) => isFloor(ch, spec.legend)))) {
    throw new LevelSyntaxError(mapLine(lines, -1), 1, 'the map has no floor cell ("." or "#") for the player');
  }
  for (const d of deferred) {
    if (d.kw === 'START') spec.start = start(d.c, spec.rows, w, h);
    else if (d.kw === 'REWARD') spec.events.push(reward(d.c, w, h));
    else spec.entities.push(entity(d.c, d.kw, w, h, d.chance, false));
    if (!d.c.done()) d.c.fail(`unexpected ${d.c.rest()}`);
  }
  const hasStairs = spec.rows.some((r) => r.includes('>'));
  if (spec.events.length === 0) {
    if (!hasStairs)
      throw new LevelSyntaxError(lines.length, 1, 'the level has no REWARD line and no ">" stairs; add a goal');
    spec.events.push({ kind: 'reach', cell: 'stairs', value: 1, repeatable: false, terminal: true });
  }
  if (spec.events.some((e) => e.cell === 'stairs') && !hasStairs)
    throw new LevelSyntaxError(lines.length, 1, '"reach stairs" needs a ">" in the map');
  return spec;
}

/** Where the player cannot start, by map character. */
const NO_START: ReadonlyMap<string, string> = new Map([
  [' ', 'solid rock'],
  ['-', 'a wall'],
  ['|', 'a wall'],
  ['+', 'a closed door'],
  ['}', 'water'],
  ['L', 'lava'],
  ['T', 'a tree'],
  ['0', 'a boulder'],
]);

/** A START position: a map cell where the player can stand. */
function start(c: Cur, rows: readonly string[], w: number, h: number): Place {
  const at = (c.ws(), c.pos);
  const p = coords(c, w, h);
  if (p === 'random') return p;
  const ch = rows[p.y]![p.x] ?? ' ';
  const what = NO_START.get(ch);
  if (what) c.fail(`START ${p.x},${p.y} is on ${what} ("${ch}"); the player starts where it can stand, e.g. "."`, at);
  return p;
}

/** True when the map character `ch` is floor or corridor (a legend character is floor underneath). */
function isFloor(ch: string, legend: ReadonlyMap<string, Entity>): boolean {
  const t = MAP_CHARS.get(ch) ?? (legend.has(ch) ? T.FLOOR : undefined);
  return t === T.FLOOR || t === T.CORRIDOR;
}

/** The column (1-based) of the first non-blank character of `raw`. */
function indent(raw: string): number {
  return raw.length - raw.trimStart().length + 1;
}

function mapLine(lines: string[], row: number): number {
  return lines.findIndex((l) => l.trim() === 'MAP') + 2 + row;
}
