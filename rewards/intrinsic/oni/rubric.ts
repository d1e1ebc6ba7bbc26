/**
 * The rubric annotator's rules: a deterministic stand-in for an LLM judge, written for the messages of
 * rxgym's dungeon (NetHack-style lines). Progress events score (killing, levelling up, descending,
 * keys, doors opening, gold and items picked up, feeling better); noise (misses, sounds, bumps,
 * damage taken, death) does not. The first matching rule wins; an unmatched message scores 0.
 */
export interface RubricRule {
  pattern: RegExp;
  score: number;
  why: string;
}

/** Rules in priority order; `score >= HELPFUL_SCORE` is the "helpful" label. */
export const RUBRIC: readonly RubricRule[] = [
  { pattern: /you die|you starve|killed by/i, score: -2, why: 'death' },
  {
    pattern: /\byou (descend|go down|climb down)\b|\bdungeon level \d+|you fall through/i,
    score: 4,
    why: 'went deeper',
  },
  { pattern: /welcome to experience level/i, score: 3, why: 'level up' },
  { pattern: /\byou (kill|destroy)\b/i, score: 3, why: 'kill' },
  { pattern: /\b(unlock|you open|door opens|opens the door|the door swings)/i, score: 3, why: 'door opened' },
  { pattern: /\bkey\b/i, score: 3, why: 'key' },
  { pattern: /\bstair(s|case)\b.*\b(down|here)\b|there is a staircase/i, score: 3, why: 'found stairs' },
  { pattern: /\bgold pieces?\b|\d+ gold\b|counting money/i, score: 2, why: 'gold' },
  { pattern: /^[a-zA-Z] - |\byou (pick up|now have|take)\b/i, score: 2, why: 'picked up an item' },
  { pattern: /you feel (much )?better|medallion|amulet/i, score: 2, why: 'healed / amulet' },
  { pattern: /\bis killed!/i, score: 1, why: 'an ally killed something' },
  { pattern: /\byou see here\b|\bthere (is|are) .* here\b|things that are here/i, score: 1, why: 'found an item' },
  { pattern: /\byou hit\b/i, score: 1, why: 'hit a monster' },
  { pattern: /\byou miss\b|\bmisses\b/i, score: 0, why: 'missed' },
  { pattern: /\byou hear\b/i, score: 0, why: 'a sound' },
  {
    pattern: /\b(door is (closed|locked)|this door is locked|it's (solid stone|a wall)|you can't)\b/i,
    score: 0,
    why: 'blocked',
  },
  { pattern: /\b(bites|hits|stings|kicks|claws|touches) you\b|\byou!/i, score: -1, why: 'took damage' },
];

/** Score at or above which the rubric labels a message helpful. */
export const HELPFUL_SCORE = 2;

/** The rubric's score of `message` and the rule that gave it. */
export function rubricScore(message: string): { score: number; why: string } {
  for (const r of RUBRIC) if (r.pattern.test(message)) return { score: r.score, why: r.why };
  return { score: 0, why: 'no rule' };
}

/** 1 when the rubric finds `message` helpful, else 0. */
export function rubricLabel(message: string): 0 | 1 {
  return rubricScore(message).score >= HELPFUL_SCORE ? 1 : 0;
}

/** The rubric's pairwise preference: 0 = first better, 1 = second better, 0.5 = tie. */
export function rubricPreference(a: string, b: string): 0 | 1 | 0.5 {
  const sa = rubricScore(a).score,
    sb = rubricScore(b).score;
  return sa > sb ? 0 : sb > sa ? 1 : 0.5;
}
