import { MONSTERS } from './bestiary.js';
import { gainExp, hurt, killMonster, monName, MonName } from './combat.js';
import { dice } from './dice.js';
import { COLS, DX, DY, NCELLS, T, opaque } from './consts.js';
import type { Game } from './game.js';
import { Hunger } from './game.js';
import { CORPSE, OBJECTS } from './items.js';
import type { Obj } from './level.js';

/** "a dagger" / "an apple" / "3 apples" / "a newt corpse". */
export function objName(o: Obj): string {
  const base = o.kind === CORPSE ? `${MONSTERS[o.corpseOf]?.name ?? 'unknown'} corpse` : OBJECTS[o.kind]!.name;
  if (o.qty > 1) return `${o.qty} ${plural(base)}`;
  const spe =
    (OBJECTS[o.kind]!.cls === 'weapon' || OBJECTS[o.kind]!.cls === 'armor') && o.spe !== 0
      ? `${o.spe > 0 ? '+' : ''}${o.spe} `
      : '';
  const word = spe + base;
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

function plural(s: string): string {
  if (s.startsWith('potion of ') || s.startsWith('scroll of ') || s.startsWith('wand of ')) {
    const i = s.indexOf(' of ');
    return `${s.slice(0, i)}s${s.slice(i)}`;
  }
  if (s === 'gold piece') return 'gold pieces';
  return s.endsWith('s') ? s : `${s}s`;
}

/** Update the hunger state from nutrition, with NetHack's messages on each change. */
export function updateHunger(g: Game): void {
  const n = g.nutrition;
  const h =
    n > 1000
      ? Hunger.SATIATED
      : n > 150
        ? Hunger.NOT_HUNGRY
        : n > 50
          ? Hunger.HUNGRY
          : n > 0
            ? Hunger.WEAK
            : Hunger.FAINTING;
  if (h === g.hunger) return;
  const worse = h > g.hunger;
  g.hunger = h;
  if (h === Hunger.HUNGRY) g.say(worse ? 'You are beginning to feel hungry.' : 'You only feel hungry now.');
  else if (h === Hunger.WEAK) g.say(worse ? 'You are beginning to feel weak.' : 'You feel weak now.');
  else if (h === Hunger.FAINTING) g.say('You faint from lack of food.');
  else if (h === Hunger.NOT_HUNGRY && !worse) g.say('You are no longer hungry.');
}

const FORTUNES = [
  'They say that a dungeon is a nice place to visit.',
  'Never trust a newt.',
  'The stairs down are always further than they look.',
  'They say that the Oracle knows more than she tells.',
  'Gold is heavy; knowledge is not.',
];

/** Eat `o` (from the floor when `floorCell` >= 0). */
export function eat(g: Game, o: Obj, floorCell: number): void {
  const k = OBJECTS[o.kind]!;
  let nut = k.nutrition ?? 0;
  if (o.kind === CORPSE) {
    const m = MONSTERS[o.corpseOf]!;
    nut = m.corpse;
    g.say(
      m.name === 'lichen' || m.name === 'jackal' || m.name === 'little dog'
        ? `This ${m.name} corpse is delicious!`
        : `This ${m.name} corpse tastes terrible!`,
    );
  } else if (k.name === 'apple') g.say('Delicious!  Must be a Macintosh!');
  else if (k.name === 'carrot') g.say('This carrot is delicious!');
  else if (k.name === 'fortune cookie')
    g.say(`This cookie has a scrap of paper inside.  It reads: "${FORTUNES[g.rng.int(0, FORTUNES.length)]!}"`);
  else if (k.name === 'food ration')
    g.say(g.hunger >= Hunger.HUNGRY ? 'That food really hit the spot!' : 'This food ration is bland.');
  else g.say(`This ${k.name} is delicious!`);
  if (g.nutrition + nut > 2000) g.say("You're having a hard time getting all of it down.");
  g.nutrition += nut;
  g.ev.ateKind = o.kind;
  g.say(`You finish eating the ${o.kind === CORPSE ? `${MONSTERS[o.corpseOf]!.name} corpse` : k.name}.`);
  if (floorCell >= 0) {
    const pile = g.lv.objs[floorCell]!;
    o.qty--;
    if (o.qty <= 0) pile.splice(pile.indexOf(o), 1);
    g.refresh(floorCell);
  } else g.useUp(o);
  updateHunger(g);
}

function heal(g: Game, n: number, raise: number): void {
  g.hp += n;
  if (g.hp > g.hpmax) {
    g.hpmax += raise;
    g.hp = g.hpmax;
  }
}

/** Drink potion `o`. */
export function quaff(g: Game, o: Obj): void {
  const name = OBJECTS[o.kind]!.name;
  g.useUp(o);
  switch (name) {
    case 'potion of healing':
      heal(g, dice(g.rng, 6, 4), 1);
      g.say('You feel better.');
      break;
    case 'potion of extra healing':
      heal(g, dice(g.rng, 6, 8), 2);
      g.say('You feel much better.');
      break;
    case 'potion of gain level':
      g.say('You feel more experienced.');
      gainExp(g, Math.max(1, (g.ulevel < 10 ? 10 * 2 ** g.ulevel : 10000) - g.uexp));
      break;
    case 'potion of booze':
      g.say('Ooph!  This tastes like liquid fire!  You feel somewhat dizzy.');
      g.nutrition += 10;
      break;
    case 'potion of sickness':
      g.say('Yecch!  This stuff tastes like poison.');
      hurt(g, dice(g.rng, 1, 6), 'poisoned by a potion of sickness');
      break;
    default:
      g.say('This tastes like water.');
      g.nutrition += 1;
  }
}

function lightArea(g: Game, r: number): void {
  const cy = (g.pos / COLS) | 0,
    cx = g.pos % COLS;
  for (let y = Math.max(0, cy - r); y <= Math.min(20, cy + r); y++) {
    for (let x = Math.max(0, cx - r); x <= Math.min(COLS - 1, cx + r); x++) {
      const i = y * COLS + x;
      g.lv.lit[i] = 1;
      g.lv.tglyph[i] = g.lv.terrainGlyph(i);
    }
  }
  g.viewChanged();
}

/** Teleport the player to a random free floor cell of the level. */
export function teleport(g: Game): void {
  const lv = g.lv;
  for (let tries = 0; tries < 500; tries++) {
    const i = g.rng.int(0, NCELLS);
    if (lv.terrain[i] === T.FLOOR && !lv.monAt[i] && !lv.boulder[i]) {
      g.moveTo(i);
      return;
    }
  }
}

/** Read scroll `o`. */
export function read(g: Game, o: Obj): void {
  const name = OBJECTS[o.kind]!.name;
  g.useUp(o);
  g.say('As you read the scroll, it disappears.');
  switch (name) {
    case 'scroll of light':
      g.say('A lit field surrounds you!');
      lightArea(g, 5);
      break;
    case 'scroll of teleportation':
      g.say('You feel disoriented for a moment.');
      teleport(g);
      break;
    case 'scroll of magic mapping': {
      const lv = g.lv;
      for (let i = 0; i < NCELLS; i++) {
        const t = lv.terrain[i]!;
        if (t !== T.STONE && lv.mem[i] === 0) {
          lv.mem[i] = lv.tglyph[i] === 8 && !lv.lit[i] ? 9 : lv.tglyph[i]!;
          if (lv.mem[i] !== 0) lv.seen++;
          g.refresh(i);
        }
      }
      g.say('A map coalesces in your mind!');
      break;
    }
    case 'scroll of enchant weapon':
      if (g.wielded) {
        g.wielded.spe++;
        g.invDirty = true;
        g.say(`Your ${OBJECTS[g.wielded.kind]!.name} glows blue for a moment.`);
      } else g.say('Your hands twitch.');
      break;
    default: {
      const a = g.armor.body ?? g.armor.head ?? g.armor.shield;
      if (a) {
        a.spe++;
        g.invDirty = true;
        g.say(`Your ${OBJECTS[a.kind]!.name} glows silver for a moment.`);
      } else g.say('Your skin glows then fades.');
    }
  }
}

/** Zap wand `o`: aimed at the nearest monster in a straight line in view, else along the last move. */
export function zap(g: Game, o: Obj): void {
  const name = OBJECTS[o.kind]!.name;
  if (o.spe <= 0) {
    g.say('Nothing happens.');
    return;
  }
  o.spe--;
  g.invDirty = true;
  if (name === 'wand of digging') {
    g.say('You dig a hole through the floor.  You fall through...');
    g.pendingFall = true;
    return;
  }
  if (name === 'wand of light') {
    g.say('The room is lit by a shimmering haze.');
    lightArea(g, 7);
    return;
  }
  const dir = aim(g);
  const lv = g.lv;
  let y = (g.pos / COLS) | 0,
    x = g.pos % COLS;
  for (let r = 0; r < 8; r++) {
    y += DY[dir]!;
    x += DX[dir]!;
    if (y < 0 || y >= 21 || x < 0 || x >= COLS) break;
    const i = y * COLS + x;
    if (opaque(lv.terrain[i]!)) break;
    const m = lv.monAt[i];
    if (!m) continue;
    if (name === 'wand of sleep') {
      m.sleep = dice(g.rng, 1, 50);
      g.say(`The sleep ray hits ${monName(m)}.`);
      return;
    }
    const dmg = dice(g.rng, 2, 12);
    m.hp -= dmg;
    if (m.hp <= 0) {
      g.say(`The wand hits ${monName(m)}!  You kill ${monName(m)}!`);
      killMonster(g, m, true);
    } else g.say(`The wand hits ${monName(m)}!  ${MonName(m)} staggers.`);
    return;
  }
  g.say(name === 'wand of striking' ? 'Boing!' : 'The sleep ray bounces!');
}

function aim(g: Game): number {
  for (let r = 1; r < 8; r++) {
    for (let d = 0; d < 8; d++) {
      const y = ((g.pos / COLS) | 0) + DY[d]! * r,
        x = (g.pos % COLS) + DX[d]! * r;
      if (y < 0 || y >= 21 || x < 0 || x >= COLS) continue;
      const m = g.lv.monAt[y * COLS + x];
      if (m && !m.tame && g.inView[m.pos]) return d;
    }
  }
  return g.lastDir;
}
