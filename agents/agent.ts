/** The agent contract lives in src/train (src must not import agents/); re-exported here for agent authors. */
export type { Agent, AgentContext, AgentDefinition } from '../src/core/agent.js';
export type { Policy, PolicyOutput, ActOptions } from '../src/stream/policy.js';
