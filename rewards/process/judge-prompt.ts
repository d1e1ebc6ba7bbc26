import type { ChatMessage } from '../../src/llm/index.js';

/** What the judge reads of a state: the problem and every step so far, the last one being judged. */
export interface JudgedState {
  problem: string;
  steps: readonly string[];
}

/** True when `s` looks like a Reason-* env's `state()`. */
export function isJudgedState(s: unknown): s is JudgedState {
  const o = s as Partial<JudgedState> | null | undefined;
  return typeof o?.problem === 'string' && Array.isArray(o.steps) && o.steps.length > 0;
}

/** The judge's question about the last step of `s`. */
export function judgePrompt(s: JudgedState): ChatMessage[] {
  const before = s.steps.slice(0, -1);
  const history = before.length > 0 ? before.map((t, i) => `${i + 1}. ${t}`).join('\n') : '(none)';
  return [
    {
      role: 'system',
      content:
        'You check one step of a step-by-step solution. A step is correct when what it claims is true and ' +
        'the problem can still be solved after it. Answer with one word: correct or incorrect.',
    },
    {
      role: 'user',
      content:
        `Problem: ${s.problem}\nSteps so far:\n${history}\nNew step: ${s.steps[s.steps.length - 1]}\n` +
        'Is the new step correct?',
    },
  ];
}

/**
 * The judge's verdict: 1 for correct, 0 for incorrect, a number in [0, 1] as given; undefined for anything else
 * (an answer that says both, or neither).
 */
export function parseVerdict(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  const num = /^(0(\.\d+)?|1(\.0+)?)\b/.exec(t);
  if (num) return Number(num[1]);
  const bad = /\b(incorrect|wrong|no)\b/.test(t);
  const good = /\b(correct|right|yes)\b/.test(t);
  if (bad === good) return undefined;
  return good ? 1 : 0;
}
