import { MONSTERS } from './engine/bestiary.js';
import { COLS, T } from './engine/consts.js';
import type { Game } from './engine/game.js';
import type { RewardKind } from './tasks.js';

/** A reward event of a text level (MiniHack's RewardManager events). */
export interface LevelEvent {
  kind: 'reach' | 'pickup' | 'kill' | 'message' | 'eat';
  /** reach: cell index; pickup/eat: object kind; kill: monster kind; message: substring. */
  target: number | string;
  value: number;
  repeatable: boolean;
  terminal: boolean;
}

/** Values observed before a step, to compute deltas. */
export class Before {
  gold = 0;
  score = 0;
  nutrition = 0;
  depth = 1;
  take(g: Game): void {
    this.gold = g.gold;
    this.score = g.score;
    this.nutrition = g.nutrition;
    this.depth = g.depth;
  }
}

/** Result of scoring one step (reused). */
export interface Scored {
  reward: number;
  success: boolean;
  terminal: boolean;
}

/** Scores a step for a task's reward kind (and, for text levels, its events). */
export class RewardFn {
  /**
   * Whether the task has a goal whose reaching is `success`. Gold, Eat, Score and Scout pay a quantity (gold, food,
   * score, newly seen cells) with nothing to succeed at, as NLE's Score task: their steps report no `info.success`, so
   * evaluations report no success rate and `rxgym bench` compares them on normalised returns.
   */
  readonly hasGoal: boolean;
  private readonly fired: Uint8Array;
  private readonly out: Scored = { reward: 0, success: false, terminal: false };
  constructor(
    readonly kind: RewardKind,
    readonly targetDepth = 0,
    readonly events: readonly LevelEvent[] = [],
  ) {
    this.fired = new Uint8Array(events.length);
    this.hasGoal = !(kind === 'gold' || kind === 'eat' || kind === 'score' || kind === 'scout');
  }
  reset(): void {
    this.fired.fill(0);
  }

  score(g: Game, b: Before): Scored {
    const o = this.out;
    o.reward = 0;
    o.success = false;
    o.terminal = false;
    switch (this.kind) {
      case 'stairs':
        if (g.lv.terrain[g.pos] === T.STAIRS_DOWN) {
          o.reward = 1;
          o.success = true;
        }
        break;
      case 'descend':
        if (g.depth > b.depth) {
          o.reward = 1;
          o.success = true;
        }
        break;
      case 'depth':
        if (g.depth >= this.targetDepth) {
          o.reward = 1;
          o.success = true;
        }
        break;
      case 'gold':
        o.reward = g.gold - b.gold;
        break;
      case 'eat':
        o.reward = Math.max(0, g.nutrition - b.nutrition);
        break;
      case 'score':
        o.reward = g.score - b.score;
        break;
      case 'scout':
        o.reward = g.lv.seen - g.lv.seenScored;
        g.lv.seenScored = g.lv.seen;
        break;
      case 'oracle':
        if (nextToOracle(g)) {
          o.reward = 1;
          o.success = true;
        }
        break;
      case 'custom':
        this.custom(g, o);
        break;
    }
    if (o.success) o.terminal = true;
    return o;
  }

  private custom(g: Game, o: Scored): void {
    const ev = this.events;
    let anyTerminal = false;
    for (let k = 0; k < ev.length; k++) {
      const e = ev[k]!;
      if (this.fired[k] && !e.repeatable) continue;
      let hit = false;
      if (e.kind === 'reach') hit = g.pos === e.target;
      else if (e.kind === 'message') hit = g.msg !== '' && g.msg.toLowerCase().includes(e.target as string);
      else if (e.kind === 'eat') hit = g.ev.ateKind === e.target;
      else if (e.kind === 'pickup') {
        for (let j = 0; j < g.ev.nPicked; j++) if (g.ev.picked[j] === e.target) hit = true;
      } else if (e.kind === 'kill') {
        for (let j = 0; j < g.ev.nKilled; j++) if (g.ev.killed[j] === e.target) hit = true;
      }
      if (!hit) continue;
      this.fired[k] = 1;
      o.reward += e.value;
      if (e.terminal) anyTerminal = true;
    }
    if (anyTerminal) o.success = true;
  }
}

function nextToOracle(g: Game): boolean {
  const py = (g.pos / COLS) | 0,
    px = g.pos % COLS;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const y = py + dy,
        x = px + dx;
      if (y < 0 || y >= 21 || x < 0 || x >= COLS) continue;
      const m = g.lv.monAt[y * COLS + x];
      if (m && MONSTERS[m.kind]!.name === 'Oracle') return true;
    }
  }
  return false;
}
