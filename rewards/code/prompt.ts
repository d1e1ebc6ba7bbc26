import type { ChatMessage } from '../../src/llm/types.js';
import type { CheckReport } from './check.js';

/** The system message of generation and refinement. */
export const SYSTEM_PROMPT =
  'You are an expert in reinforcement learning, reward design and TypeScript. You write dense reward functions ' +
  'that make a sparse task learnable, as small self-contained TypeScript modules.';

/** Guidance on staged rewards and the rules of the sandbox (after Text2Reward and Eureka). */
export const REWARD_GUIDANCE = `How to write the reward:
- Think about the stages of the task first (e.g. reach the object, grasp it, bring it to the goal). Give a staged
  reward with nested if/else: each later stage pays more than any earlier one, so the agent never gains by going back.
- Within a stage, reward progress as a difference between next and prev (e.g. prevDistance - nextDistance), which
  adds no reward for standing still.
- Add a large bonus when info.success is true; add small penalties (e.g. on action magnitude) only with a small weight.
- Return { total, components } with a named entry for every term, so each can be inspected. If you transform a term
  (e.g. Math.exp(-d / temperature)), give it its own named temperature constant.
- Keep per-step totals roughly within [-10, 10].
- Use only the fields declared in State, Action and StepInfo. Do not invent any variable or field that is not given.
- The code runs in a sandbox: no imports, require, I/O, Date, Math.random or timers; it must be deterministic,
  synchronous, and return finite numbers. Guard against missing objects (e.g. an empty list) and division by zero.`;

/** The output format request. */
export const OUTPUT_FORMAT =
  'Reply with a short plan of the stages, then the whole module in ONE ```typescript code block that defines ' +
  '`export function reward(prev: State, action: Action, next: State, info: StepInfo)`. You may add helper functions ' +
  'and ' +
  'constants; you need not repeat the declarations.';

/** The first user message: declarations, task, guidance, format (Text2Reward's zero-shot prompt, adapted). */
export function initialMessages(declarations: string, task: string): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    {
      role: 'user',
      content:
        `The environment exposes this state and signature:\n\n\`\`\`typescript\n${declarations}\`\`\`\n\n` +
        `Task: ${task}\n\n${REWARD_GUIDANCE}\n\n${OUTPUT_FORMAT}`,
    },
  ];
}

/** The repair message after a failed check (Eureka's execution-error feedback). */
export function repairMessage(problem: string): ChatMessage {
  return {
    role: 'user',
    content:
      `Checking the reward function above in the sandbox failed:\n\n${problem}\n\n` +
      `Fix the problem and reply with the whole corrected module in ONE \`\`\`typescript code block.`,
  };
}

/** What a failed check says, for the repair message. */
export function describeFailure(report: CheckReport | undefined, noCode: boolean): string {
  if (noCode || !report)
    return 'The answer contained no ```typescript code block defining `export function reward(...)`.';
  if (report.compile) return report.compile.message;
  const e = report.real?.error;
  if (e) return `${e.message}\n(${report.real!.errors} of ${report.real!.transitions} real transitions failed)`;
  return report.warnings.join('\n');
}

/** Statistics of one trained candidate for the reflection message. */
export interface TrainFeedback {
  /** Success rate of the trained policy on the task (0..1). */
  successRate: number;
  /** Mean episode return under the env's own reward, when known. */
  meanReturn?: number;
  steps: number;
  /** Per component: values sampled over training (Eureka samples ten points), plus min/mean/max. */
  components: Record<string, { series: number[]; min: number; mean: number; max: number }>;
}

const num = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x));

/** The reward reflection (Eureka's policy and code feedback). */
export function reflectionMessage(fb: TrainFeedback): ChatMessage {
  const lines = [
    `We trained a policy with the reward function above for ${fb.steps} steps. Along training, the reward components ` +
      `were:`,
  ];
  for (const [name, c] of Object.entries(fb.components)) {
    lines.push(
      `${name}: [${c.series.map(num).join(', ')}], Max: ${num(c.max)}, Mean: ${num(c.mean)}, Min: ${num(c.min)}`,
    );
  }
  lines.push(
    `task success rate: ${num(fb.successRate)}${fb.meanReturn !== undefined ? `, mean episode return (env reward): ${num(fb.meanReturn)}` : ''}`,
  );
  lines.push(
    '',
    'Please analyse this feedback and write an improved reward function. Some tips:',
    '(1) If the success rate is always near zero, rewrite the entire reward function.',
    '(2) If a component has near-identical values throughout, the agent cannot optimise it: rescale it, change its ' +
      'temperature, rewrite it, or drop it.',
    '(3) If a component is much larger than the others, rescale it.',
    OUTPUT_FORMAT,
  );
  return { role: 'user', content: lines.join('\n') };
}
