import {
  Box,
  Dict,
  Discrete,
  MultiBinary,
  MultiDiscrete,
  type Space,
  type SpaceJSON,
  Tuple,
} from '../src/core/spaces.js';
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

/** A space rebuilt from its JSON description (structured-cloned, so infinite bounds survive). */
export function spaceFromJSON(j: SpaceJSON): Space<unknown> {
  switch (j.type) {
    case 'Discrete':
      return new Discrete(j.n, j.start);
    case 'Box':
      return new Box(Float64Array.from(j.low), Float64Array.from(j.high), j.shape, j.dtype);
    case 'MultiBinary':
      return new MultiBinary(j.shape);
    case 'MultiDiscrete':
      return new MultiDiscrete(j.nvec, j.start);
    case 'Dict': {
      const spaces: Record<string, Space<unknown>> = {};
      for (const [k, v] of Object.entries(j.spaces)) spaces[k] = spaceFromJSON(v);
      return new Dict(spaces);
    }
    case 'Tuple':
      return new Tuple(j.spaces.map(spaceFromJSON));
    default:
      throw new Error(`the learner thread cannot rebuild a ${j.type} space`);
  }
}
