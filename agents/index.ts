import { registerAgent } from '../src/train/agent.js';
import { ppoDefinition } from './ppo.js';
import { randomDefinition } from './random.js';

export { PpoAgent, PPO_PARAMS } from './ppo.js';
export { RandomAgent } from './random.js';

/** One definition per agent type. */
const definitions = [ppoDefinition, randomDefinition];

/** Register every agent type with src/train (idempotent). */
export function registerAgents(): void {
  for (const d of definitions) registerAgent(d);
}
