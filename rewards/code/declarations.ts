import { isDescribed, RxgymError, type Env } from '../../src/core/env.js';
import type { SpaceJSON } from '../../src/core/spaces.js';
import { boundFromJSON } from '../../src/core/space-json.js';
import { unwrap } from '../../src/core/wrapper.js';

/** The env's `state()`/`describeState()` view, reached through wrappers; a clear error when the env has none. */
export function describedEnv(env: Env<unknown, unknown>, id: string): { state(): unknown; describeState(): string } {
  const inner = unwrap(env);
  if (!isDescribed(inner)) {
    throw new RxgymError(
      `env "${id}" does not implement state()/describeState(), so reward code cannot read it; ` +
        'use a dungeon (Dungeon-*) or MuJoCo env, or implement DescribedEnv on your env',
    );
  }
  return inner;
}

/**
 * The name of the state type in a describeState() text: `State`, else the last `...State` interface, else the last
 * declared type.
 */
export function stateTypeName(dts: string): string | undefined {
  const names = [...dts.matchAll(/\b(?:interface|type)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!);
  if (names.includes('State')) return 'State';
  const stateLike = names.filter((n) => /State$/.test(n));
  return stateLike.at(-1) ?? names.at(-1);
}

/**
 * TypeScript type of one action of a space, with a comment on its range (and the action names, when the env has them).
 */
export function actionDeclaration(space: SpaceJSON, names?: readonly string[]): string {
  switch (space.type) {
    case 'Discrete': {
      const named =
        names && names.length === space.n ? `\n//   ${names.map((n, i) => `${i + space.start}=${n}`).join(', ')}` : '';
      return (
        `type Action = number; // Discrete(${space.n}): an index ` +
        `${space.start}..${space.start + space.n - 1}${named}`
      );
    }
    case 'Box': {
      const lo = Math.min(...space.low.map((b) => boundFromJSON(b, 'low'))),
        hi = Math.max(...space.high.map((b) => boundFromJSON(b, 'high')));
      return (
        `type Action = number[]; // Box of shape [${space.shape.join(', ')}], ` + `values in [${lo}, ${hi}] (flattened)`
      );
    }
    case 'MultiDiscrete':
      return `type Action = number[]; // MultiDiscrete([${space.nvec.join(', ')}]): one index per entry`;
    case 'MultiBinary':
      return `type Action = number[]; // MultiBinary(${space.shape.join('x')}): 0 or 1 per entry`;
    default:
      return `type Action = unknown; // ${space.type} action space`;
  }
}

/** The env's action names (`actionNames`, as the dungeon has), if it exposes them. */
function actionNamesOf(env: Env<unknown, unknown>): string[] | undefined {
  const names = (unwrap(env) as { actionNames?: unknown }).actionNames;
  return Array.isArray(names) && names.every((n) => typeof n === 'string') ? names : undefined;
}

/** The env's own task description (`describeTask()`, as reward-free behaviour tasks have), if any. */
export function taskDescriptionOf(env: Env<unknown, unknown>): string | undefined {
  const inner = unwrap(env) as { describeTask?: unknown };
  if (typeof inner.describeTask !== 'function') return undefined;
  const text: unknown = (inner.describeTask as () => unknown).call(inner);
  return typeof text === 'string' && text.trim() ? text.trim() : undefined;
}

/** The per-step information every reward receives. */
export const STEP_INFO_DTS = `/** Per-step information. */
interface StepInfo {
  reward: number;      // the env's own (usually sparse) reward at this step
  terminated: boolean; // the episode ended in a terminal state at this step
  truncated: boolean;  // the episode was cut by the time limit at this step
  success: boolean;    // the task counts as solved at this step (false where the env does not report it)
  step: number;        // index of this step within its episode
  message: string;     // the message line of this step ("" when none)
}`;

/** The reward signature and its rules. */
export const SIGNATURE_DTS = `/**
 * Write this function. \`prev\` is the state before the action, \`next\` the state after it.
 * Return a number, or { total, components } to have each named part logged separately.
 * It runs in a sandbox: only its arguments and Math exist (no require/import, I/O, Date, Math.random or timers);
 * it must be deterministic, synchronous, and return finite numbers.
 */
export function reward(prev: State, action: Action, next: State, info: StepInfo): number | { total: number; components: Record<string, number> };`;

/** The declarations reward code for `id` is written against: describeState(), Action, StepInfo and the signature. */
export function rewardDeclarations(id: string, env: Env<unknown, unknown>): string {
  const dts = describedEnv(env, id).describeState().trim();
  const name = stateTypeName(dts);
  const alias = name && name !== 'State' ? `\ntype State = ${name};` : name ? '' : '\ntype State = unknown;';
  const task = taskDescriptionOf(env);
  return [
    ...(task ? [`// Task (describeTask()): ${task}`, ''] : []),
    `// ${id}: the state reward code reads (describeState()).`,
    dts + alias,
    '',
    `// The action taken at this step.`,
    actionDeclaration(env.actionSpace.toJSON(), actionNamesOf(env)),
    '',
    STEP_INFO_DTS,
    '',
    SIGNATURE_DTS,
    '',
  ].join('\n');
}
