import { MONSTERS } from './bestiary.js';
import { die } from './combat.js';
import { updateHunger } from './effects.js';
import type { Game } from './game.js';
import { moveMonsters } from './monmove.js';
import { changeLevel } from './player.js';
import { spawnMonster } from './populate.js';

/**
 * Everything that happens after a time-consuming player action: monsters, hunger, healing, wandering monsters, sounds.
 */
export function endTurn(g: Game): void {
  g.time++;
  if (g.pendingFall) {
    g.pendingFall = false;
    changeLevel(g, g.depth + 1, 'any');
  }
  if (g.lv.monsters.length > 0) moveMonsters(g);
  if (g.dead) return;
  g.nutrition--;
  if (g.nutrition <= 150 || g.nutrition === 1000) updateHunger(g);
  if (g.nutrition < -(100 + 10 * g.con)) {
    g.say('You die from starvation.');
    die(g, 'starved to death');
    return;
  }
  if (g.hp < g.hpmax && g.time % (((42 / (g.ulevel + 2)) | 0) + 1) === 0) g.hp++;
  const rate = g.setup.spawnRate;
  if (rate > 0 && g.rng.int(0, rate) === 0) spawnMonster(g.lv, g.rng, g.depth, -1, g.pos);
  if (g.lv.monsters.length > 0 && g.rng.int(0, 200) === 0) {
    for (const m of g.lv.monsters) {
      const s = MONSTERS[m.kind]!.sound;
      if (s && !g.inView[m.pos] && !m.tame) {
        g.say(s);
        break;
      }
    }
  }
  if (g.lv.fountains > 0 && g.rng.int(0, 400) === 0) g.say('You hear bubbling water.');
}
