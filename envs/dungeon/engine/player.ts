import { Act } from './actions.js';
import { die, MonName, monName, playerAttack, hurt } from './combat.js';
import { dice } from './dice.js';
import { COLS, DX, DY, T } from './consts.js';
import { eat, objName, quaff, read, zap } from './effects.js';
import { freeNear, type Game } from './game.js';
import { GOLD, OBJECTS } from './items.js';
import type { Level, Monster, Obj } from './level.js';

const AUTOPICKUP = new Set(['gold', 'potion', 'scroll', 'wand', 'amulet']);

/** Neighbour of `pos` in direction `d`, or -1 off the map. */
export function neighbour(pos: number, d: number): number {
  const y = ((pos / COLS) | 0) + DY[d]!,
    x = (pos % COLS) + DX[d]!;
  return y < 0 || y >= 21 || x < 0 || x >= COLS ? -1 : y * COLS + x;
}

/** Run one player action; returns true when it took game time. */
export function playerAct(g: Game, a: number): boolean {
  switch (a) {
    case Act.N:
    case Act.E:
    case Act.S:
    case Act.W:
    case Act.NE:
    case Act.SE:
    case Act.SW:
    case Act.NW:
      return move(g, a);
    case Act.WAIT:
    case Act.SEARCH:
      return true;
    case Act.UP:
      return stairs(g, true);
    case Act.DOWN:
      return stairs(g, false);
    case Act.PICKUP:
      return pickup(g, false);
    case Act.DROP:
      return drop(g);
    case Act.EAT:
      return doEat(g);
    case Act.QUAFF:
      return doQuaff(g);
    case Act.READ:
      return withItem(g, 'scroll', 'read', read);
    case Act.ZAP:
      return withItem(g, 'wand', 'zap', zap);
    case Act.WIELD:
      return wield(g);
    case Act.WEAR:
      return wear(g);
    case Act.OPEN:
      return openClose(g, true);
    case Act.CLOSE:
      return openClose(g, false);
    case Act.KICK:
      return kick(g);
    case Act.APPLY:
      return apply(g);
    default:
      return false;
  }
}

function move(g: Game, d: number): boolean {
  const lv = g.lv;
  const to = neighbour(g.pos, d);
  g.lastDir = d;
  if (to < 0) {
    g.say('You cannot pass the edge of the map.');
    return false;
  }
  const t = lv.terrain[to]!;
  const diag = d >= 4;
  const m = lv.monAt[to];
  if (m) {
    if (m.tame) return swapPet(g, m, to);
    if (m.peaceful) {
      g.say(`You stop.  ${MonName(m)} is in your way.`);
      return false;
    }
    playerAttack(g, m);
    return true;
  }
  if (t === T.WALL || t === T.STONE) {
    g.say(t === T.WALL ? "It's a wall." : "It's solid stone.");
    return false;
  }
  if (t === T.TREE) {
    g.say("It's a tree.");
    return false;
  }
  if (t === T.DOOR_LOCKED) {
    g.say('This door is locked.');
    return false;
  }
  if (t === T.DOOR_CLOSED) {
    if (diag) {
      g.say("You can't move diagonally into a doorway.");
      return false;
    }
    if (g.rng.random() < 0.8) {
      lv.change(to, T.DOOR_OPEN);
      g.say('The door opens.');
      g.viewChanged();
    } else g.say('The door is stuck.');
    return true;
  }
  if (diag && (t === T.DOOR_OPEN || lv.terrain[g.pos] === T.DOOR_OPEN)) {
    g.say(
      t === T.DOOR_OPEN
        ? "You can't move diagonally into a doorway."
        : "You can't move diagonally out of an intact doorway.",
    );
    return false;
  }
  if (lv.boulder[to] && !pushBoulder(g, to, d)) return false;
  g.moveTo(to);
  arrive(g);
  return true;
}

function swapPet(g: Game, m: Monster, to: number): boolean {
  const lv = g.lv;
  const from = g.pos;
  lv.monAt[to] = null;
  m.pos = from;
  lv.monAt[from] = m;
  g.moveTo(to);
  g.say(`You swap places with ${monName(m)}.`);
  arrive(g);
  return true;
}

