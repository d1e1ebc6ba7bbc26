import type { AgentRegistry } from '../src/core/agent.js';
import { ppoDefinition } from './ppo.js';
import { randomDefinition } from './random.js';
import { dqnDefinition } from './dqn.js';
import { sacDefinition } from './sac.js';
import { raftDefinition } from './raft.js';

export { PpoAgent, PPO_PARAMS } from './ppo.js';
export { RandomAgent } from './random.js';
export { DqnAgent, DQN_PARAMS } from './dqn.js';
export { SacAgent, SAC_PARAMS } from './sac.js';
export { RaftAgent, RAFT_PARAMS } from './raft.js';

/** One definition per agent type. */
const definitions = [ppoDefinition, dqnDefinition, sacDefinition, raftDefinition, randomDefinition];

/** Register every built-in agent type into `agents`. */
export function registerAgents(agents: AgentRegistry): void {
  for (const d of definitions) agents.register(d);
}
