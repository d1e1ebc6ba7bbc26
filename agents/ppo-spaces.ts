import { spaceFromJSON } from '../src/core/space-json.js';
import type { SpaceJSON } from '../src/core/spaces.js';
import type { AgentContext } from '../src/core/agent.js';

/** An agent context as a worker thread receives it: the spaces as JSON (the rest is plain data). */
export type ContextJSON = Omit<AgentContext, 'observationSpace' | 'actionSpace'> & {
  observationSpace: SpaceJSON;
  actionSpace: SpaceJSON;
};

/** `ctx` in a form that crosses to a worker thread (structured clone). */
export function contextToJSON(ctx: AgentContext): ContextJSON {
  return { ...ctx, observationSpace: ctx.observationSpace.toJSON(), actionSpace: ctx.actionSpace.toJSON() };
}

/** The agent context a worker thread received, with its spaces rebuilt. */
export function contextFromJSON(j: ContextJSON): AgentContext {
  return { ...j, observationSpace: spaceFromJSON(j.observationSpace), actionSpace: spaceFromJSON(j.actionSpace) };
}