function pushBoulder(g: Game, at: number, d: number): boolean {
  const lv = g.lv;
  const beyond = neighbour(at, d);
  const bt = beyond < 0 ? T.STONE : lv.terrain[beyond]!;
  const blocked =
    beyond < 0 ||
    bt === T.WALL ||
    bt === T.STONE ||
    bt === T.TREE ||
    bt === T.DOOR_CLOSED ||
    bt === T.DOOR_LOCKED ||
    lv.boulder[beyond] ||
    lv.monAt[beyond] ||
    (d >= 4 && (bt === T.DOOR_OPEN || bt === T.DOORWAY || bt === T.DOOR_BROKEN));
  if (blocked) {
    g.say(
      lv.boulder[beyond]
        ? "You try to move the boulder, but in vain.  Perhaps that's why you cannot move past it."
        : 'You try to move the boulder, but in vain.',
    );
    return false;
  }
  lv.boulder[at] = 0;
  if (bt === T.WATER) {
    lv.change(beyond, T.FLOOR);
    g.say('There is a large splash as the boulder fills the pool.');
  } else if (bt === T.LAVA) {
    lv.change(beyond, T.FLOOR);
    g.say('The boulder fills a pool of molten lava.');
  } else {
    lv.boulder[beyond] = 1;
    g.say('With great effort you move the boulder.');
  }
  lv.invalidateView();
  g.refresh(at);
  g.refresh(beyond);
  return true;
}

/** What the player notices on arriving at a cell: hazards, stairs, objects (with autopickup). */
function arrive(g: Game): void {
  const lv = g.lv;
  const t = lv.terrain[g.pos]!;
  if (t === T.WATER) {
    g.say('You fall into the water!  You sink like a rock.');
    die(g, 'drowned in a pool of water');
    return;
  }
  if (t === T.LAVA) {
    g.say('You fall into the lava!  You burn to a crisp.');
    die(g, 'burned by molten lava');
    return;
  }
  if (t === T.TRAP) {
    g.say('An arrow shoots out at you!  You are hit by an arrow.');
    hurt(g, dice(g.rng, 1, 6), 'killed by an arrow trap');
  } else if (t === T.STAIRS_DOWN) g.say('There is a staircase down here.');
  else if (t === T.STAIRS_UP) g.say('There is a staircase up here.');
  else if (t === T.FOUNTAIN) g.say('There is a fountain here.');
  else if (t === T.DOOR_BROKEN) g.say('There is a broken door here.');
  const pile = lv.objs[g.pos];
  if (!pile || pile.length === 0) return;
  if (pile.some((o) => AUTOPICKUP.has(OBJECTS[o.kind]!.cls))) pickup(g, true);
  const rest = lv.objs[g.pos];
  if (!rest || rest.length === 0) return;
  g.say(rest.length === 1 ? `You see here ${objName(rest[0]!)}.` : 'There are several objects here.');
}

function pickup(g: Game, auto: boolean): boolean {
  const lv = g.lv;
  const pile = lv.objs[g.pos];
  if (!pile || pile.length === 0) {
    g.say(
      lv.terrain[g.pos] === T.STAIRS_DOWN || lv.terrain[g.pos] === T.STAIRS_UP
        ? 'There is nothing here to pick up but the stairs.'
        : 'There is nothing here to pick up.',
    );
    return false;
  }
  for (let k = pile.length - 1; k >= 0; k--) {
    const o = pile[k]!;
    if (auto && !AUTOPICKUP.has(OBJECTS[o.kind]!.cls)) continue;
    pile.splice(k, 1);
    if (g.ev.nPicked < g.ev.picked.length) g.ev.picked[g.ev.nPicked++] = o.kind;
    if (o.kind === GOLD) {
      g.gold += o.qty;
      g.say(`${o.qty} gold piece${o.qty === 1 ? '' : 's'}.`);
      continue;
    }
    const held = g.give(o);
    if (!held) {
      pile.push(o);
      g.say('You cannot carry any more.');
      break;
    }
    g.say(`${held.letter} - ${objName(held)}.`);
  }
  g.refresh(g.pos);
  return true;
}

function drop(g: Game): boolean {
  for (let k = g.inv.length - 1; k >= 0; k--) {
    const o = g.inv[k]!;
    if (o === g.armor.body || o === g.armor.head || o === g.armor.shield || o === g.amulet) continue;
    g.inv.splice(k, 1);
    if (g.wielded === o) g.wielded = null;
    g.invDirty = true;
    g.lv.addObj(g.pos, o);
    g.say(`You drop ${objName(o)}.`);
    g.refresh(g.pos);
    return true;
  }
  g.say("You don't have anything to drop.");
  return false;
}

