import { registerAgent } from '../src/core/agent.js';
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

/** Register every agent type with src/train (idempotent). */
export function registerAgents(): void {
  for (const d of definitions) registerAgent(d);
}
