import { MONSTERS } from './bestiary.js';
import { dice } from './dice.js';
import type { Game } from './game.js';
import { CORPSE, OBJECTS } from './items.js';
import { mkObj, type Monster } from './level.js';

/** "the newt" / "your kitten". */
export function monName(m: Monster): string {
  return `${m.tame ? 'your' : 'the'} ${MONSTERS[m.kind]!.name}`;
}

/** "The newt" / "Your kitten". */
export function MonName(m: Monster): string {
  const s = monName(m);
  return s[0]!.toUpperCase() + s.slice(1);
}

/** Experience for killing a monster (a simplified form of NetHack's experience()). */
function experience(kind: number): number {
  const k = MONSTERS[kind]!;
  let x = 1 + k.level * k.level;
  if (k.speed >= 18) x += 5;
  else if (k.speed > 12) x += 3;
  if (k.ac < 3) x += 7 - k.ac;
  for (const a of k.attacks) if (a.n * a.d > 23) x += k.level;
  return x;
}

/** Experience needed for the next level (NetHack's newuexp). */
function nextLevelExp(lvl: number): number {
  return lvl < 10 ? 10 * 2 ** lvl : lvl < 20 ? 10000 * 2 ** (lvl - 10) : 10000000 * (lvl - 19);
}

/** Gain experience; level up with the NetHack messages. */
export function gainExp(g: Game, x: number): void {
  g.uexp += x;
  g.urexp += 4 * x;
  while (g.ulevel < 30 && g.uexp >= nextLevelExp(g.ulevel)) {
    g.ulevel++;
    const up = dice(g.rng, 1, 8);
    g.hpmax += up;
    g.hp += up;
    g.pwmax += 1;
    g.pw += 1;
    g.say(`Welcome to experience level ${g.ulevel}.`);
  }
}

/** Remove a dead monster, leave a corpse sometimes. */
export function killMonster(g: Game, m: Monster, byPlayer: boolean): void {
  const lv = g.lv;
  m.dead = true;
  m.hp = 0;
  lv.monAt[m.pos] = null;
  lv.deadCount++;
  const kind = MONSTERS[m.kind]!;
  if (kind.corpse > 0 && g.rng.random() < 0.5) lv.addObj(m.pos, mkObj(CORPSE, 1, m.kind));
  if (byPlayer) {
    if (g.ev.nKilled < g.ev.killed.length) g.ev.killed[g.ev.nKilled++] = m.kind;
    gainExp(g, experience(m.kind));
  }
  g.refresh(m.pos);
}

/** The player attacks monster `m` in melee. */
export function playerAttack(g: Game, m: Monster): void {
  const w = g.wielded;
  const tmp = 1 + MONSTERS[m.kind]!.ac + g.ulevel + (w ? w.spe : 0) + (m.sleep > 0 ? 2 : 0);
  m.sleep = 0;
  if (m.peaceful) {
    m.peaceful = false;
    g.say(`You hit ${monName(m)}!  ${MonName(m)} gets angry!`);
  }
  if (tmp <= g.rng.int(1, 21)) {
    g.say(`You miss ${monName(m)}.`);
    return;
  }
  const dmgDice = w ? (OBJECTS[w.kind]!.dmg ?? [1, 2]) : [1, 2];
  const dmg = Math.max(1, dice(g.rng, dmgDice[0], dmgDice[1]) + (w ? w.spe : 0) + 1);
  m.hp -= dmg;
  if (m.hp <= 0) {
    g.say(`You kill ${monName(m)}!`);
    killMonster(g, m, true);
  } else g.say(`You hit ${monName(m)}.`);
}

/** Monster `m` attacks the player with each of its attacks. */
export function monsterAttack(g: Game, m: Monster): void {
  const k = MONSTERS[m.kind]!;
  for (const a of k.attacks) {
    if (g.dead) return;
    const tmp = 10 + g.ac + k.level;
    if (tmp <= g.rng.int(1, 21)) {
      g.say(`${MonName(m)} misses!`);
      continue;
    }
    if (a.n === 0) {
      g.say(`${MonName(m)} ${a.verb} you!`);
      continue;
    }
    g.say(`${MonName(m)} ${a.verb}!`);
    hurt(g, dice(g.rng, a.n, a.d), `killed by a ${k.name}`);
  }
}

/** Monster `a` attacks monster `b` (pets and their enemies). */
export function monsterFight(g: Game, a: Monster, b: Monster): void {
  const k = MONSTERS[a.kind]!;
  const atk = k.attacks[0];
  if (!atk) return;
  const seen = g.inView[a.pos] === 1 || g.inView[b.pos] === 1;
  b.sleep = 0;
  if (MONSTERS[b.kind]!.ac + 10 + k.level <= g.rng.int(1, 21)) {
    if (seen) g.say(`${MonName(a)} misses ${monName(b)}.`);
    return;
  }
  b.hp -= Math.max(1, dice(g.rng, atk.n, atk.d));
  if (b.hp <= 0) {
    if (seen) g.say(`${MonName(b)} is killed!`);
    killMonster(g, b, false);
  } else if (seen) g.say(`${MonName(a)} ${atk.verb.replace(/s$/, 's')} ${monName(b)}.`);
}

/** Damage the player; handles death and the amulet of life saving. */
export function hurt(g: Game, dmg: number, cause: string): void {
  g.hp -= dmg;
  if (g.hp > 0) return;
  die(g, cause);
}

/** The player dies, unless an amulet of life saving is worn. */
export function die(g: Game, cause: string): void {
  if (g.amulet) {
    g.say('But wait...  Your medallion begins to glow!  You feel much better!  The medallion crumbles to dust!');
    g.useUp(g.amulet);
    g.amulet = null;
    g.hp = g.hpmax;
    return;
  }
  g.hp = 0;
  g.dead = true;
  g.deathCause = cause;
  g.say('You die...');
}