function doEat(g: Game): boolean {
  const pile = g.lv.objs[g.pos];
  if (pile) {
    for (let k = pile.length - 1; k >= 0; k--) {
      const o = pile[k]!;
      if (OBJECTS[o.kind]!.cls === 'food') {
        g.say(`There is ${objName(o)} here; you eat it.`);
        eat(g, o, g.pos);
        return true;
      }
    }
  }
  const o = firstOf(g, 'food');
  if (!o) {
    g.say("You don't have anything to eat.");
    return false;
  }
  eat(g, o, -1);
  return true;
}

function doQuaff(g: Game): boolean {
  const o = firstOf(g, 'potion');
  if (o) {
    quaff(g, o);
    return true;
  }
  if (g.lv.terrain[g.pos] === T.FOUNTAIN) {
    const r = g.rng.random();
    if (r < 0.5) g.say('The cool draught refreshes you.');
    else if (r < 0.8) g.say('This tepid water is tasteless.');
    else {
      g.say("This water's no good!  You feel sick.");
      hurt(g, dice(g.rng, 1, 3), 'contaminated water');
    }
    g.nutrition += 10;
    return true;
  }
  g.say("You don't have anything to drink.");
  return false;
}

/** The first inventory item of a class (other than `skip`); a plain loop, as closures would allocate per action. */
function firstOf(g: Game, cls: string, skip: Obj | null = null): Obj | undefined {
  for (const x of g.inv) if (x !== skip && OBJECTS[x.kind]!.cls === cls) return x;
  return undefined;
}

// Item users take (g, o) rather than closing over g: a closure here would allocate on every action.
function withItem(g: Game, cls: string, verb: string, use: (g: Game, o: Obj) => void): boolean {
  const o = firstOf(g, cls);
  if (!o) {
    g.say(`You don't have anything to ${verb}.`);
    return false;
  }
  use(g, o);
  return true;
}

function wield(g: Game): boolean {
  const o = firstOf(g, 'weapon', g.wielded);
  if (!o) {
    g.say(g.wielded ? `You are already wielding ${objName(g.wielded)}.` : "You don't have anything to wield.");
    return false;
  }
  g.wielded = o;
  g.invDirty = true;
  g.say(`${o.letter} - ${objName(o)} (weapon in hand).`);
  return true;
}

function wear(g: Game): boolean {
  for (const o of g.inv) {
    const k = OBJECTS[o.kind]!;
    if (k.cls === 'amulet' && !g.amulet) {
      g.amulet = o;
      g.invDirty = true;
      g.say(`${o.letter} - ${objName(o)} (being worn).  You are now wearing an amulet.`);
      return true;
    }
    if (
      k.cls === 'armor' &&
      k.slot &&
      !g.armor[k.slot] &&
      g.armor.body !== o &&
      g.armor.head !== o &&
      g.armor.shield !== o
    ) {
      g.armor[k.slot] = o;
      g.invDirty = true;
      g.say(`You finish your dressing maneuver.  ${o.letter} - ${objName(o)} (being worn).`);
      return true;
    }
  }
  g.say("You don't have anything else to wear.");
  return false;
}

function openClose(g: Game, open: boolean): boolean {
  const lv = g.lv;
  for (let d = 0; d < 4; d++) {
    const i = neighbour(g.pos, d);
    if (i < 0) continue;
    const t = lv.terrain[i]!;
    if (open && t === T.DOOR_LOCKED) {
      g.say('This door is locked.');
      return false;
    }
    if (open && t === T.DOOR_CLOSED) {
      if (g.rng.random() < 0.8) {
        lv.change(i, T.DOOR_OPEN);
        g.say('The door opens.');
        g.viewChanged();
      } else g.say('The door is stuck.');
      return true;
    }
    if (!open && t === T.DOOR_OPEN) {
      if (lv.monAt[i] || (lv.objs[i]?.length ?? 0) > 0) {
        g.say("Something's in the way.");
        return false;
      }
      lv.change(i, T.DOOR_CLOSED);
      g.say('The door closes.');
      g.viewChanged();
      return true;
    }
  }
  g.say(open ? 'You see no door there to open.' : 'You see no door there to close.');
  return false;
}

