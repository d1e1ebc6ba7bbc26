import type { ChatMessage } from '../../../src/llm/index.js';

/** Names these prompts in the shared annotation service's label cache: change it when a prompt changes. */
export const ONI_PROMPT_VERSION = 'oni-1';

/** The judge's system prompt, adapted from ONI/Motif to rxgym's dungeon. */
export const SYSTEM_PROMPT =
  'You judge progress in a NetHack-like roguelike dungeon. The player explores levels, fights monsters, ' +
  'picks up keys, gold and items, opens doors and goes down staircases to deeper levels. Answer honestly ' +
  'and exactly in the format asked; if unsure, say so in the reasoning and still give a label.';

/** The default goal sentence of the prompts. */
export const DEFAULT_GOAL =
  'Prefer play that makes progress: going down the stairs, finding keys and opening doors, killing monsters, gaining ' +
  'levels and collecting gold and items.';

/** The classification prompt: helpful / not helpful, with reasoning first and the label last. */
export function classificationPrompt(message: string, goal = DEFAULT_GOAL): ChatMessage[] {
  const user = [
    `Goal: ${goal}`,
    'Here is one line the game printed during play:',
    `"${message}"`,
    'Is this message a sign of progress towards the goal? Messages about progress (descending, a key, a door ' +
      'opening, a kill, a new experience level, gold, picking something up) are HELPFUL. Misses, sounds, bumping ' +
      'into walls or closed doors, taking damage and neutral remarks are NOT HELPFUL.',
    'Examples: "You kill the jackal!" -> HELPFUL. "k - a key." -> HELPFUL. "You miss the newt." -> NOT HELPFUL. ' +
      '"This door is locked." -> NOT HELPFUL.',
    'Answer in exactly this format:',
    '<reasoning>one or two sentences</reasoning>',
    '<label>HELPFUL</label> or <label>NOT HELPFUL</label>',
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

/** The ranking prompt: which of two messages shows more progress (first / second / tie). */
export function rankingPrompt(a: string, b: string, goal = DEFAULT_GOAL): ChatMessage[] {
  const user = [
    `Goal: ${goal}`,
    'Two lines the game printed during play:',
    `1: "${a}"`,
    `2: "${b}"`,
    'Which message shows more progress towards the goal? Compare them briefly, then answer in exactly this format:',
    '<reasoning>one or two sentences</reasoning>',
    '<best>1</best>, <best>2</best> or <best>tie</best>',
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

/** Strict parse of a classification answer: 1 helpful, 0 not, undefined when off-format. */
export function parseClassification(text: string): 0 | 1 | undefined {
  const all = [...text.matchAll(/<label>\s*(HELPFUL|NOT HELPFUL)\s*<\/label>/gi)];
  if (all.length !== 1) return undefined;
  return all[0]![1]!.toUpperCase() === 'HELPFUL' ? 1 : 0;
}

/** Strict parse of a ranking answer: 0 first better, 1 second better, 0.5 tie, undefined when off-format. */
export function parseRanking(text: string): 0 | 1 | 0.5 | undefined {
  const all = [...text.matchAll(/<best>\s*(1|2|tie)\s*<\/best>/gi)];
  if (all.length !== 1) return undefined;
  const v = all[0]![1]!.toLowerCase();
  return v === '1' ? 0 : v === '2' ? 1 : 0.5;
}
