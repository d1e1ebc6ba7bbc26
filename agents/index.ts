import type { AgentRegistry } from '../src/core/agent.js';
import { ppoDefinition } from './ppo.js';
import { randomDefinition } from './random.js';
import { dqnDefinition } from './dqn.js';
import { sacDefinition } from './sac.js';

export { PpoAgent, PPO_PARAMS } from './ppo.js';
export { RandomAgent } from './random.js';
export { DqnAgent, DQN_PARAMS } from './dqn.js';
export { SacAgent, SAC_PARAMS } from './sac.js';

/** One definition per agent type. */
const definitions = [ppoDefinition, dqnDefinition, sacDefinition, randomDefinition];

/** Register every built-in agent type into `agents`. */
export function registerAgents(agents: AgentRegistry): void {
  for (const d of definitions) agents.register(d);
}