function kick(g: Game): boolean {
  const lv = g.lv;
  for (let d = 0; d < 8; d++) {
    const i = neighbour(g.pos, d);
    const m = i >= 0 ? lv.monAt[i] : null;
    if (m && !m.tame && !m.peaceful) {
      g.say(`You kick ${monName(m)}.`);
      playerAttack(g, m);
      return true;
    }
  }
  for (let d = 0; d < 4; d++) {
    const i = neighbour(g.pos, d);
    if (i < 0) continue;
    const t = lv.terrain[i]!;
    if (t === T.DOOR_CLOSED || t === T.DOOR_LOCKED) {
      if (g.rng.random() < 0.35) {
        lv.change(i, T.DOOR_BROKEN);
        g.say('WHAMM!!  As you kick the door, it crashes open!');
        g.viewChanged();
      } else g.say('WHAMM!!');
      return true;
    }
  }
  const i = neighbour(g.pos, g.lastDir);
  if (i >= 0 && (lv.terrain[i] === T.WALL || lv.boulder[i])) {
    g.say('Ouch!  That hurts!');
    hurt(g, 1, 'kicking a wall');
    return true;
  }
  g.say('You kick at empty space.');
  return true;
}

function apply(g: Game): boolean {
  const key = firstOf(g, 'tool');
  if (!key) {
    g.say(g.inv.length ? "Sorry, I don't know how to use that." : "You don't have anything to use or apply.");
    return false;
  }
  const lv = g.lv;
  for (let d = 0; d < 4; d++) {
    const i = neighbour(g.pos, d);
    if (i < 0) continue;
    if (lv.terrain[i] === T.DOOR_LOCKED) {
      lv.change(i, T.DOOR_CLOSED);
      g.refresh(i);
      g.say('You succeed in unlocking the door.');
      return true;
    }
  }
  for (let d = 0; d < 4; d++) {
    const i = neighbour(g.pos, d);
    if (i >= 0 && lv.terrain[i] === T.DOOR_CLOSED) {
      lv.change(i, T.DOOR_LOCKED);
      g.refresh(i);
      g.say('You succeed in locking the door.');
      return true;
    }
  }
  g.say('There is no door here to unlock.');
  return false;
}

function stairs(g: Game, up: boolean): boolean {
  const t = g.lv.terrain[g.pos];
  if (up ? t !== T.STAIRS_UP : t !== T.STAIRS_DOWN) {
    g.say(up ? "You can't go up here." : "You can't go down here.");
    return false;
  }
  if (up && g.depth === 1) {
    g.say('Climbing out of the dungeon would end your quest; you stay.');
    return false;
  }
  changeLevel(g, g.depth + (up ? -1 : 1), up ? 'down' : 'up');
  return true;
}

/** Move the player to another depth, arriving on the `arriveOn` stairs (or anywhere when falling). */
export function changeLevel(g: Game, depth: number, arriveOn: 'up' | 'down' | 'any'): void {
  const old = g.lv;
  let pet: Monster | undefined;
  for (const m of old.monsters) {
    if (
      m.tame &&
      !m.dead &&
      Math.max(Math.abs(((m.pos / COLS) | 0) - ((g.pos / COLS) | 0)), Math.abs((m.pos % COLS) - (g.pos % COLS))) <= 1
    ) {
      pet = m;
      break;
    }
  }
  if (pet) {
    old.monAt[pet.pos] = null;
    old.monsters.splice(old.monsters.indexOf(pet), 1);
  }
  let lv = g.levels[depth];
  let start = -1;
  if (!lv) {
    const b = g.levelAt(depth);
    lv = b.level;
    start = b.start;
    g.levels[depth] = lv;
  }
  const pos =
    arriveOn === 'up' && lv.up >= 0
      ? lv.up
      : arriveOn === 'down' && lv.down >= 0
        ? lv.down
        : start >= 0
          ? start
          : randomFloor(g, lv);
  g.enterLevel(lv, pos, pet);
  if (pet) g.say(`You take ${monName(pet)} with you.`);
  const t = lv.terrain[pos];
  if (t === T.STAIRS_UP && arriveOn !== 'any') g.say('There is a staircase up here.');
  else if (t === T.STAIRS_DOWN && arriveOn !== 'any') g.say('There is a staircase down here.');
  g.say(`You enter dungeon level ${depth}.`);
}

function randomFloor(g: Game, lv: Level): number {
  for (let tries = 0; tries < 2000; tries++) {
    const i = g.rng.int(0, lv.terrain.length);
    if (lv.terrain[i] === T.FLOOR && !lv.monAt[i] && !lv.boulder[i]) return i;
  }
  const spot = freeNear(lv, lv.up >= 0 ? lv.up : 0, g.rng);
  return spot >= 0 ? spot : 0;
}
